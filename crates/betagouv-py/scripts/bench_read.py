#!/usr/bin/env python3
"""Reading a content folder from Python: betagouv against the command line and PyYAML.

Usage: bench_read.py [FOLDER] [--cli BINARY] [--runs N]

Times, best of N wall times each (warm cache, after one untimed run):

1. ``betagouv.read_content(FOLDER)`` in this process (the package installed in the
   running interpreter, built with ``maturin build --release``);
2. the same and ``snapshot()`` (the JSON-like dict of ``portfolio snapshot --json``);
3. ``betagouv portfolio snapshot --content FOLDER --json`` run as a process (the
   release binary: process start, read, snapshot, JSON on a pipe);
4. the pure-Python reading a data team would write: every file of the collections
   read, its front matter split off and parsed with PyYAML's pure-Python ``SafeLoader``;
5. the same with PyYAML's libyaml ``CSafeLoader``.

Prints each time and the ratios; ``--check 1.5`` exits 1 when (2) takes more than 1.5
times (3). FOLDER defaults to $BETAGOUV_SHARED_DATA/betagouv-content/2025-12-31.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, List

import yaml

import betagouv

COLLECTIONS = ("_startups", "_startup", "_authors", "_author", "_incubators", "_organisations")


def best(runs: int, job: Callable[[], object]) -> float:
    job()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        job()
        times.append(time.perf_counter() - t)
    return min(times)


def collection_files(folder: Path) -> List[Path]:
    roots = [folder, folder / "content"]
    files = []
    for root in roots:
        for name in COLLECTIONS:
            d = root / name
            if d.is_dir():
                files.extend(p for p in sorted(d.rglob("*")) if p.is_file())
    return files


def pyyaml_read(files: List[Path], loader: type) -> int:
    records = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if not text.startswith("---"):
            continue
        parts = text.split("\n---", 1)
        try:
            data = yaml.load(parts[0][3:], Loader=loader)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict):
            records += 1
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?")
    parser.add_argument("--cli", default="target/release/betagouv")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--check", type=float, default=None)
    args = parser.parse_args()
    folder = Path(
        args.folder
        or os.path.join(os.environ.get("BETAGOUV_SHARED_DATA", ""), "betagouv-content", "2025-12-31")
    )
    if not folder.is_dir():
        print(f"no content folder at {folder}", file=sys.stderr)
        return 2
    at = "2025-12-31"
    files = collection_files(folder)
    cmd = [args.cli, "portfolio", "snapshot", "--content", str(folder), "--at", at, "--json"]

    def cli() -> None:
        subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)

    read = best(args.runs, lambda: betagouv.read_content(folder, at=at))
    read_snapshot = best(args.runs, lambda: betagouv.read_content(folder, at=at).snapshot())
    cli_time = best(args.runs, cli)
    pure_runs = max(1, args.runs // 5)
    pure = best(pure_runs, lambda: pyyaml_read(files, yaml.SafeLoader))
    libyaml = best(args.runs, lambda: pyyaml_read(files, getattr(yaml, "CSafeLoader", yaml.SafeLoader)))

    print(f"folder: {folder} ({len(files)} files), best of {args.runs} ({pure_runs} for pure PyYAML)")
    rows = [
        ("betagouv.read_content", read),
        ("betagouv.read_content + snapshot()", read_snapshot),
        ("CLI portfolio snapshot --json (process)", cli_time),
        ("PyYAML SafeLoader (pure Python)", pure),
        ("PyYAML CSafeLoader (libyaml)", libyaml),
    ]
    for name, t in rows:
        print(f"{name:42} {t * 1000:9.1f} ms")
    ratio = read_snapshot / cli_time
    print(f"read_content + snapshot / CLI: {ratio:.2f}x")
    print(f"pure PyYAML / read_content: {pure / read:.1f}x; libyaml / read_content: {libyaml / read:.1f}x")
    if args.check is not None and ratio > args.check:
        print(f"over {args.check}x the CLI's time", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
