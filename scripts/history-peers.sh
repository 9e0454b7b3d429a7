#!/usr/bin/env bash
# The whole shared history (14,615 commits) in one run: `betagouv history` every
# commit and every month (release build; wall time and peak memory from
# /usr/bin/time -v), against its peers on the same clone:
#   - `git log --first-parent --raw`: the floor of any pipeline of git processes;
#   - one commit unpacked with `git archive` and its start-ups counted by phase with
#     PyYAML: the naive pipeline's cost per commit.
# Prints the figures and the ratios. See docs/PERFORMANCE.md, "History replay (issue 13)".
# Usage: BETAGOUV_SHARED_DATA=/abs/shared/data scripts/history-peers.sh
# Needs git, python3 with PyYAML (pip install --user pyyaml), GNU time (/usr/bin/time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=${BETAGOUV_SHARED_DATA:?set BETAGOUV_SHARED_DATA}/betagouv-history/content-history.bundle
target=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -c init.defaultBranch=main clone -q --bare "$bundle" "$work/history.git"
clone=$work/history.git
(cd "$root" && cargo build -q --release -j 2 -p betagouv)
bin=$target/release/betagouv

# Runs "$@" with its standard output to /dev/null; prints "<wall seconds> <peak MB>".
measure() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
        /Maximum resident/ { kb = $2 }
        END { printf "%.2f %.1f\n", s, kb / 1024 }'
}

"$bin" history --git "$clone" --every month --format csv >/dev/null # warm the page cache
read -r commit_s commit_mb < <(measure "$bin" history --git "$clone" --every commit --format csv)
read -r month_s month_mb < <(measure "$bin" history --git "$clone" --every month --format csv)
read -r log_s log_mb < <(measure git --git-dir "$clone" log --first-parent --raw main)
points=$("$bin" history --git "$clone" --every commit --format csv | tail -n +2 | wc -l)

# One commit (HEAD) unpacked and counted by current phase (last listed) with PyYAML.
count='
import glob, sys, yaml
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
phases = {}
for path in glob.glob(sys.argv[1] + "/content/_startups/*"):
    text = open(path, encoding="utf-8", errors="replace").read()
    parts = text.split("---", 2)
    try:
        doc = yaml.load(parts[1], Loader=Loader) if len(parts) > 2 else None
    except yaml.YAMLError:
        doc = None
    try:
        name = str(doc["phases"][-1]["name"])
    except (TypeError, KeyError, IndexError):
        name = "?"
    phases[name] = phases.get(name, 0) + 1
print(sum(phases.values()), "start-ups", sorted(phases.items(), key=str))
'
archive_once() {
    local dir
    dir=$(mktemp -d "$work/tree.XXXX")
    git --git-dir "$clone" archive --format=tar main | tar -xf - -C "$dir"
    python3 -c "$count" "$dir"
    rm -rf "$dir"
}
export -f archive_once
export clone count work
read -r archive_s archive_mb < <(measure bash -c archive_once)

ratio() { python3 -c "print(f'{$1 / $2:.1f}')"; }
naive_h=$(python3 -c "print(f'{$archive_s * $points / 3600:.1f}')")
echo "betagouv history --every commit ($points points): ${commit_s} s, peak ${commit_mb} MB"
echo "betagouv history --every month:                 ${month_s} s, peak ${month_mb} MB"
echo "git log --first-parent --raw:                    ${log_s} s, peak ${log_mb} MB"
echo "git archive + PyYAML, one commit:                ${archive_s} s, peak ${archive_mb} MB"
echo "ratios: every commit / git log = $(ratio "$commit_s" "$log_s")x; every month / git log = $(ratio "$month_s" "$log_s")x"
echo "naive pipeline (git archive + PyYAML per commit): about ${naive_h} h, $(ratio "$archive_s*$points" "$commit_s")x every commit"
