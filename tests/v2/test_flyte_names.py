"""flyte 2.12's public top-level names (``flyte.__all__`` of flyte 2.12.1, written here as data:
the test needs no flyte) resolve on ``flytelike``: each to a local meaning, or, for the few with
none yet or none at all, to an ``ImportError`` that says what to use instead."""

from __future__ import annotations

import importlib

import pytest

import flytelike

FLYTE_2_12_NAMES = (
    "AMD_GPU", "APPLE_SILICON", "AppHandle", "AsyncFunctionTaskTemplate", "Backoff",
    "BaseCheckpoint", "Cache", "CachePolicy", "CacheRequest", "Checkpoint", "ConditionWebhook",
    "Cron", "Device", "DeviceClass", "Documentation", "Environment", "FixedRate", "GPU",
    "HABANA_GAUDI", "Image", "ImageBuild", "Link", "Neuron", "OnArtifact", "PodTemplate",
    "Resources", "RetryStrategy", "ReusePolicy", "Secret", "SecretRequest", "TPU",
    "TaskEnvironment", "TaskTemplate", "Timeout", "TimeoutType", "Trigger", "TriggerTime",
    "TriggeredArtifact", "TriggeredPartition", "__version__", "build", "build_images", "ctx",
    "current_domain", "current_project", "custom_context", "deploy", "get_custom_context",
    "group", "init", "init_from_api_key", "init_from_config", "init_in_cluster",
    "init_passthrough", "is_control_plane_available", "latest_checkpoint",
    "load_interactive_ctx", "load_plugin_config", "logger", "map", "new_condition", "rerun",
    "run", "run_python_script", "serve", "system_logger", "trace", "version",
    "with_runcontext", "with_servecontext",
)  # fmt: skip

# Submodules flyte code imports as ``flyte.<name>`` after ``import flyte``.
FLYTE_SUBMODULES = ("app", "errors", "io", "models", "notify", "remote", "report")

# Names without a local meaning: importing them raises ImportError naming what to use.
NOT_LOCAL = {
    "ConditionWebhook", "load_interactive_ctx", "load_plugin_config", "new_condition",
    "run_python_script",
}  # fmt: skip

# flyte 2.12's ``flyte.remote`` and ``flyte.app`` names: each resolves to a local meaning, or
# raises ImportError saying what to use (cluster-only ones).
FLYTE_REMOTE_NAMES = (
    "Action", "ActionDetails", "ActionInputs", "ActionOutputs", "App", "Condition", "Project",
    "Run", "RunDetails", "Secret", "SecretTypes", "Settings", "Task", "TaskDetails", "TimeFilter",
    "Trigger", "User", "auth_metadata", "upload_dir", "upload_file",
)  # fmt: skip
REMOTE_LOCAL = {
    "Action", "ActionDetails", "ActionInputs", "ActionOutputs", "Run", "RunDetails", "Task",
    "TaskDetails",
}  # fmt: skip
FLYTE_APP_NAMES = (
    "AppEndpoint", "AppEnvironment", "ConnectorEnvironment", "Domain", "Link", "Parameter", "Port",
    "RunOutput", "Scaling", "ctx", "get_parameter",
)  # fmt: skip
APP_LOCAL = {"AppEnvironment", "Domain", "Link", "Port", "Scaling"}


def test_the_list_is_flyte_2_12s() -> None:
    assert len(FLYTE_2_12_NAMES) == 70 and len(set(FLYTE_2_12_NAMES)) == 70
    assert set(FLYTE_2_12_NAMES) >= NOT_LOCAL


@pytest.mark.parametrize("name", sorted(set(FLYTE_2_12_NAMES) - NOT_LOCAL))
def test_name_resolves(name: str) -> None:
    value = getattr(flytelike, name)
    assert value is not None
    assert name in flytelike.__all__ or name == "__version__"


@pytest.mark.parametrize("name", sorted(NOT_LOCAL))
def test_name_without_local_meaning_says_what_to_use(name: str) -> None:
    with pytest.raises(ImportError, match=rf"flytelike\.{name} .*not available: .*(use|run)"):
        getattr(flytelike, name)
    with pytest.raises(ImportError):
        exec(f"from flytelike import {name}", {})


@pytest.mark.parametrize("module", FLYTE_SUBMODULES)
def test_submodules_resolve(module: str) -> None:
    assert getattr(flytelike, module) is importlib.import_module(f"flytelike.{module}")


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError):
        flytelike.no_such_name  # type: ignore[attr-defined]  # noqa: B018


def test_version_and_loggers() -> None:
    assert flytelike.version() == flytelike.__version__
    assert (
        flytelike.system_logger.name == "flytelike.system" and flytelike.logger.name == "flytelike"
    )


@pytest.mark.parametrize(
    ("module", "name", "local"),
    [("remote", n, n in REMOTE_LOCAL) for n in FLYTE_REMOTE_NAMES]
    + [("app", n, n in APP_LOCAL) for n in FLYTE_APP_NAMES],
)
def test_remote_and_app_names(module: str, name: str, local: bool) -> None:
    mod = importlib.import_module(f"flytelike.{module}")
    if local:
        assert getattr(mod, name) is not None
    else:
        with pytest.raises(ImportError, match=rf"flytelike\.{module}\.{name} .*not available: "):
            getattr(mod, name)


def test_fastapi_app_environment_resolves() -> None:
    from flytelike.app.extras import FastAPIAppEnvironment

    assert issubclass(FastAPIAppEnvironment, flytelike.app.AppEnvironment)
