#!/usr/bin/env python3
"""An independent computation of the dashboard's figures, for cross-checking.

Usage: dashboard_crosscheck.py CONTENT_DIR AS_OF

CONTENT_DIR is a checkout of the beta.gouv.fr content repository at some commit (or a
snapshot of it): the start-ups are in `content/_startups/` (since 2018-11), else
`_startups/` or `_startup/`; the members in `content/_authors/`, else `_authors/` or
`_author/`. AS_OF is a date, YYYY-MM-DD. Prints, as JSON, the figures of
`betagouv_portfolio::Dashboard` (the site's active rule) with the same keys, minus
`definitions`.

This script shares no code with the Rust crates: it reads the front matter with
PyYAML and applies each definition of docs/dashboard.md as written there. A figure
that differs between the two is a bug in one of them or an ambiguity of the
definition; the workspace test `tests/tests/dashboard_crosscheck.rs` compares them.
"""

import datetime
import json
import os
import re
import sys
from collections import Counter

import yaml

# The phase names the site counts as active, by vocabulary era (docs/dashboard.md).
SITE_ACTIVE = {
    "2016": {"investigation", "construction", "consolidation", "passation"},
    "2018": {"investigation", "construction", "acceleration", "consolidation"},
    "2020": {"investigation", "construction", "acceleration", "consolidation",
             "transfert", "transfer"},
    "2026": {"investigation", "construction", "acceleration", "consolidation",
             "perennisation", "opere"},
}
NEW_2026 = {"opere", "transfere", "abandon", "abandon-investigation", "perennisation",
            "consolidation"}
UNKNOWN = "unknown"
UNSPECIFIED = "unspecified"
# libyaml when installed (faster), the same safe schema.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_date(value):
    """A calendar date, or None (missing, partial, invalid)."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and DATE_RE.match(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def text(value):
    """A non-blank text as written, else None."""
    if isinstance(value, str) and value.strip():
        return value
    return None


def first_text(value):
    """A non-blank text, or the first non-blank text of a list."""
    if isinstance(value, list):
        return next((t for t in map(text, value) if t is not None), None)
    return text(value)


def front_matters(folder):
    """(id, front matter mapping) of every record file of `folder`."""
    out = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8-sig") as f:
            lines = f.read().replace("\r\n", "\n").split("\n")
        if not lines or lines[0].rstrip() != "---":
            continue
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
        if end is None:
            continue
        data = yaml.load("\n".join(lines[1:end]), Loader=LOADER) or {}
        if isinstance(data, dict):
            out.append((name[:-3] if name.endswith(".md") else name, data))
    return out


def find(root, names):
    for n in names:
        if os.path.isdir(os.path.join(root, n)):
            return os.path.join(root, n)
    return None


class Product:
    def __init__(self, pid, fm):
        self.id = pid
        self.fm = fm
        self.status_record = "phases" not in fm and "status" in fm
        if self.status_record:
            self.phases = [(str(fm["status"]), fm.get("start"))]
        else:
            self.phases = [(str(p.get("name")), p.get("start"))
                           for p in (fm.get("phases") or []) if isinstance(p, dict)]

    def current_phase(self, at):
        """The latest phase by exact start on or before `at` (ties: later listed)."""
        if self.status_record:
            name, start = self.phases[0]
            d = as_date(start)
            return name if d is None or d <= at else None
        best = None
        for name, start in self.phases:
            d = as_date(start)
            if d is not None and d <= at and (best is None or d >= best[0]):
                best = (d, name)
        return best[1] if best else None

    def incubators(self):
        listed = [i for i in (self.fm.get("incubators") or []) if isinstance(i, str)]
        if listed:
            return sorted(set(listed))
        one = self.fm.get("incubator")
        return [one] if isinstance(one, str) and one else []

    def themes(self):
        return sorted({t for t in (self.fm.get("thematiques") or []) if isinstance(t, str)})

    def sponsors(self):
        keys = set()
        for s in self.fm.get("sponsors") or []:
            if isinstance(s, str):
                keys.add(s[len("/organisations/"):] if s.startswith("/organisations/") else s)
            elif isinstance(s, dict) and isinstance(s.get("name"), str):
                keys.add(s["name"])
        return sorted(keys)

    def earliest_year(self, dates, at):
        ds = [d for d in map(as_date, dates) if d is not None and d <= at]
        return min(ds).year if ds else None


def vocabulary(products):
    status_names, phase_names = set(), set()
    for p in products:
        (status_names if p.status_record else phase_names).update(n for n, _ in p.phases)
    if phase_names or not status_names:
        return "2026" if (phase_names & NEW_2026 or not phase_names) else "2020"
    if status_names & {"alumni", "transfert"} or {"acceleration", "success"} <= status_names:
        return "2020"
    return "2018" if "acceleration" in status_names else "2016"


def add(counter_map, key, sub):
    counter_map.setdefault(key, Counter())[sub] += 1


def product_figures(products, at, active_names):
    f = {
        "total": len(products), "active": 0, "by_phase": Counter(), "no_phase_started": 0,
        "active_by_incubator": Counter(), "incubator_by_phase": {},
        "launches_by_year": Counter(), "launches_by_incubator": {},
        "national_impact_by_year": Counter(), "stats_page_by_phase": {},
        "dashlord_by_phase": {}, "accessibility_status_by_phase": {},
        "open_source_by_phase": {}, "stats_page": {"with": 0, "total": 0},
        "dashlord": {"with": 0, "total": 0}, "accessibility_status": Counter(),
        "by_thematique": Counter(), "thematique_by_phase": {}, "by_sponsor": Counter(),
        "to_fix": {"no_stats_page": [], "no_dashlord": [], "no_accessibility_status": []},
    }
    for p in products:
        fm = p.fm
        launch = p.earliest_year([s for n, s in p.phases if n == "construction"], at)
        if launch is not None:
            f["launches_by_year"][launch] += 1
            for i in p.incubators():
                add(f["launches_by_incubator"], launch, i)
        impact = p.earliest_year([e.get("date") for e in (fm.get("events") or [])
                                  if isinstance(e, dict) and e.get("name") == "national_impact"], at)
        if impact is not None:
            f["national_impact_by_year"][impact] += 1
        stats = text(fm.get("stats_url")) is not None or fm.get("stats") is True
        dashlord = first_text(fm.get("dashlord_url")) is not None
        status = first_text(fm.get("accessibility_status"))
        phase = p.current_phase(at)
        if phase is None:
            f["no_phase_started"] += 1
        else:
            f["by_phase"][phase] += 1
            os_ = f["open_source_by_phase"].setdefault(phase, {"with_repository": 0, "total": 0})
            os_["total"] += 1
            os_["with_repository"] += text(fm.get("repository")) is not None
            for key, yes in (("stats_page_by_phase", stats), ("dashlord_by_phase", dashlord)):
                c = f[key].setdefault(phase, {"with": 0, "total": 0})
                c["total"] += 1
                c["with"] += yes
            add(f["accessibility_status_by_phase"], phase, status or UNKNOWN)
            for i in p.incubators():
                add(f["incubator_by_phase"], i, phase)
            for t in p.themes():
                add(f["thematique_by_phase"], t, phase)
        if phase not in active_names:
            continue
        f["active"] += 1
        f["active_by_incubator"].update(p.incubators())
        f["by_thematique"].update(p.themes())
        f["by_sponsor"].update(p.sponsors())
        for key, fix, yes in (("stats_page", "no_stats_page", stats),
                              ("dashlord", "no_dashlord", dashlord)):
            f[key]["total"] += 1
            f[key]["with"] += yes
            if not yes:
                f["to_fix"][fix].append(p.id)
        f["accessibility_status"][status or UNKNOWN] += 1
        if status is None:
            f["to_fix"]["no_accessibility_status"].append(p.id)
    for fix in f["to_fix"].values():
        fix.sort()
    return f


def missions(fm):
    if isinstance(fm.get("missions"), list):
        return [(m.get("start"), m.get("end"), m.get("status"))
                for m in fm["missions"] if isinstance(m, dict)]
    if "start" in fm or "employer" in fm:
        employer = fm.get("employer")
        status = None
        if isinstance(employer, str):
            status = employer.split("/", 1)[0].strip() or None
        return [(fm.get("start"), fm.get("end"), status)]
    return []


def member_figures(members, at):
    f = {"total": len(members), "active": 0, "new_by_year": Counter(), "new_by_status": {},
         "no_dated_mission": 0,
         "starting_later": 0, "active_by_domaine": Counter(), "active_by_competence": Counter(),
         "active_by_status": Counter()}
    for _, fm in members:
        ms = missions(fm)
        starts = [as_date(s) for s, _, _ in ms]
        dated = [d for d in starts if d is not None]
        if not dated:
            f["no_dated_mission"] += 1
        elif min(dated) > at:
            f["starting_later"] += 1
        else:
            year = min(dated).year
            f["new_by_year"][year] += 1
            # The first mission: the earliest start, the last listed of those on that day.
            first = [st for (_, _, st), d in zip(ms, starts) if d == min(dated)][-1]
            add(f["new_by_status"], year, first if isinstance(first, str) else UNSPECIFIED)
        current = None
        for (start, end, status), d in zip(ms, starts):
            e = as_date(end)
            if d is not None and d <= at and (e is None or e >= at):
                if current is None or d >= current[0]:
                    current = (d, status)
        if current is None:
            continue
        f["active"] += 1
        f["active_by_status"][current[1] if isinstance(current[1], str) else UNSPECIFIED] += 1
        f["active_by_domaine"][text(fm.get("domaine")) or UNSPECIFIED] += 1
        f["active_by_competence"].update(
            {c for c in (fm.get("competences") or []) if isinstance(c, str)})
    return f


def plain(value):
    """Counters and nested maps as JSON objects with text keys, sorted."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    return value


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    root, at = argv[1], datetime.date.fromisoformat(argv[2])
    sdir = find(root, ["content/_startups", "_startups", "_startup"])
    mdir = find(root, ["content/_authors", "_authors", "_author"])
    products = [Product(i, fm) for i, fm in (front_matters(sdir) if sdir else [])]
    members = front_matters(mdir) if mdir else []
    f = product_figures(products, at, SITE_ACTIVE[vocabulary(products)])
    out = {
        "as_of": at.isoformat(),
        "active_rule": "site",
        "products": {k: f[k] for k in ("total", "active", "by_phase", "no_phase_started")},
    }
    for k in ("active_by_incubator", "incubator_by_phase", "launches_by_year",
              "launches_by_incubator", "national_impact_by_year", "open_source_by_phase",
              "stats_page", "stats_page_by_phase", "dashlord", "dashlord_by_phase",
              "accessibility_status", "accessibility_status_by_phase", "by_thematique",
              "thematique_by_phase", "by_sponsor", "to_fix"):
        out[k] = f[k]
    out["members"] = member_figures(members, at)
    print(json.dumps(plain(out), ensure_ascii=False, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv)
