#!/usr/bin/env bash
# The demo page in a real headless browser (Debian's chromium): sign in, add a note, delete it, and a
# cross-origin form post refused by the gateway. Exits non-zero on any failure; skipped (exit 0, with a
# message) when chromium is not installed. Screenshots: .build/browser-test/*.png
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then chromium="$(command -v "$candidate")"; break; fi
done
if [ -z "$chromium" ]; then
    echo "browser-test: SKIPPED: chromium is not installed (apt-get install -y chromium)"
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "browser-test: FAILED: python3 is needed to drive chromium" >&2
    exit 1
fi

swift build --product actiongate
binary="$(swift build --show-bin-path)/actiongate"
echo "browser-test: $("$chromium" --version 2>/dev/null || echo chromium) against $binary"
python3 scripts/browser/drive.py --actiongate "$binary" --chromium "$chromium" --out .build/browser-test
