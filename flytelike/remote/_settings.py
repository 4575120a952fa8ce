"""flyte 2's ``flyte.remote.Settings``: hierarchical settings (ORG, DOMAIN, PROJECT) kept in
the local settings store (``flytelike._v2.settings``, which says what local runs take from them).

- ``Settings.get_settings_for_edit(project=None, domain=None)`` (also ``.aio``): the settings of
  a scope (no arguments: ORG; ``domain``: DOMAIN; both: PROJECT, which needs ``domain``; not
  taken from ``init``, as flyte's): ``effective_settings`` (``EffectiveSetting(key, value,
  origin)``, inheritance applied), ``local_settings`` (``LocalSetting(key, value)``, this scope's
  overrides), ``effective_values()``, ``local_overrides()``, ``scope_description()``
  (``ORG``, ``DOMAIN(d)``, ``PROJECT(d/p)``), ``available_keys()``.
- ``settings.update_settings(overrides)`` (also ``.aio``) replaces this scope's overrides (keys
  not given inherit; ``UNSET`` clears one); refused when the scope changed since it was read.
- ``to_yaml()`` writes the scope as YAML to edit (its overrides, then what it inherits and the
  other keys as comments); ``Settings.parse_yaml(text)`` reads such text back into overrides
  (``~unset`` is ``UNSET``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flytelike._v2 import settings as _store
from flytelike._v2.settings import UNSET
from flytelike.remote._sync import class_sync_and_aio, sync_and_aio

_UNSET_TOKEN = "~unset"


@dataclass
class SettingOrigin:
    """The scope a value comes from."""

    scope_type: str  # "ORG", "DOMAIN" or "PROJECT"
    domain: str | None = None
    project: str | None = None

    def __str__(self) -> str:
        if self.scope_type == "ORG":
            return "ORG"
        if self.scope_type == "DOMAIN":
            return f"DOMAIN({self.domain})"
        return f"PROJECT({self.domain}/{self.project})"


@dataclass
class EffectiveSetting:
    """A setting as it applies at a scope, with where its value comes from."""

    key: str
    value: Any
    origin: SettingOrigin


@dataclass
class LocalSetting:
    """A value set at the scope itself."""

    key: str
    value: Any


def _origin(scope: str) -> SettingOrigin:
    if not scope:
        return SettingOrigin("ORG")
    domain, _, project = scope.partition("/")
    return SettingOrigin("PROJECT", domain, project) if project else SettingOrigin("DOMAIN", domain)


def _yaml_value(value: Any) -> str:
    import json

    if value is UNSET:
        return _UNSET_TOKEN
    return json.dumps(value)  # (JSON is YAML: strings quoted, maps as flow mappings)


@dataclass
class Settings:
    """The settings of one scope; see the module docstring."""

    effective_settings: list[EffectiveSetting]
    local_settings: list[LocalSetting]
    domain: str | None = None
    project: str | None = None
    _version: int = field(default=0, repr=False)

    @staticmethod
    def available_keys() -> list[str]:
        """Every key a scope can set (flyte 2.12's)."""
        return list(_store.KEYS)

    def local_overrides(self) -> dict[str, Any]:
        return {s.key: s.value for s in self.local_settings}

    def effective_values(self) -> dict[str, Any]:
        return {s.key: s.value for s in self.effective_settings}

    def scope_description(self) -> str:
        if self.project and self.domain:
            return f"PROJECT({self.domain}/{self.project})"
        if self.domain:
            return f"DOMAIN({self.domain})"
        return "ORG"

    @class_sync_and_aio
    def get_settings_for_edit(
        cls: type[Settings], project: str | None = None, domain: str | None = None
    ) -> Settings:
        """The settings of the scope ``domain``/``project`` (see the module docstring)."""
        return _load(cls, project, domain)

    @sync_and_aio
    def update_settings(self, overrides: dict[str, Any]) -> None:
        """Replace this scope's overrides with ``overrides`` (flat dot-notation keys)."""
        self._version = _store.update(self.domain, self.project, dict(overrides), self._version)
        fresh = _load(type(self), self.project, self.domain)
        self.local_settings = fresh.local_settings
        self.effective_settings = fresh.effective_settings

    def to_yaml(self) -> str:
        """The scope as YAML to edit: overrides as entries, the rest as comments."""
        lines = [f"# settings of {self.scope_description()}"]
        local = self.local_overrides()
        for key, value in local.items():
            lines.append(f"{key}: {_yaml_value(value)}")
        inherited = [s for s in self.effective_settings if s.key not in local]
        if inherited:
            lines.append("## inherited (uncomment to override here):")
            lines += [f"# {s.key}: {_yaml_value(s.value)}  # from {s.origin}" for s in inherited]
        rest = [k for k in _store.KEYS if k not in local and k not in self.effective_values()]
        if rest:
            lines.append("## other keys:")
            lines += [f"# {k}: ({_store.KEYS[k]})" for k in rest]
        return "\n".join(lines) + "\n"

    @staticmethod
    def parse_yaml(yaml_content: str) -> dict[str, Any]:
        """Overrides from YAML text (comments ignored; ``~unset`` is ``UNSET``)."""
        import yaml

        from flytelike.errors import ConfigurationError

        data = yaml.safe_load(yaml_content)
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ConfigurationError(
                f"settings YAML: expected a mapping at the top level, got {type(data).__name__}"
            )
        return {str(k): (UNSET if v == _UNSET_TOKEN else v) for k, v in data.items()}


def _load(cls: type[Settings], project: str | None, domain: str | None) -> Settings:
    key = _store.scope_key(domain, project)
    stored = _store.read_all().get(key, {"version": 0, "settings": {}})
    values = _store.effective(domain, project)
    return cls(
        effective_settings=[
            EffectiveSetting(k, v, _origin(scope)) for k, (v, scope) in values.items()
        ],
        local_settings=[LocalSetting(k, v) for k, v in stored["settings"].items()],
        domain=domain,
        project=project,
        _version=stored["version"],
    )


__all__ = ["UNSET", "EffectiveSetting", "LocalSetting", "SettingOrigin", "Settings"]
