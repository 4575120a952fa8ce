"""flyte 2's storage settings (``flyte.storage.S3``, ``GCS``, ``ABFS``, ``Storage``): the
fields flyte has, ``auto()`` reading them from the environment as flyte does, and
``get_fsspec_kwargs()`` giving the fsspec options they stand for."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Any


@dataclass(init=True, repr=True, eq=True, frozen=True)
class Storage:
    retries: int = 3
    backoff: datetime.timedelta = datetime.timedelta(seconds=5)
    enable_debug: bool = False
    attach_execution_metadata: bool = True

    def get_fsspec_kwargs(self, anonymous: bool = False, **kwargs: Any) -> dict[str, Any]:
        return {**({"anon": True} if anonymous else {}), **kwargs}

    @classmethod
    def auto(cls) -> Storage:
        return cls()


@dataclass(init=True, repr=True, eq=True, frozen=True)
class S3(Storage):
    endpoint: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    region: str | None = None
    addressing_style: str | None = None

    @classmethod
    def auto(cls, region: str | None = None) -> S3:
        env = os.environ.get
        return cls(
            endpoint=env("FLYTE_AWS_ENDPOINT"),
            access_key_id=env("FLYTE_AWS_ACCESS_KEY_ID"),
            secret_access_key=env("FLYTE_AWS_SECRET_ACCESS_KEY"),
            region=region or env("AWS_REGION"),
        )

    @classmethod
    def for_sandbox(cls) -> S3:
        return cls(
            endpoint="http://localhost:4566",
            access_key_id="minio",
            secret_access_key="miniostorage",
        )

    def get_fsspec_kwargs(self, anonymous: bool = False, **kwargs: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.access_key_id:
            out["key"] = self.access_key_id
        if self.secret_access_key:
            out["secret"] = self.secret_access_key
        client: dict[str, Any] = {}
        if self.endpoint:
            client["endpoint_url"] = self.endpoint
        if self.region:
            client["region_name"] = self.region
        if client:
            out["client_kwargs"] = client
        if self.addressing_style:
            out["config_kwargs"] = {"s3": {"addressing_style": self.addressing_style}}
        return {**out, **super().get_fsspec_kwargs(anonymous, **kwargs)}


@dataclass(init=True, repr=True, eq=True, frozen=True)
class GCS(Storage):
    gsutil_parallelism: bool = False

    @classmethod
    def auto(cls) -> GCS:
        return cls()


@dataclass(init=True, repr=True, eq=True, frozen=True)
class ABFS(Storage):
    account_name: str | None = None
    account_key: str | None = None
    tenant_id: str | None = None
    client_id: str | None = None
    client_secret: str | None = None

    @classmethod
    def auto(cls) -> ABFS:
        env = os.environ.get
        return cls(
            account_name=env("AZURE_STORAGE_ACCOUNT_NAME"),
            account_key=env("AZURE_STORAGE_ACCOUNT_KEY"),
            tenant_id=env("AZURE_TENANT_ID"),
            client_id=env("AZURE_CLIENT_ID"),
            client_secret=env("AZURE_CLIENT_SECRET"),
        )

    def get_fsspec_kwargs(self, anonymous: bool = False, **kwargs: Any) -> dict[str, Any]:
        fields = ("account_name", "account_key", "tenant_id", "client_id", "client_secret")
        out = {f: getattr(self, f) for f in fields if getattr(self, f)}
        return {**out, **super().get_fsspec_kwargs(anonymous, **kwargs)}
