"""betagouv.read_content, read_git, builtin_2016 and Portfolio."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

import betagouv
from betagouv import ContentError, GitError

from conftest import as_rows

AT_2025 = "2025-06-30"
# The replayed commit of the last 2016 commit of the source (the bundle's README).
COMMIT_2016 = "56e715003096ddc0a0cdd105113bf7b32af37527"


@pytest.fixture(scope="module")
def p2025(content_2025: Path) -> betagouv.Portfolio:
    return betagouv.read_content(content_2025, at=AT_2025)


# --- the built-in dataset ---------------------------------------------------------


def test_builtin_snapshot_equals_the_cli_json(run_cli):
    p = betagouv.builtin_2016()
    assert p.at == dt.date(2016, 12, 31)
    assert p.path is None and p.source is None
    assert p.snapshot() == run_cli("portfolio", "snapshot", "--json")
    for rule in ("at-date", "last-listed", "latest-start"):
        for active in ("stage", "site"):
            assert p.snapshot(rule=rule, active=active) == run_cli(
                "portfolio", "snapshot", "--json", "--rule", rule, "--active", active
            )


def test_builtin_dashboard_equals_the_cli_json(run_cli):
    p = betagouv.builtin_2016()
    assert p.dashboard() == run_cli("dashboard", "--json")
    assert p.dashboard("2016-06-30", active="stage") == run_cli(
        "dashboard", "--json", "--at", "2016-06-30", "--active", "stage"
    )


def test_builtin_figures_of_the_report():
    s = betagouv.builtin_2016().snapshot()
    assert list(s)[0] == "schema_version" and s["schema_version"] == 3
    assert s["as_of"] == "2016-12-31"
    assert s["startups"]["total"] == 27
    assert s["startups"]["by_stage"]["taken_over"] == 1
    assert s["startups"]["by_stage"]["in_handover"] == 1
    assert sum(s["startups"]["by_stage"].values()) == s["startups"]["total"]


def test_tables_with_and_without_pandas(pandas_state):
    p = betagouv.builtin_2016()
    startups = p.startups()
    phases = p.phases()
    members = p.members()
    missions = p.missions()
    if pandas_state:
        import pandas as pd

        for t in (startups, phases, members, missions):
            assert isinstance(t, pd.DataFrame)
    else:
        for t in (startups, phases, members, missions):
            assert isinstance(t, list) and all(isinstance(r, dict) for r in t)
    rows = as_rows(startups)
    assert len(rows) == len(p) == 27
    assert {r["id"] for r in rows} >= {"ban", "apigouv"}
    by_stage = {}
    for r in rows:
        by_stage[r["stage"]] = by_stage.get(r["stage"], 0) + 1
    snap = p.snapshot()["startups"]["by_stage"]
    assert by_stage == {k: v for k, v in snap.items() if v}
    # Every phase row names a start-up of the table.
    ids = {r["id"] for r in rows}
    assert {r["startup"] for r in as_rows(phases)} <= ids
    # The members' active flag counts as the snapshot does.
    assert sum(1 for r in as_rows(members) if r["active"]) == p.snapshot()["members"]["active"]
    assert as_rows(p.startups(as_frame=False)) == p.startups(as_frame=False)


def test_dates_as_date_datetime_or_text():
    p = betagouv.builtin_2016()
    a = p.snapshot(dt.date(2016, 6, 30))
    assert a == p.snapshot("2016-06-30") == p.snapshot(dt.datetime(2016, 6, 30, 23, 59))
    assert a["as_of"] == "2016-06-30"
    with pytest.raises(ValueError, match="not a YYYY-MM-DD date"):
        p.snapshot("30/06/2016")
    with pytest.raises(TypeError):
        p.snapshot(20160630)
    with pytest.raises(ValueError):
        p.snapshot(rule="no-such-rule")
    with pytest.raises(ValueError):
        p.dashboard(active="everything")


def test_a_date_column_holds_dates_and_keeps_unexact_dates_as_written():
    rows = betagouv.builtin_2016().phases(as_frame=False)
    assert rows and all(r["start"] is None or isinstance(r["start"], dt.date) for r in rows)
    for r in rows:
        # Never both: the date when exact, the text when not.
        assert r["start"] is None or r["start_text"] is None


# --- the real 2025 snapshot --------------------------------------------------------


def test_2025_snapshot_and_dashboard_equal_the_cli_json(p2025, content_2025, run_cli):
    args = ["--content", str(content_2025), "--at", AT_2025, "--json"]
    assert p2025.snapshot() == run_cli("portfolio", "snapshot", *args)
    assert p2025.snapshot(rule="latest-start", active="site") == run_cli(
        "portfolio", "snapshot", *args, "--rule", "latest-start", "--active", "site"
    )
    assert p2025.dashboard() == run_cli("dashboard", *args)
    # The default date is the one given to the read.
    assert p2025.at == dt.date(2025, 6, 30)


def test_2025_counts(p2025):
    s = p2025.summary()
    assert s["files"] == 4068 and s["dropped_files"] == 0 and s["errors"] == 0
    assert s["records"] == s["files"]
    assert len(p2025.diagnostics()) == s["warnings"]
    snap = p2025.snapshot()
    assert snap["problems"]["warnings"] == s["warnings"]
    startups = p2025.startups(as_frame=False)
    assert len(startups) == snap["startups"]["total"] == 628
    counted = {}
    for r in startups:
        counted[r["stage"]] = counted.get(r["stage"], 0) + 1
    assert counted == {k: v for k, v in snap["startups"]["by_stage"].items() if v}
    members = p2025.members(as_frame=False)
    assert sum(r["active"] for r in members) == snap["members"]["active"]
    missions = p2025.missions(as_frame=False)
    assert len(missions) == sum(r["missions"] for r in members)
    assert {r["member"] for r in missions} <= {r["id"] for r in members}


def test_2025_diagnostics_are_located(p2025):
    diags = p2025.diagnostics()
    assert diags
    for d in diags:
        assert set(d) == {"severity", "rule", "file", "line", "column", "message"}
        assert d["line"] is None or d["line"] >= 1
    frame = p2025.diagnostics(as_frame=None)
    assert len(as_rows(frame)) == len(diags)


def _longest_pause_during(job) -> "tuple[float, float]":
    """Runs `job` in a thread; returns the longest pause of this thread's loop meanwhile
    and the job's duration."""
    done = threading.Event()
    took = []

    def run():
        t = time.perf_counter()
        job()
        took.append(time.perf_counter() - t)
        done.set()

    worker = threading.Thread(target=run)
    last = time.perf_counter()
    longest = 0.0
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
        time.sleep(0.001)
    worker.join()
    return longest, took[0]


def test_the_gil_is_released_while_a_folder_is_read(content_2025):
    """While another thread reads the folder, this thread keeps running: the longest
    pause between its steps is far shorter than one read. With the GIL held it would
    stand still for a whole read, on every attempt; a busy machine may stall one
    attempt, so three are allowed."""
    results = []
    for _ in range(3):
        longest, took = _longest_pause_during(lambda: betagouv.read_content(content_2025))
        results.append((longest, took))
        if longest < took * 0.5:
            break
    else:
        pytest.fail(f"the main thread stood still during the reads: {results}")


# --- git -------------------------------------------------------------------------


def test_read_git_known_at_equals_the_cli(history_repo, run_cli):
    p = betagouv.read_git(history_repo, known_at="2016-12-31")
    assert p.source["commit"] == COMMIT_2016
    assert p.source["known_at"] == "2016-12-31"
    assert p.at == dt.date(2016, 12, 31)
    cli = run_cli("portfolio", "snapshot", "--git", str(history_repo), "--known-at", "2016-12-31", "--json")
    assert p.snapshot() == cli
    assert p.snapshot()["source"]["commit"] == COMMIT_2016
    by_rev = betagouv.read_git(history_repo, rev=COMMIT_2016[:12])
    assert by_rev.source["commit"] == COMMIT_2016 and "known_at" not in by_rev.source
    assert by_rev.snapshot("2016-12-31")["startups"] == p.snapshot()["startups"]
    assert COMMIT_2016[:12] in repr(p)


def test_read_git_at_the_end_of_2025_is_the_2025_snapshot(history_repo, content_2025):
    # The replayed commit of the last 2025 commit (the bundle's README).
    git = betagouv.read_git(history_repo, known_at="2025-12-31")
    assert git.source["commit"] == "859b5d45bc568ccf717cb4259b9d0869108c85d5"
    folder = betagouv.read_content(content_2025, at="2025-12-31")
    assert git.snapshot()["startups"] == folder.snapshot()["startups"]
    assert git.snapshot()["members"] == folder.snapshot()["members"]
    assert git.summary()["files"] == folder.summary()["files"]
    # HEAD is later (2026): more start-ups.
    assert len(betagouv.read_git(history_repo)) > len(folder)


def test_git_errors(history_repo, tmp_path):
    with pytest.raises(GitError) as e:
        betagouv.read_git(tmp_path)
    assert e.value.file == str(tmp_path)
    with pytest.raises(GitError, match="no-such-branch"):
        betagouv.read_git(history_repo, rev="no-such-branch")
    with pytest.raises(GitError):
        betagouv.read_git(history_repo, known_at="2010-01-01")
    with pytest.raises(ValueError, match="not both"):
        betagouv.read_git(history_repo, rev="main", known_at="2016-12-31")


# --- errors and dropped files ----------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    startups = tmp_path / "content" / "_startups"
    startups.mkdir(parents=True)
    (startups / "good.md").write_text(
        "---\ntitle: Good\nmission: A good service\nincubator: dinum\n"
        "phases:\n  - name: construction\n    start: 2024-01-01\n---\n",
        encoding="utf-8",
    )
    (startups / "bad.md").write_text(
        "---\ntitle: Bad\nmission: [unclosed\nphases: []\n---\n", encoding="utf-8"
    )
    return tmp_path


def test_a_file_without_record_raises_with_its_location(tmp_path):
    root = _folder(tmp_path)
    with pytest.raises(ContentError) as e:
        betagouv.read_content(root)
    err = e.value
    assert err.file is not None and err.file.endswith("bad.md")
    assert err.line is not None and err.line >= 2
    assert err.column is not None and err.column >= 1
    assert "allow_errors=True" in str(err)
    assert err.diagnostics and all(d["file"].endswith("bad.md") for d in err.diagnostics)
    assert err.location().startswith(err.file + ":")
    assert isinstance(err, betagouv.BetagouvError)


def test_allow_errors_keeps_the_good_records_and_says_what_was_left(tmp_path):
    root = _folder(tmp_path)
    p = betagouv.read_content(root, at="2024-06-30", allow_errors=True)
    assert len(p) == 1
    assert p.summary()["dropped_files"] == 1
    dropped = [d for d in p.diagnostics() if d["file"].endswith("bad.md")]
    assert dropped and dropped[0]["severity"] == "error"
    snap = p.snapshot()
    assert snap["startups"]["total"] == 1
    assert snap["problems"]["errors"] >= 1


def test_not_a_content_folder(tmp_path):
    with pytest.raises(ContentError) as e:
        betagouv.read_content(tmp_path)
    assert e.value.file == str(tmp_path)
    assert e.value.line is None and e.value.column is None
    with pytest.raises(ContentError):
        betagouv.read_content(tmp_path / "missing")


def test_portfolio_repr_and_attributes(p2025, content_2025):
    text = repr(p2025)
    assert "startups=628" in text and str(content_2025) in text
    assert p2025.vocabulary
    assert p2025.path == str(content_2025)
    assert isinstance(betagouv.today(), dt.date)
    assert betagouv.__version__ == "0.1.0"


def test_the_cli_runs_with_python_devnull(cli):
    """`subprocess.DEVNULL` is /dev/null opened read-write: the command line takes it as
    a place to discard output (it used to refuse it as a closed stream)."""
    import subprocess

    done = subprocess.run(
        [str(cli), "portfolio", "snapshot", "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0
