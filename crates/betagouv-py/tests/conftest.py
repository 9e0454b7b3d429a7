"""Fixtures of the betagouv Python suite.

Real data and the command line are found as the Rust tests find them:
``BETAGOUV_SHARED_DATA`` (an absolute path to the shared data folder) and
``BETAGOUV_CLI`` (the ``betagouv`` binary; default: the workspace's
``target/debug/betagouv``). A test that needs one skips with a note when it is missing
and ``BETAGOUV_REQUIRE_EXTERNAL`` is unset, and fails when it is set (``.ci/run`` sets
both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, List

import pytest

WORKSPACE = Path(__file__).resolve().parents[3]


def _missing(what: str) -> None:
    if os.environ.get("BETAGOUV_REQUIRE_EXTERNAL"):
        pytest.fail(f"{what} (BETAGOUV_REQUIRE_EXTERNAL is set)")
    pytest.skip(f"{what}; set it to run this test")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder (``BETAGOUV_SHARED_DATA``)."""
    value = os.environ.get("BETAGOUV_SHARED_DATA")
    if not value or not Path(value).is_dir():
        _missing("BETAGOUV_SHARED_DATA does not name the shared data folder")
    return Path(value)


@pytest.fixture(scope="session")
def content_2025(shared_data: Path) -> Path:
    """The 2025 snapshot of the content repository."""
    path = shared_data / "betagouv-content" / "2025-12-31"
    if not path.is_dir():
        _missing(f"{path} is missing")
    return path


@pytest.fixture(scope="session")
def content_2016(shared_data: Path) -> Path:
    """The 2016 snapshot of the content repository."""
    path = shared_data / "betagouv-content" / "2016-12-31"
    if not path.is_dir():
        _missing(f"{path} is missing")
    return path


@pytest.fixture(scope="session")
def cli() -> Path:
    """The ``betagouv`` binary (``BETAGOUV_CLI``, or the workspace's debug build)."""
    path = Path(os.environ.get("BETAGOUV_CLI") or WORKSPACE / "target" / "debug" / "betagouv")
    if not path.is_file():
        _missing(f"no betagouv binary at {path} (cargo build -p betagouv, or BETAGOUV_CLI)")
    return path


@pytest.fixture(scope="session")
def run_cli(cli: Path) -> Callable[..., Any]:
    """Runs the command line with arguments and returns its JSON output, parsed."""

    def run(*args: str) -> Any:
        done = subprocess.run(
            [str(cli), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"betagouv {' '.join(args)}: {done.stderr}"
        return json.loads(done.stdout)

    return run


@pytest.fixture(params=["pandas", "no pandas"])
def pandas_state(request: Any, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Runs a test twice: with pandas, and with pandas made impossible to import
    (``sys.modules["pandas"] = None``, as if it were not installed). The value is
    whether pandas is there."""
    if request.param == "pandas":
        pytest.importorskip("pandas")
        return True
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError):
        import pandas  # noqa: F401
    return False


def as_rows(value: Any) -> List[dict]:
    """A table (DataFrame or list of dicts) as a list of dicts."""
    if isinstance(value, list):
        return value
    return value.to_dict(orient="records")


@pytest.fixture(scope="session")
def history_repo(shared_data: Path) -> Path:
    """The shared history bundle cloned into a bare repository of the system's
    temporary folder (named as the Rust tests name it, so either reuses the other's
    clone); never inside the project."""
    import shutil
    import tempfile

    bundle = shared_data / "betagouv-history" / "content-history.bundle"
    if not bundle.is_file():
        _missing(f"{bundle} is missing")
    if shutil.which("git") is None:
        _missing("git is not installed")
    tmp = Path(tempfile.gettempdir())
    target = tmp / f"betagouv-history-{bundle.stat().st_size}.git"
    if (target / "HEAD").is_file():
        return target
    own = tmp / f"betagouv-history-{bundle.stat().st_size}-{os.getpid()}.git"
    shutil.rmtree(own, ignore_errors=True)
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "clone", "-q", "--bare", str(bundle), str(own)],
        check=True,
    )
    try:
        own.rename(target)
    except OSError:  # another process renamed its clone first
        shutil.rmtree(own, ignore_errors=True)
    return target
