"""The environment the suite runs in resolved to releases known to work.

``pip check`` (run by the README's test command) proves the installed distributions agree with
each other; it cannot tell that a resolver fell back to an ancient release that still satisfies
every declared range. This list names such releases: one found here fails the suite.
"""

from __future__ import annotations

from importlib import metadata

from packaging.specifiers import SpecifierSet
from packaging.version import Version

# distribution -> (versions that must not be installed, why)
KNOWN_BAD = {
    "s3fs": (
        "<2024.1",
        "pre-calendar-version s3fs (0.4.x, 2020) has no aiobotocore; pip picks it when boto3 "
        "and aiobotocore disagree, and fsspec then warns on every S3 call",
    ),
    "fsspec": ("<2024.6", "below flytelike's declared floor"),
    "moto": ("<5.1", "the S3 tests use moto 5's ThreadedMotoServer"),
    "aiobotocore": ("<2.13", "too old for the botocore releases s3fs is tested with"),
}


def test_no_known_bad_release_is_installed() -> None:
    found = []
    for name, (bad, why) in KNOWN_BAD.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if Version(version) in SpecifierSet(bad):
            found.append(f"{name}=={version} ({name}{bad} is known bad: {why})")
    assert not found, "; ".join(found)


def test_the_dev_extra_brings_every_optional_stack() -> None:
    # A test that needs a library not declared in the extras must fail in CI, not be skipped:
    # every extra's distributions are installed where the suite runs.
    requires = metadata.requires("flytelike") or []
    extras = {"pandas", "polars", "arrow", "s3", "grpc", "pydantic", "app"}
    wanted = {
        r.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip()
        for r in requires
        if any(f'extra == "{e}"' in r for e in extras)
    }
    assert {"pandas", "polars", "pyarrow", "s3fs", "grpcio", "pydantic"} <= wanted
    missing = []
    for name in sorted(wanted):
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
    assert not missing, f"declared in an extra but not installed: {missing}"
