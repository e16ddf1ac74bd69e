#!/usr/bin/env bash
# Browser end-to-end tests of the portal, in one command from anywhere:
#   bash tests/e2e/run.sh
# Installs Debian Chromium, poppler-utils and CJK fonts when missing, runs
# `npm ci` here, builds the portal (normal and --offline) and the phone
# fixture site with the release binary into temp folders, then runs
# `node --test` on this folder. PDFs and screenshots land in artifacts/.
set -euo pipefail
E2E="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$E2E/../.." && pwd)"

if [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium poppler-utils fonts-noto-cjk fontconfig
fi

(cd "$E2E" && npm ci --no-audit --no-fund)

(cd "$REPO" && cargo build --release --locked)
BIN="$REPO/target/release/grassroots"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export E2E_PUBLIC="$TMP/public" E2E_OFFLINE="$TMP/offline" E2E_FIXTURE="$TMP/fixture"
"$BIN" build "$REPO/site" --output "$E2E_PUBLIC"
"$BIN" build "$REPO/site" --output "$E2E_OFFLINE" --offline
"$BIN" build "$E2E/fixture-site" --output "$E2E_FIXTURE"

rm -rf "$E2E/artifacts"
mkdir -p "$E2E/artifacts"
cd "$REPO"
node --test --test-concurrency=2 tests/e2e/
