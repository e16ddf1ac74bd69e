#!/usr/bin/env bash
# Builds a fuzz target with libFuzzer's coverage instrumentation on the
# stable toolchain (no cargo-fuzz needed) and runs it for SECONDS seconds.
#   bash fuzz/run.sh TARGET [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: bash fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# --target: RUSTFLAGS then reach only the fuzzed code, not build scripts.
triple=$(rustc -vV | sed -n "s/^host: //p")
cargo build --release --target "$triple" --bin "$target"
mkdir -p "corpus/$target" "artifacts/$target"
exec "target/$triple/release/$target" "corpus/$target" "regressions/$target" \
    -artifact_prefix="artifacts/$target/" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
