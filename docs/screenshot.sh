#!/bin/sh
# Regenerates docs/screenshot.png: the claims page (tensorspec page) of the newest report in reports/,
# completed with the catalog's gists, as headless Chromium shows it in a 1280x900 window.
#   docs/screenshot.sh                     # the page as it opens
#   docs/screenshot.sh 'verdict=refuted&lang=zh'   # any view: the page reads its filters from the URL fragment
# Needs chromium (Debian: apt-get install chromium) and tensorspec importable (pip install -e .).
set -eu
cd "$(dirname "$0")/.."
newest=$(python -c '
import json, sys
from pathlib import Path
from packaging.version import Version
paths = sorted(Path("reports").glob("*.json"))
print(max(paths, key=lambda p: Version(json.loads(p.read_text())["versions"]["torch"].split("+")[0])))')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python -m tensorspec.cli page "$newest" -o "$tmp/claims.html" --catalog spec/claims.toml
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$tmp/profile" \
    --window-size=1280,900 --screenshot=docs/screenshot.png "file://$tmp/claims.html#${1:-}" 2>/dev/null
echo "wrote docs/screenshot.png from $newest"
