"""flyte 2's ``flyte.artifacts.Metadata``, ``Card`` and ``TimePartition``: what a task says about
a value it publishes as an artifact version of the local catalog (``flytelike.remote.Artifact``).

- ``Metadata(name, version=None, description=None, attrs=None, card=None, kind=None,
  partitions=None, parents=None, version_from_content=False)``: checked when made (kind,
  parents, partition values), so a mistake fails where it is written. ``version`` defaults to a
  random hex (as ``Artifact.create``'s; flyte's backend derives one from the producing action),
  or, with ``version_from_content``, to a hash of the stored literal (publishing the same
  content again then adds no version). ``create_model_metadata(...)`` sets ``kind="model"`` and the model attrs.
- ``Card(uri, format="html", card_type="generic")``; ``Card.create_from(content=... |
  local_path=..., format, card_type)`` copies the card into the raw data prefix
  (``flytelike.remote.upload_file``) and returns it (also ``.aio``).
- ``TimePartition(value, granularity)``: a time partition with an explicit granularity.
"""

from __future__ import annotations

import pathlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from flytelike.remote import ArtifactError

# (remote's artifact catalog: used directly)
from flytelike.remote import _artifact_partitions as _partitions
from flytelike.remote._sync import class_sync_and_aio  # (remote's one sync-and-aio helper)

KIND_KEY = "flyte.io/kind"
MAX_PARENTS = 32

Kind = Literal["model", "data", "generic"]
CardType = Literal["model", "data", "generic"]
CardFormat = Literal["html", "md", "json", "yaml", "csv", "tsv", "png", "jpg", "jpeg"]
Granularity = Literal["hour", "day", "week", "month"]

_KINDS = ("model", "data", "generic")
_FORMATS = ("html", "md", "json", "yaml", "csv", "tsv", "png", "jpg", "jpeg")


@dataclass(frozen=True, kw_only=True)
class Card:
    """A card of an artifact version: where it is (``uri``), its ``format`` and ``card_type``."""

    uri: str
    format: CardFormat = "html"
    card_type: CardType = "generic"

    def __post_init__(self) -> None:
        if self.format not in _FORMATS:
            raise ArtifactError(
                f"Card: format must be one of {list(_FORMATS)}, got {self.format!r}"
            )
        if self.card_type not in _KINDS:
            raise ArtifactError(
                f"Card: card_type must be one of {list(_KINDS)}, got {self.card_type!r}"
            )

    @class_sync_and_aio
    def create_from(
        cls: type[Card],
        *,
        content: str | None = None,
        local_path: pathlib.Path | str | None = None,
        format: CardFormat = "html",
        card_type: CardType = "generic",
    ) -> Card:
        """A card made from ``content`` (text) or the file ``local_path``, copied into the raw
        data prefix (the same bytes land in the same place)."""
        from flytelike.remote import upload_file

        if content:
            with tempfile.TemporaryDirectory() as tmp:
                path = pathlib.Path(tmp) / f"{card_type}.{format}"
                path.write_text(content)
                _, uri = upload_file(path)
        elif local_path:
            _, uri = upload_file(local_path, fname=f"{card_type}.{format}")
        else:
            raise ArtifactError("Card.create_from: give content= (text) or local_path= (a file)")
        return cls(uri=uri, format=format, card_type=card_type)


@dataclass(frozen=True)
class TimePartition:
    """A time partition value with its granularity (``"hour"``, ``"day"``, ``"week"``,
    ``"month"``); a plain ``date`` is daily, a ``datetime`` hourly."""

    value: date
    granularity: Granularity = "day"

    def __post_init__(self) -> None:
        if self.granularity not in _partitions.GRANULARITIES:
            raise ArtifactError(
                f"TimePartition: granularity {self.granularity!r} is not one of "
                f"{list(_partitions.GRANULARITIES)}"
            )
        if not isinstance(self.value, date):
            raise ArtifactError(
                f"TimePartition: value must be a date or datetime, got {type(self.value).__name__}"
            )


@dataclass(frozen=True, kw_only=True)
class Metadata:
    """What to publish a task output as (see the module docstring)."""

    name: str
    version: str | None = None
    description: str | None = None
    attrs: Mapping[str, str] | None = None
    card: Card | None = None
    kind: Kind | None = None
    partitions: Mapping[str, Any] | None = None
    parents: tuple[Any, ...] | None = None
    version_from_content: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ArtifactError("Metadata: name must be a non-empty str (the artifact's name)")
        if self.version is not None and (not isinstance(self.version, str) or not self.version):
            raise ArtifactError(f"Metadata({self.name!r}): version must be a non-empty str or None")
        if self.kind is not None and self.kind not in _KINDS:
            raise ArtifactError(
                f"Metadata({self.name!r}): kind must be one of {list(_KINDS)}, got {self.kind!r}"
            )
        if self.parents is not None:
            # (remote's artifact catalog: used directly)
            from flytelike.remote import _artifact_values as _values

            if len(self.parents) > MAX_PARENTS:
                raise ArtifactError(
                    f"Metadata({self.name!r}): at most {MAX_PARENTS} parents, got "
                    f"{len(self.parents)}"
                )
            for p in self.parents:
                _values.parent(p)  # (refuses what is neither a version nor a version id)
        _partitions.split(self.partitions)  # (a bad partition fails here, not at publication)

    def resolved_attrs(self) -> dict[str, str]:
        """``attrs`` with ``kind`` under ``flyte.io/kind`` (an explicit attr of that key wins)."""
        attrs = {str(k): str(v) for k, v in (self.attrs or {}).items()}
        if self.kind is not None:
            attrs.setdefault(KIND_KEY, self.kind)
        return attrs

    def merged_over(self, own: Metadata | None) -> Metadata:
        """This declaration (a caller's, ``produces``) over the task's ``own`` metadata: the
        declaration keeps name, version, partitions and parents; the task's description, card
        and attrs fill in what it leaves empty (its own attrs win on a shared key)."""
        if own is None:
            return self
        if not isinstance(own, Metadata):
            raise ArtifactError(
                f"Metadata({self.name!r}): the task's own artifact metadata is a "
                f"{type(own).__name__}; give a flytelike.artifacts.Metadata"
            )
        return replace(
            self,
            description=self.description or own.description,
            card=self.card if self.card is not None else own.card,
            attrs={**own.resolved_attrs(), **self.resolved_attrs()},
            kind=None,  # (now under KIND_KEY in attrs)
        )

    @classmethod
    def create_model_metadata(
        cls,
        *,
        name: str,
        version: str | None = None,
        description: str | None = None,
        card: Card | None = None,
        framework: str | None = None,
        model_type: str | None = None,
        architecture: str | None = None,
        task: str | None = None,
        modality: tuple[str, ...] = ("text",),
        serial_format: str = "safetensors",
        attrs: Mapping[str, str] | None = None,
        partitions: Mapping[str, Any] | None = None,
    ) -> Metadata:
        """Metadata of a model: ``kind`` "model" and the model attrs (``framework``,
        ``model_type``, ``architecture``, ``task``, ``modality`` comma-joined,
        ``serial_format``), over ``attrs``."""
        merged = dict(attrs or {})
        merged.update(
            {
                KIND_KEY: "model",
                "framework": framework or "",
                "model_type": model_type or "",
                "architecture": architecture or "",
                "task": task or "",
                "modality": ",".join(modality),
                "serial_format": serial_format or "",
            }
        )
        return cls(
            name=name,
            version=version,
            description=description,
            attrs=merged,
            card=card,
            partitions=partitions,
        )
