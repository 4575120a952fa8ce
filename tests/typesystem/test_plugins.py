"""Type plugins from a real installed distribution (tests/plugins/flytelike-testplugin)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import typesystem as ts

plugin = pytest.importorskip("flytelike_testplugin")


def test_plugin_loads_on_first_lookup_not_on_creation() -> None:
    calls = len(plugin.CALLS)
    reg = ts.TypeRegistry(plugins=True)
    assert len(plugin.CALLS) == calls
    assert reg.literal_type(plugin.PositiveInt) == plugin.PositiveIntTransformer.LT
    assert len(plugin.CALLS) == calls + 1
    rec = next(p for p in reg.plugins if p.name == "positive_int")
    assert rec.distribution == "flytelike-testplugin" and rec.error is None
    assert reg.registered_by(plugin.PositiveInt).startswith("plugin positive_int")


def test_loading_is_idempotent() -> None:
    reg = ts.TypeRegistry(plugins=True)
    reg.literal_type(int)
    calls = len(plugin.CALLS)
    reg.load_plugins(force=True)
    assert len(plugin.CALLS) == calls


def test_round_trip_through_plugin_type() -> None:
    reg = ts.TypeRegistry(plugins=True)
    value = plugin.PositiveInt(42)
    assert reg.to_python(reg.to_literal(value, plugin.PositiveInt), plugin.PositiveInt) == value


def test_disabled_by_argument() -> None:
    reg = ts.TypeRegistry(plugins=False)
    with pytest.warns(ts.PickleFallbackWarning):
        reg.literal_type(plugin.PositiveInt)
    assert reg.plugins == []


def test_disabled_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLYTELIKE_DISABLE_PLUGINS", "1")
    reg = ts.TypeRegistry()
    with pytest.warns(ts.PickleFallbackWarning):
        reg.literal_type(plugin.PositiveInt)


def test_a_bad_disable_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLYTELIKE_DISABLE_PLUGINS", "maybe")
    with pytest.raises(ts.SettingError) as e:
        ts.TypeRegistry().literal_type(int)
    assert e.value.variable == "FLYTELIKE_DISABLE_PLUGINS"
    assert str(e.value).startswith(
        "environment variable FLYTELIKE_DISABLE_PLUGINS='maybe' is not valid: expected a boolean"
    )


def test_strict_types_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import typesystem._registry as registry_module

    monkeypatch.setattr(registry_module, "_default", None)
    monkeypatch.setenv("FLYTELIKE_STRICT_TYPES", "on")
    assert ts.default_registry().strict
    monkeypatch.setattr(registry_module, "_default", None)
    monkeypatch.setenv("FLYTELIKE_STRICT_TYPES", "sometimes")
    with pytest.raises(ts.SettingError, match="FLYTELIKE_STRICT_TYPES='sometimes'"):
        ts.default_registry()


def test_broken_plugins_are_reported_and_do_not_break_others() -> None:
    reg = ts.TypeRegistry(plugins=False)
    with pytest.warns(ts.PluginLoadWarning) as caught:
        reg.load_plugins("flytelike.types_broken_for_tests", force=True)
    messages = [str(w.message) for w in caught]
    assert any(
        "type plugin `a_raises` from distribution `flytelike-testplugin` failed" in m
        and "boom while registering" in m
        for m in messages
    )
    assert any("`b_missing`" in m and "ModuleNotFoundError" in m for m in messages)
    # The good plugin in the same group loaded; the failed one's registration was rolled back.
    assert reg.literal_type(plugin.PositiveInt) == plugin.PositiveIntTransformer.LT
    with pytest.warns(ts.PickleFallbackWarning):
        reg.literal_type(plugin.Unregistered)
    errors = [p for p in reg.plugins if p.error]
    assert {p.name for p in errors} == {"a_raises", "b_missing"}


def test_import_loads_no_plugin() -> None:
    code = (
        "import sys, typesystem; typesystem.default_registry(); "
        "print('flytelike_testplugin' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
