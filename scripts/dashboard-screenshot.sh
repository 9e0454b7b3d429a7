#!/usr/bin/env bash
# Regenerates docs/dashboard-2016.png, the README's screenshot of the dashboard: the
# first screen (1,100 x 1,500 px) of `betagouv dashboard --format html` on the built-in
# 2016 data (never the shared CC BY-NC-SA data), rendered by headless Chromium in the
# browser test of betagouv-report, then recompressed with optipng when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/docs/dashboard-2016.png"
BETAGOUV_DASHBOARD_PNG="$out" BETAGOUV_REQUIRE_EXTERNAL=1 \
  cargo test -q -p betagouv-report --test integration -- \
  dashboard::the_2016_dashboard_renders_to_png_and_pdf --exact
if command -v optipng >/dev/null; then optipng -quiet -o2 "$out"; fi
ls -l "$out"
