#!/usr/bin/env bash
# Reads the 2025-12-31 snapshot and computes its snapshot figures, in Rust
# (release build, 2 threads) and in Python (tests/count_snapshot.py, PyYAML's
# libyaml loader); prints the best of N wall times of each, the ratio and the
# peak memory of each (/usr/bin/time -v).
# Usage: BETAGOUV_SHARED_DATA=/abs/shared/data crates/betagouv-content/benches/compare.sh [N]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10}
dir=${BETAGOUV_SHARED_DATA:?set BETAGOUV_SHARED_DATA}/betagouv-content/2025-12-31
target=${CARGO_TARGET_DIR:-$here/../../target}
cargo build -q --release -j 2 -p betagouv-content --example read
bin=$target/release/examples/read
"$bin" "$dir" 2025-12-31 --time 2 >/dev/null # warm the cache
rust=$("$bin" "$dir" 2025-12-31 --time "$n")
py=$(python3 "$here/tests/count_snapshot.py" "$dir" 2025-12-31 2020 --time "$n" 2>&1 >/dev/null)
ratio=$(python3 -c "print(f'{$py / $rust:.1f}')")
peak() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {printf "%.1f MB", $2/1024}'; }
echo "rust   best of $n: ${rust} s  peak $(peak "$bin" "$dir" 2025-12-31)"
echo "python best of $n: ${py} s  peak $(peak python3 "$here/tests/count_snapshot.py" "$dir" 2025-12-31 2020)"
echo "ratio python/rust: ${ratio}x"
