#!/usr/bin/env bash
# Runs every test of the project:
#   1. Rust unit tests and whole-build tests (fixture sites, the portal, the
#      dev server over real sockets, the search index through its Node CLI);
#   2. the search client's Node tests (Rust and JS tokenizers agree, format);
#   3. the browser end-to-end suite in headless Chromium (tests/e2e/run.sh
#      installs Chromium and the npm packages it needs when they are missing).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked
node --test search-index/client/test/
bash tests/e2e/run.sh
