"""The slim install, measured: build the wheel, install it alone into a new virtualenv, run it.

Usage: python benchmarks/install_size.py [--keep DIR]

Builds ``flytelike`` as a wheel (not editable), installs it with its core dependencies only into
a fresh virtualenv in a temporary directory (never the machine's site-packages), then:

- measures that venv's site-packages (all of it, and what the install added to a bare venv);
- runs ``flytelike --version``, the README's example workflow through ``flytelike run`` (with
  inputs from a YAML file), and an int-only workflow by a plain ``python`` call;
- checks that ``import flytelike`` loads none of the optional stacks and that none is installed.

Prints one JSON document on stdout (``targets_not_met`` lists what failed) and exits 1 if the
size target is missed or a check fails. `.ci/run` runs it before the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 60.0
OPTIONAL = ("pandas", "pyarrow", "polars", "s3fs", "grpc", "ray", "pydantic", "numpy")

INT_WORKFLOW = """\
from flytelike import task, workflow


@task
def square(x: int) -> int:
    return x * x


@task
def total(xs: list[int]) -> int:
    return sum(xs)


@workflow
def sum_of_squares(n: int = 4) -> int:
    return total(xs=[square(x=i) for i in range(3)] + [square(x=n)])


if __name__ == "__main__":
    assert sum_of_squares(n=4) == 0 + 1 + 4 + 16, sum_of_squares(n=4)
    print("int workflow ok")
"""

IMPORT_CHECK = """\
import sys
import flytelike
heavy = sorted(m for m in {optional!r} if m in sys.modules)
assert not heavy, heavy
print(flytelike.__version__)
"""


def _size_mb(path: Path) -> float:
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return round(total / 1e6, 1)


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _site_packages(venv: Path) -> Path:
    out = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip())


def measure(work: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["FLYTELIKE_HOME"] = str(work / "home")
    env["FLYTELIKE_NO_PROGRESS"] = "1"
    failures: list[str] = []
    checks: dict[str, object] = {}

    t0 = time.perf_counter()
    wheels = work / "wheels"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        work,
        env,
    )
    if built.returncode != 0:
        raise SystemExit(f"building the wheel failed:\n{built.stdout}{built.stderr}")
    (wheel,) = wheels.glob("flytelike-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = _site_packages(venv)
    bare_mb = _size_mb(site)
    py = str(venv / "bin" / "python")
    installed = _run([py, "-m", "pip", "install", "-q", str(wheel)], work, env)
    if installed.returncode != 0:
        raise SystemExit(f"installing the wheel failed:\n{installed.stdout}{installed.stderr}")
    install_s = round(time.perf_counter() - t0, 1)
    total_mb = _size_mb(site)
    freeze = _run([py, "-m", "pip", "list", "--format=json"], work, env)
    dists = sorted(d["name"] for d in json.loads(freeze.stdout))
    present = [m for m in OPTIONAL if (site / m).exists()]
    checks["optional stacks installed"] = present
    if present:
        failures.append(f"optional stacks installed by the core: {present}")
    if any(site.glob("__editable__*")) or not (site / "flytelike" / "__init__.py").exists():
        failures.append("flytelike is not installed from the wheel")

    cases = work / "cases"
    cases.mkdir()
    shutil.copy(ROOT / "examples" / "ml_pipeline.py", cases / "ml_pipeline.py")
    (cases / "inputs.yaml").write_text("epochs: 3\n")
    (cases / "ints.py").write_text(INT_WORKFLOW)
    cli = str(venv / "bin" / "flytelike")
    steps = {
        "flytelike --version": [cli, "--version"],
        "import flytelike loads no optional stack": [
            py,
            "-c",
            IMPORT_CHECK.format(optional=OPTIONAL),
        ],
        "flytelike run ml_pipeline.py (YAML inputs)": [
            cli,
            "run",
            "ml_pipeline.py",
            "training_pipeline",
            "--inputs-file",
            "inputs.yaml",
        ],
        "python ints.py": [py, "ints.py"],
        "flytelike run ints.py --n 5": [cli, "run", "ints.py", "sum_of_squares", "--n", "5"],
    }
    for name, cmd in steps.items():
        out = _run(cmd, cases, env)
        checks[name] = "ok" if out.returncode == 0 else f"exit {out.returncode}"
        if out.returncode != 0:
            failures.append(f"{name}: exit {out.returncode}: {(out.stderr or out.stdout)[-800:]}")
        elif name == "flytelike run ints.py --n 5" and "30" not in out.stdout:
            failures.append(f"{name}: expected 30 in the output, got {out.stdout!r}")
    added_mb = round(total_mb - bare_mb, 1)
    if total_mb > TARGET_MB:
        failures.append(f"site-packages is {total_mb} MB, over the {TARGET_MB} MB target")
    return {
        "suite": "install_size",
        "wheel": wheel.name,
        "site_packages_mb": total_mb,
        "bare_venv_mb": bare_mb,
        "added_by_install_mb": added_mb,
        "target_mb": TARGET_MB,
        "build_and_install_s": install_s,
        "distributions": dists,
        "checks": checks,
        "targets_not_met": failures,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in DIR and keep it (default: a temp dir)")
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = measure(args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="flytelike-install-") as tmp:
            result = measure(Path(tmp))
    print(json.dumps(result, indent=2))
    return 1 if result["targets_not_met"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
