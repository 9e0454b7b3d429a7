#!/usr/bin/env bash
# The weight of each library crate for a dependent: its distinct normal dependencies
# (the crate itself not counted) and the cold build time of the crate with them (a fresh
# target folder, debug profile, `cargo build -p CRATE`), with default features and with
# none. Prints a Markdown table for docs/PERFORMANCE.md. Run on an idle machine:
#   scripts/crate-weights.sh            # every library crate
#   scripts/crate-weights.sh betagouv-impact
set -euo pipefail
cd "$(dirname "$0")/.."
crates=("$@")
[ "${#crates[@]}" -gt 0 ] || crates=(betagouv-output betagouv-portfolio betagouv-impact betagouv-funding betagouv-content betagouv-export betagouv-report)
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cargo fetch -q

deps() { # crate, feature flags...
  local crate="$1"; shift
  cargo tree -q -p "$crate" -e normal --prefix none "$@" | sed 's/ (\*)//; s/ (proc-macro)//' |
    awk '{print $1, $2}' | sort -u | grep -v "^$crate " | wc -l
}
build_time() { # crate, feature flags...
  local crate="$1"; shift
  rm -rf "$scratch/target"
  local start end
  start="$(date +%s.%N)"
  CARGO_TARGET_DIR="$scratch/target" cargo build -q -p "$crate" "$@"
  end="$(date +%s.%N)"
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }'
}

echo "| crate | deps (default) | cold build (default) | deps (no default features) | cold build (no default features) |"
echo "|---|---:|---:|---:|---:|"
for c in "${crates[@]}"; do
  d="$(deps "$c")"; t="$(build_time "$c")"
  dn="$(deps "$c" --no-default-features)"; tn="$(build_time "$c" --no-default-features)"
  echo "| \`$c\` | $d | $t s | $dn | $tn s |"
done
