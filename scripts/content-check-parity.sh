#!/usr/bin/env bash
# Compares `betagouv content check` with the content repository's own CI check
# (ci/tests-fiches.mjs and the author file name step of its tests workflow) on
# single-fault mutants of a content folder. Not run in CI: it needs Node, the
# repository's CI scripts, network access for `npm install`, and takes minutes.
#
# Usage: scripts/content-check-parity.sh CONTENT_ROOT SITE_REPO [BETAGOUV]
#   CONTENT_ROOT  a folder holding `content/_startups`, `content/_authors`... (copied,
#                 never modified; the mutants name files of the 2025 snapshot: the
#                 start-up `1-eleve-1-stage` and the members `member-0002`, `member-0004`)
#   SITE_REPO     a clone (bare or not) of github.com/betagouv/beta.gouv.fr, for ci/*
#   BETAGOUV      the binary to compare (default target/debug/betagouv)
# Prints one line per mutant: `mutant  theirs  ours` where theirs is `error` when
# their check fails and ours is the error rules reported beyond the unmutated
# folder's, or `warn:<rules>` when only warnings were added, or `-` when neither.
set -euo pipefail

root=${1:?content root}
site=${2:?site repository}
bin=${3:-target/debug/betagouv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ci=$work/ci
mkdir -p "$ci"
for f in package.json yarn.lock authors.mjs startups.mjs tests-fiches.mjs; do
  git -C "$site" show "HEAD:ci/$f" >"$ci/$f"
done
# The versions of their yarn.lock, installed with npm outside their repository.
(cd "$ci" && npm install --silent --no-audit --no-fund --no-save \
  gray-matter@4.0.3 js-yaml@3.14.1 yaml@2.3.4 zod@3.22.4 >/dev/null)

snap=$work/snap
cp -r "$root" "$snap"

python3 - "$snap" "$ci" "$bin" <<'PY'
import json, os, re, shutil, subprocess, sys

snap, ci, binary = sys.argv[1:4]
S = "content/_startups/1-eleve-1-stage.md"
M = "content/_authors/member-0002.md"
P = "content/_authors/member-0004.md"

def sub(pattern, repl, count=1):
    def f(t):
        u = re.sub(pattern, repl, t, count=count, flags=re.M)
        assert u != t, pattern
        return u
    return f

# (name, file, mutation of its text); a mutation None stands for a rename or a
# removal done by `special`.
MUTANTS = [
    ("member: fullname missing", M, sub(r"^fullname: .*\n", "")),
    ("member: fullname empty", M, sub(r"^fullname: .*$", "fullname: ''")),
    ("member: role missing", M, sub(r"^role: .*\n", "")),
    ("member: domaine missing", M, sub(r"^domaine: .*\n", "")),
    ("member: domaine unknown", M, sub(r"^domaine: .*$", "domaine: Magie")),
    ("member: missions missing", M, sub(r"^missions:\n(  .*\n)*", "")),
    ("member: missions as a mapping", M, sub(r"^missions:\n(  .*\n)*", "missions:\n  start: 2022-07-08\n  end: 2024-07-01\n  status: independent\n")),
    ("member: missions as a text", M, sub(r"^missions:\n(  .*\n)*", "missions: aucune\n")),
    ("member: mission start missing", M, sub(r"^  - start: .*\n    ", "  - ")),
    ("member: mission end missing", M, sub(r"^    end: .*\n", "")),
    ("member: mission start bare year", M, sub(r"^  - start: .*$", "  - start: 2022")),
    ("member: mission start year-month", M, sub(r"^  - start: .*$", "  - start: 2022-07")),
    ("member: mission start quoted", M, sub(r"^  - start: (.*)$", r"  - start: '\1'")),
    ("member: mission start not a date", M, sub(r"^  - start: .*$", "  - start: hier")),
    ("member: mission start impossible", M, sub(r"^  - start: .*$", "  - start: 2022-02-30")),
    ("member: mission end before start", M, sub(r"^    end: .*$", "    end: 2020-01-01")),
    ("member: mission end on start", M, sub(r"^    end: .*$", "    end: 2022-07-08")),
    ("member: mission status missing", M, sub(r"^    status: .*\n", "")),
    ("member: mission status unknown", M, sub(r"^    status: .*$", "    status: freelance")),
    ("member: employer a list", M, sub(r"^    employer: .*$", "    employer: [Malt]")),
    ("member: employer a mapping", M, sub(r"^    employer: .*$", "    employer: {name: Malt}")),
    ("member: employer a boolean", M, sub(r"^    employer: .*$", "    employer: true")),
    ("member: mission startup unknown", M, sub(r"^      - infrastructures.numeriques$", "      - nulle-part")),
    ("member: mission startup twice", M, sub(r"^      - infrastructures.numeriques$", "      - infrastructures.numeriques\n      - infrastructures.numeriques")),
    ("member: previously unknown", P, sub(r"^  - aplus$", "  - nulle-part")),
    ("member: previously twice", P, sub(r"^  - aplus$", "  - aplus\n  - aplus")),
    ("member: competences twice", M, sub(r"^badges:", "competences:\n  - Ruby\n  - Ruby\nbadges:")),
    ("member: badges a text", M, sub(r"^badges:\n  - segur", "badges: segur")),
    ("member: link a list", M, sub(r"^badges:", "link: [a]\nbadges:")),
    ("member: link malformed", M, sub(r"^badges:", "link: htps//exemple.fr\nbadges:")),
    ("member: duplicate key", M, sub(r"^(role: .*)$", r"\1\n\1")),
    ("member: YAML syntax", M, sub(r"^role: (.*)$", r"role: [\1")),
    ("member: unknown key", M, sub(r"^badges:", "favourite_colour: blue\nbadges:")),
    ("member: file name", None, "rename-member"),
    ("startup: title missing", S, sub(r"^title: .*\n", "")),
    ("startup: title a number", S, sub(r"^title: .*$", "title: 2048")),
    ("startup: mission missing", S, sub(r"^mission: .*\n", "")),
    ("startup: incubator missing", S, sub(r"^incubator: .*\n", "")),
    ("startup: contact missing", S, sub(r"^contact: .*\n", "")),
    ("startup: phases missing", S, sub(r"^phases:\n(  .*\n)*", "")),
    ("startup: phases as a mapping", S, sub(r"^phases:\n(  .*\n)*", "phases:\n  name: acceleration\n  start: 2025-01-20\n")),
    ("startup: phase start missing", S, sub(r"^    start: 2025-01-20\n", "")),
    ("startup: phase start bare year", S, sub(r"^    start: 2025-01-20$", "    start: 2025")),
    ("startup: phase start quoted", S, sub(r"^    start: 2025-01-20$", "    start: '2025-01-20'")),
    ("startup: phase end before start", S, sub(r"^    start: 2025-01-20$", "    start: 2025-01-20\n    end: 2024-01-01")),
    ("startup: phase end on start", S, sub(r"^    start: 2025-01-20$", "    start: 2025-01-20\n    end: 2025-01-20")),
    ("startup: phase name twice", S, sub(r"^    start: 2025-01-20$", "    start: 2025-01-20\n  - name: acceleration\n    start: 2025-06-01")),
    ("startup: phase name unknown", S, sub(r"^  - name: acceleration$", "  - name: hibernation")),
    ("startup: sponsor unknown", S, sub(r"^  - /organisations/bruno-chiocchia$", "  - /organisations/nulle-part")),
    ("startup: sponsor without prefix", S, sub(r"^  - /organisations/bruno-chiocchia$", "  - bruno-chiocchia")),
    ("startup: sponsor inline", S, sub(r"^  - /organisations/bruno-chiocchia$", "  - name: Bruno")),
    ("startup: incubators one item", S, sub(r"^incubator: menj$", "incubator: menj\nincubators:\n  - menj")),
    ("startup: incubators without incubator", S, sub(r"^incubator: menj$", "incubator: menj\nincubators:\n  - dinum\n  - anct")),
    ("startup: incubators unknown", S, sub(r"^incubator: menj$", "incubator: menj\nincubators:\n  - menj\n  - nulle-part")),
    ("startup: incubators twice", S, sub(r"^incubator: menj$", "incubator: menj\nincubators:\n  - menj\n  - menj")),
    ("startup: event date missing", S, sub(r"^    date: 2025-01-20\n", "")),
    ("startup: event date bare year", S, sub(r"^    date: 2025-01-20$", "    date: 2025")),
    ("startup: events as a mapping", S, sub(r"^events:\n(  .*\n)*", "events:\n  name: product_launch\n  date: 2025-01-20\n")),
    ("startup: stats a text", S, sub(r"^title:", "stats: oui\ntitle:")),
    ("startup: techno a text", S, sub(r"^techno:\n  - ruby on rails", "techno: ruby on rails")),
    ("startup: fast without montant", S, sub(r"^  montant: .*\n", "")),
    ("startup: link malformed", S, sub(r"^link: .*$", "link: htps//1eleve1stage")),
    ("startup: repository malformed", S, sub(r"^title:", "repository: github.com/x\ntitle:")),
    ("startup: stats_url not http", S, sub(r"^title:", "stats_url: ftp://exemple.fr/stats\ntitle:")),
    ("startup: unknown key", S, sub(r"^title:", "titre: Un élève\ntitle:")),
    ("startup: legacy owner key", S, sub(r"^title:", "owner: DINUM\ntitle:")),
    ("startup: duplicate key", S, sub(r"^(title: .*)$", r"\1\n\1")),
    ("startup: YAML syntax", S, sub(r"^title: (.*)$", r"title: [\1")),
]

def run_theirs():
    p = subprocess.run(["node", os.path.join(ci, "tests-fiches.mjs")], cwd=snap,
                       capture_output=True, text=True)
    names = os.listdir(os.path.join(snap, "content/_authors"))
    pat = re.compile(r"[a-z_.-]+\.[a-z_.-]+\.md")
    bad_names = [n for n in names if not pat.fullmatch(n) and not n.startswith("member-")]
    return p.returncode != 0 or bool(bad_names)

def run_ours(skip_names=True):
    """(severity, rule, file) of every problem of our check."""
    args = [binary, "content", "check", snap, "--json"]
    if skip_names:
        args += ["--skip", "member-file-name"]
    p = subprocess.run(args, capture_output=True, text=True)
    return [(x["severity"], x["rule"], x["file"]) for x in json.loads(p.stdout)["diagnostics"]]

base_ours = run_ours()
base_theirs = run_theirs()
print(f"unmutated: theirs {'error' if base_theirs else 'ok'}, ours {len(base_ours)} diagnostics")
caught = {"theirs": 0, "ours": 0, "ours_warn": 0}
for name, rel, mutate in MUTANTS:
    if rel is None:
        # The file name mutant: a copy of a member under a name their rule refuses.
        path = os.path.join(snap, "content/_authors/Jean.Dupont.md")
        shutil.copy(os.path.join(snap, M), path)
        restore = lambda: os.remove(path)
    else:
        path = os.path.join(snap, rel)
        original = open(path, encoding="utf-8").read()
        open(path, "w", encoding="utf-8").write(mutate(original))
        restore = lambda: open(path, "w", encoding="utf-8").write(original)
    try:
        theirs = run_theirs()
        got = run_ours(skip_names=rel is not None)
    finally:
        restore()
    if rel is None:
        got = [x for x in got if "Jean.Dupont" in x[2]]
    for x in base_ours:
        if x in got:
            got.remove(x)
    got = [(s, r) for s, r, _ in got]
    errors = sorted({r for s, r in got if s == "error"})
    warns = sorted({r for s, r in got if s == "warning"})
    ours = ",".join(errors) if errors else ("warn:" + ",".join(warns) if warns else "-")
    caught["theirs"] += theirs
    caught["ours"] += bool(errors)
    caught["ours_warn"] += bool(warns) and not errors
    print(f"{name:45} {'error' if theirs else '-':6} {ours}", flush=True)
print(f"{len(MUTANTS)} mutants: theirs fail on {caught['theirs']}, ours errors on "
      f"{caught['ours']} and only warns on {caught['ours_warn']}")
PY
