"""flytekit's configuration sections beyond the platform: data stores, secrets, stats, the local
cache, tasks' namespace, authentication types. Inert as the rest of ``flytelike.configuration``:
they record what they were given (a ``Config(data_config=DataConfig(s3=S3Config(...)))`` built
for ``FlyteRemote`` runs unchanged); ``auto()`` gives the defaults without reading a file or the
environment. Where flytelike itself reads storage settings: the data context's
``storage_options`` and ``--raw-data-path`` (docs/configuration.md).
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from typing import Any


class AuthType(enum.Enum):
    STANDARD = "standard"
    BASIC = "basic"
    CLIENT_CREDENTIALS = "client_credentials"
    EXTERNAL_PROCESS = "external_process"
    CLIENTSECRET = "ClientSecret"
    PKCE = "Pkce"
    EXTERNALCOMMAND = "ExternalCommand"
    DEVICEFLOW = "DeviceFlow"


class _Auto:
    """``auto(config_file=None)``: the defaults (flytekit reads its config file here)."""

    @classmethod
    def auto(cls, config_file: Any = None) -> Any:
        return cls()


@dataclass(frozen=True)
class S3Config(_Auto):
    enable_debug: bool = False
    endpoint: str | None = None
    retries: int = 3
    backoff: datetime.timedelta = datetime.timedelta(seconds=5)
    access_key_id: str | None = None
    secret_access_key: str | None = None
    adressing_style: str | None = None  # (flytekit's spelling)


@dataclass(frozen=True)
class GCSConfig(_Auto):
    gsutil_parallelism: bool = False


@dataclass(frozen=True)
class AzureBlobStorageConfig(_Auto):
    account_name: str | None = None
    account_key: str | None = None
    tenant_id: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


@dataclass(frozen=True)
class GenericPersistenceConfig(_Auto):
    attach_execution_metadata: bool = True


@dataclass(frozen=True)
class DataConfig(_Auto):
    s3: S3Config = field(default_factory=S3Config)
    gcs: GCSConfig = field(default_factory=GCSConfig)
    azure: AzureBlobStorageConfig = field(default_factory=AzureBlobStorageConfig)
    generic: GenericPersistenceConfig = field(default_factory=GenericPersistenceConfig)


@dataclass(frozen=True)
class SecretsConfig(_Auto):
    env_prefix: str = "_FSEC_"
    default_dir: str = "/etc/secrets"
    file_prefix: str = ""


@dataclass(frozen=True)
class StatsConfig(_Auto):
    host: str = "localhost"
    port: int = 8125
    disabled: bool = False
    disabled_tags: bool = False


@dataclass(frozen=True)
class LocalConfig(_Auto):
    cache_enabled: bool = True
    cache_overwrite: bool = False


@dataclass(frozen=True)
class TaskConfig(_Auto):
    project: str | None = "flytesnacks"
    domain: str | None = "development"
    org: str | None = None


@dataclass(frozen=True)
class EntrypointSettings:
    path: str | None = None
