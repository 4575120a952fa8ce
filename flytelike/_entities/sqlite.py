"""``SQLite3Task``: flytekit's task that runs a SQL query on a SQLite database and returns the
result as a dataframe (``flytekit.extras.sqlite3.task``); it runs locally with ``sqlite3``.

``SQLite3Task(name, query_template, inputs=kwtypes(limit=int), task_config=SQLite3Config(uri,
compressed=False), output_schema_type=None)``: ``{{ .inputs.limit }}`` (or ``.Inputs.``) in the
template is replaced by the input's value; ``uri`` is a local path, a ``file://``/store URI or an
``http(s)`` URL, copied to a temporary directory first; ``compressed=True`` means a tar or zip
archive holding one database file. The output ``results`` is a pandas DataFrame (the type given
as ``output_schema_type``, default ``pandas.DataFrame``; a ``StructuredDataset`` wraps it, a
``FlyteSchema[kwtypes(...)]`` takes it as it is).
Needs pandas (the ``pandas`` extra).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import tempfile
import urllib.request
from typing import Any

from flytelike._entities.container import TaskMetadata
from flytelike._entities.python_task import SQLTask
from flytelike.errors import DefinitionError
from typesystem.io import FlyteSchema


@dataclasses.dataclass
class SQLite3Config:
    """Where the database is (``uri``) and whether it is an archive (``compressed``)."""

    uri: str
    compressed: bool = False


class SQLite3Task(SQLTask[SQLite3Config]):
    """Runs ``query_template`` against the SQLite database of ``task_config``."""

    def __init__(
        self,
        name: str,
        query_template: str,
        inputs: dict[str, Any] | None = None,
        task_config: SQLite3Config | None = None,
        output_schema_type: Any = None,
        metadata: TaskMetadata | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(task_config, SQLite3Config):
            raise DefinitionError(
                f"SQLite3Task {name!r}: task_config=SQLite3Config(uri=...) is required, got "
                f"{type(task_config).__name__}"
            )
        if output_schema_type is None:
            try:
                import pandas as pd  # type: ignore[import-untyped]
            except ImportError as e:
                raise DefinitionError(
                    f"SQLite3Task {name!r} returns a pandas DataFrame: install pandas "
                    "(pip install 'flytelike[pandas]')"
                ) from e
            output_schema_type = pd.DataFrame
        self._output_type = output_schema_type
        super().__init__(
            name=name,
            query_template=query_template,
            task_config=task_config,
            task_type="sqlite",
            inputs=inputs,
            metadata=metadata,
            outputs={"results": output_schema_type},
            **kwargs,
        )

    def get_custom(self, settings: Any = None) -> dict[str, Any]:
        cfg = self._sqlite_config()
        return {"uri": cfg.uri, "compressed": cfg.compressed}

    def _sqlite_config(self) -> SQLite3Config:
        cfg = self.task_config
        assert cfg is not None  # (checked in __init__)
        return cfg

    def execute(self, **kwargs: Any) -> Any:
        import pandas as pd

        query = self.get_query(**kwargs)
        with tempfile.TemporaryDirectory(prefix="flytelike-sqlite-") as tmp:
            db = _fetch(self._sqlite_config(), tmp)
            with sqlite3.connect(db) as con:
                df = pd.read_sql_query(query, con)
        out = self._output_type
        if out is pd.DataFrame or (isinstance(out, type) and issubclass(out, FlyteSchema)):
            return df  # (a FlyteSchema output takes the frame as it is)
        return out(dataframe=df)

    def describe(self) -> str:
        return f"SQLite3 task `{self.name}`"


def _fetch(cfg: SQLite3Config, tmp: str) -> str:
    """A local copy of the database (unpacked when ``compressed``)."""
    target = os.path.join(tmp, "download")
    uri = cfg.uri
    if uri.startswith(("http://", "https://")):
        with urllib.request.urlopen(uri) as r, open(target, "wb") as f:
            shutil.copyfileobj(r, f)
    elif "://" in uri:
        from typesystem.io import DataStore

        with DataStore().open(uri, "rb") as src, open(target, "wb") as f:
            shutil.copyfileobj(src, f)
    else:
        shutil.copyfile(uri, target)
    if not cfg.compressed:
        return target
    out = os.path.join(tmp, "unpacked")
    shutil.unpack_archive(target, out, format="zip" if _is_zip(target) else "tar")
    files = [os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs]
    if len(files) != 1:
        raise ValueError(f"{cfg.uri}: a compressed database must hold one file, found {len(files)}")
    return files[0]


def _is_zip(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"
