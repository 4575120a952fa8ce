"""flytekit's configuration objects (``flytekit.configuration``), inert.

flytelike has no control plane to connect to: ``Config`` and friends record what they were given
(endpoints, credentials, images) so code that builds them runs unchanged, and
``flytelike.remote.FlyteRemote`` accepts them, but nothing here opens a connection, reads a
file or the environment, or changes how flytelike runs. ``Config.from_file`` records the path
without reading it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flytelike.configuration._sections import (
    AuthType,
    AzureBlobStorageConfig,
    DataConfig,
    EntrypointSettings,
    GCSConfig,
    GenericPersistenceConfig,
    LocalConfig,
    S3Config,
    SecretsConfig,
    StatsConfig,
    TaskConfig,
)


@dataclass(frozen=True)
class PlatformConfig:
    """Where a Flyte control plane would be; recorded only."""

    endpoint: str = "localhost:30080"
    insecure: bool = False
    insecure_skip_verify: bool = False
    console_endpoint: str | None = None
    command: list[str] | None = None
    client_id: str | None = None
    client_credentials_secret: str | None = None
    scopes: list[str] = field(default_factory=list)
    auth_mode: str = "Pkce"
    audience: str | None = None
    rpc_retries: int = 3
    http_proxy_url: str | None = None

    @classmethod
    def auto(cls, config_file: Any = None) -> PlatformConfig:
        return cls()

    @classmethod
    def for_endpoint(cls, endpoint: str, insecure: bool = False) -> PlatformConfig:
        return cls(endpoint=endpoint, insecure=insecure)


@dataclass(frozen=True)
class Config:
    """A flytekit ``Config``: ``platform`` (``PlatformConfig``) plus whatever else was given
    (``secrets``, ``stats``, ``data_config``, ``local_sandbox_path``) in ``extra``; ``source``
    says how it was built (``"auto"``, ``"sandbox"``, ``"endpoint"``, ``"file:<path>"``)."""

    platform: PlatformConfig = field(default_factory=PlatformConfig)
    extra: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def __init__(
        self,
        platform: PlatformConfig | None = None,
        *,
        source: str = "",
        **extra: Any,
    ) -> None:
        object.__setattr__(self, "platform", platform or PlatformConfig())
        object.__setattr__(self, "extra", dict(extra))
        object.__setattr__(self, "source", source)

    @classmethod
    def auto(cls, config_file: Any = None) -> Config:
        """flytekit reads its config file and environment here; locally, an inert config."""
        src = f"file:{config_file}" if config_file is not None else "auto"
        return cls(source=src)

    @classmethod
    def for_sandbox(cls) -> Config:
        return cls(PlatformConfig(endpoint="localhost:30080", insecure=True), source="sandbox")

    @classmethod
    def for_endpoint(
        cls, endpoint: str, insecure: bool = False, data_config: Any = None, config_file: Any = None
    ) -> Config:
        return cls(
            PlatformConfig.for_endpoint(endpoint, insecure),
            source="endpoint",
            **({"data_config": data_config} if data_config is not None else {}),
        )

    @classmethod
    def from_file(cls, path: Any) -> Config:
        """Records ``path``; the file is not read."""
        return cls(source=f"file:{path}")

    def with_params(self, platform: PlatformConfig | None = None, **extra: Any) -> Config:
        return Config(platform or self.platform, source=self.source, **{**self.extra, **extra})


@dataclass(frozen=True)
class Image:
    name: str = ""
    fqn: str = ""
    tag: str = ""

    @property
    def full(self) -> str:
        return f"{self.fqn}:{self.tag}" if self.tag else self.fqn


@dataclass(frozen=True)
class ImageConfig:
    """Container images a cluster run would use; recorded only (local runs use this
    interpreter)."""

    default_image: Image | None = None
    images: list[Image] = field(default_factory=list)

    @classmethod
    def auto(cls, config_file: Any = None, img_name: str | None = None) -> ImageConfig:
        return cls(Image(name="default", fqn=img_name or "") if img_name else None)

    @classmethod
    def auto_default_image(cls) -> ImageConfig:
        return cls()

    @classmethod
    def from_images(cls, default_image: str | None = None, m: Any = None) -> ImageConfig:
        imgs = [Image(name=k, fqn=v) for k, v in dict(m or {}).items()]
        return cls(Image(name="default", fqn=default_image) if default_image else None, imgs)


@dataclass(frozen=True)
class FastSerializationSettings:
    enabled: bool = False
    destination_dir: str | None = None
    distribution_location: str | None = None


@dataclass(frozen=True)
class SerializationSettings:
    """What flytekit serialises entities with; accepted by ``FlyteRemote.register_*`` and
    recorded only (flytelike compiles entities to its own IR)."""

    image_config: ImageConfig | None = None
    project: str | None = None
    domain: str | None = None
    version: str | None = None
    env: dict[str, str] | None = None
    python_interpreter: str | None = None
    fast_serialization_settings: FastSerializationSettings | None = None
    source_root: str | None = None


__all__ = [
    "AuthType",
    "AzureBlobStorageConfig",
    "Config",
    "DataConfig",
    "EntrypointSettings",
    "FastSerializationSettings",
    "GCSConfig",
    "GenericPersistenceConfig",
    "Image",
    "ImageConfig",
    "LocalConfig",
    "PlatformConfig",
    "S3Config",
    "SecretsConfig",
    "SerializationSettings",
    "StatsConfig",
    "TaskConfig",
]
