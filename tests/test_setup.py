"""The way in: `make lab` installs the `lab` extra (what lessons and notebooks need, no test-only
packages) and roots JupyterLab where lessons/ and notebooks/ are both reachable; `make test` installs
the `dev` extra, which holds the lab extra plus PyTorch and Playwright."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
tomllib = pytest.importorskip("tomllib")
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is absent")


def recipe(target: str, tmp_path) -> str:
    """What `make <target>` would run on a machine with no environment yet (nothing is run)."""
    done = subprocess.run(["make", "-n", f"VENV={tmp_path / 'venv'}", target], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return done.stdout


def test_make_lab_installs_the_lab_extra_and_roots_jupyterlab_at_the_repository(tmp_path):
    commands = recipe("lab", tmp_path)
    assert 'pip install -q -e ".[lab]"' in commands and ".[dev]" not in commands
    lab = next(line for line in commands.splitlines() if "jupyter lab" in line)
    root = re.search(r"--ServerApp.root_dir=(\S+)", lab).group(1)
    assert (ROOT / root).resolve() == ROOT
    assert (ROOT / root / "lessons").is_dir() and (ROOT / root / "notebooks").is_dir()
    first = re.search(r"--LabApp.default_url=/lab/tree/(\S+)", lab).group(1)
    assert (ROOT / first).is_file()


def test_make_test_installs_dev_which_adds_the_test_only_packages(tmp_path):
    assert 'pip install -q -e ".[dev]"' in recipe("test", tmp_path)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = project["project"]["optional-dependencies"]
    names = lambda reqs: {re.split(r"[<>=\[ ]", r, maxsplit=1)[0] for r in reqs}
    assert not names(extras["lab"]) & {"torch", "playwright", "pytest", "micrograd"}
    assert {"torch", "playwright", "pytest", "tinygrad_edu"} <= names(extras["dev"])
    assert "tinygrad_edu[lab]" in extras["dev"]
