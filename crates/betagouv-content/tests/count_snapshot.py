#!/usr/bin/env python3
"""Independent count of a content folder's snapshot, with PyYAML (libyaml loader).

Usage: count_snapshot.py FOLDER YYYY-MM-DD VOCABULARY [--time N]

Prints one JSON object with the snapshot figures the Rust crate computes, by
its documented rules, written again here from the spec rather than from the
Rust code: a start-up's phase at the date is its `status` when its `start` is
missing, partial or on/before the date, else the `phases` item with the latest
full-date start on/before the date (ties: the later item); a member is active
when a mission (or the flat start/end of 2016-2019 files) has a full-date start
on/before the date and no end or an end on/before... after the date; its status
is that of the latest-starting such mission (employer prefix before `/` for flat
files). Files are every regular file of the collections (with `.md` or not).
With --time N, runs N times and prints the best wall time in seconds on stderr.
"""
import datetime
import json
import os
import re
import sys
import time

import yaml

try:
    Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    Loader = yaml.SafeLoader

STAGES = {
    "2016": {"investigation": "incubating", "construction": "incubating", "consolidation": "incubating",
             "passation": "in_handover", "success": "taken_over", "retirement": "stopped", "death": "stopped"},
    "2018": {"investigation": "incubating", "construction": "incubating", "acceleration": "incubating",
             "consolidation": "incubating", "death": "stopped"},
    "2020": {"investigation": "incubating", "construction": "incubating", "acceleration": "incubating",
             "consolidation": "in_handover", "transfert": "in_handover", "transfer": "in_handover",
             "success": "taken_over", "alumni": "stopped", "death": "stopped"},
    "2026": {"investigation": "incubating", "construction": "incubating", "acceleration": "incubating",
             "consolidation": "in_handover", "perennisation": "in_handover", "transfere": "taken_over",
             "opere": "taken_over", "abandon": "stopped", "abandon-investigation": "stopped"},
}
COLLECTIONS = {"_startups": "startup", "_startup": "startup", "_authors": "member", "_author": "member",
               "_incubators": "incubator", "_organisations": "organisation"}
FENCE = re.compile(r"^---[ \t]*$")


def front_matter(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8-sig").replace("\r\n", "\n")
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or not FENCE.match(lines[i]):
        return None
    for j in range(i + 1, len(lines)):
        if FENCE.match(lines[j]) or re.match(r"^\.\.\.[ \t]*$", lines[j]):
            return yaml.load("\n".join(lines[i + 1:j]) + "\n", Loader=Loader) or {}
    return None


def as_date(v):
    if isinstance(v, datetime.datetime):
        return None
    if isinstance(v, datetime.date):
        return v
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()):
        try:
            return datetime.date.fromisoformat(v.strip())
        except ValueError:
            return None
    return None


def absent(v):
    return v is None or v == ""


def collections(root):
    content = os.path.join(root, "content")
    for base in (content, root):
        found = [(os.path.join(base, d), k) for d, k in COLLECTIONS.items() if os.path.isdir(os.path.join(base, d))]
        if found:
            return found
    name = os.path.basename(os.path.normpath(root))
    return [(root, COLLECTIONS[name])] if name in COLLECTIONS else []


def count(root, at, vocabulary):
    stages = STAGES[vocabulary]
    out = {"files": 0, "startups": 0, "members": 0, "incubator_files": 0, "organisation_files": 0,
           "by_stage": {k: 0 for k in ["incubating", "in_handover", "taken_over", "stopped", "not_started", "unknown"]},
           "by_phase": {}, "active_members": 0, "active_by_status": {}}
    incubators, sponsors, owners = set(), set(), set()
    for folder, kind in collections(root):
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if not os.path.isfile(path) or os.path.islink(path):
                continue
            out["files"] += 1
            fm = front_matter(path)
            if not isinstance(fm, dict):
                continue
            if kind == "startup":
                out["startups"] += 1
                phase = None
                if isinstance(fm.get("phases"), list):
                    best = None
                    for p in fm["phases"]:
                        if not isinstance(p, dict):
                            continue
                        s = as_date(p.get("start"))
                        if s is not None and s <= at and (best is None or s >= best[0]):
                            best = (s, str(p.get("name") or ""))
                    phase = best[1] if best else None
                elif not absent(fm.get("status")):
                    s = as_date(fm.get("start"))
                    if s is None or s <= at:
                        phase = str(fm["status"])
                stage = "not_started" if phase is None else stages.get(phase, "unknown")
                out["by_stage"][stage] += 1
                if phase is not None:
                    out["by_phase"][phase] = out["by_phase"].get(phase, 0) + 1
                inc = fm.get("incubators") or ([fm["incubator"]] if not absent(fm.get("incubator")) else [])
                incubators.update(str(i) for i in inc)
                for sp in fm.get("sponsors") or []:
                    if isinstance(sp, dict):
                        sponsors.add(sp.get("name"))
                    else:
                        sponsors.add(str(sp).removeprefix("/organisations/"))
                if isinstance(fm.get("owner"), str) and fm["owner"].strip():
                    owners.add(fm["owner"])
            elif kind == "member":
                out["members"] += 1
                if "missions" in fm:
                    missions = [m for m in fm.get("missions") or [] if isinstance(m, dict)]
                else:
                    emp = fm.get("employer")
                    status = None
                    if isinstance(emp, str) and emp.split("/")[0].strip():
                        status = emp.split("/")[0].strip()
                    missions = [{"start": fm.get("start"), "end": fm.get("end"), "status": status}]
                best = None
                for m in missions:
                    s, e = as_date(m.get("start")), as_date(m.get("end"))
                    if s is not None and s <= at and (e is None or e >= at):
                        if best is None or s >= best[0]:
                            best = (s, m.get("status"))
                if best:
                    out["active_members"] += 1
                    st = best[1] if not absent(best[1]) else "unspecified"
                    out["active_by_status"][st] = out["active_by_status"].get(st, 0) + 1
            elif kind == "incubator":
                out["incubator_files"] += 1
            else:
                out["organisation_files"] += 1
    out["incubators"] = len(incubators)
    out["sponsors"] = len(sponsors)
    out["owners"] = len(owners)
    return out


def main():
    root, at, vocabulary = sys.argv[1], datetime.date.fromisoformat(sys.argv[2]), sys.argv[3]
    if len(sys.argv) > 5 and sys.argv[4] == "--time":
        best = None
        for _ in range(int(sys.argv[5])):
            t = time.perf_counter()
            result = count(root, at, vocabulary)
            el = time.perf_counter() - t
            best = el if best is None else min(best, el)
        print(f"{best:.4f}", file=sys.stderr)
    else:
        result = count(root, at, vocabulary)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
