#!/usr/bin/env bash
# Browser end-to-end tests of the portal, in one command from anywhere:
#   bash tests/e2e/run.sh
# Installs what is missing on a fresh Debian machine: Chromium and
# chromedriver, WebKitGTK's WebKitWebDriver (with the GTK bindings the bare
# browser window in engines/webkit-browser.py needs) under Xvfb, Firefox ESR,
# geckodriver (crates.io: `cargo install`), poppler-utils, Noto CJK and
# DejaVu fonts. Runs `npm ci` here, builds the portal (normal and --offline)
# and the phone fixture site with the release binary into temp folders, then
# runs `node --test` on this folder. PDFs and screenshots land in artifacts/.
# E2E_ENGINES=chromium (or webkit,firefox) limits the cross-engine tests.
set -euo pipefail
E2E="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$E2E/../.." && pwd)"

APT_PACKAGES=(chromium chromium-driver poppler-utils fonts-noto-cjk fonts-dejavu-core fontconfig
  webkit2gtk-driver gir1.2-webkit2-4.1 gir1.2-gtk-3.0 python3-gi xvfb xauth firefox-esr)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
# geckodriver is not in Debian; crates.io has it (a few minutes to build).
if ! command -v geckodriver >/dev/null && [ ! -x "$HOME/.cargo/bin/geckodriver" ]; then
  cargo install geckodriver --version 0.37.1 --locked
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
