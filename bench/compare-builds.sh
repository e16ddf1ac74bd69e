#!/usr/bin/env bash
# Two (or more) grassroots binaries building the same site, alternating, so
# that both see the same machine: on this shared 2-CPU machine the speed
# drifts by ±30% within minutes, and two runs made one after the other
# compare the minutes, not the binaries.
#
#   bash bench/compare-builds.sh OLD_BINARY NEW_BINARY [...]
#
# Builds the Rust book (CORPUS=..., as in search.sh) on tmpfs when /dev/shm
# exists (SITE=DIR builds an existing site instead), RUNS=20 rounds, each
# binary once per round, and prints the median whole build and stages per
# binary, and the median of index / whole build. An old binary: check out
# the old commit in a worktree and build it there (`cargo build --release
# --target-dir ...`), or keep a copy of target/release/grassroots.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

[ $# -ge 1 ] || die "usage: bash bench/compare-builds.sh BINARY [BINARY ...]"
for bin in "$@"; do
  [ -x "$bin" ] || die "not an executable: $bin"
done
need_cmd python3 python3
RUNS=${RUNS:-20}
CORPUS=${CORPUS:-/work/shared/corpus/trpl}

base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && base=/dev/shm
TMP=$(mktemp -d "$base/bench-compare.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
site=${SITE:-}
if [ -z "$site" ]; then
  [ -d "$CORPUS/zh" ] && [ -d "$CORPUS/en" ] || die "corpus not found: $CORPUS/{zh,en}"
  python3 "$BENCH_DIR/lib/trpl_to_site.py" "$CORPUS" "$TMP/site" >&2
  site=$TMP/site
fi

# Copies, so that a `cargo build` during the run cannot swap a binary.
bins=()
for i in $(seq $#); do
  cp "${!i}" "$TMP/bin$i"
  bins+=("$TMP/bin$i")
done

say "bench: $RUNS rounds of $# builds of $site ..."
for round in $(seq "$RUNS"); do
  for i in $(seq $#); do
    # "built ... in 226 ms (load 15 ms, render 117 ms, index 77 ms, write 15 ms)"
    "${bins[$((i - 1))]}" build "$site" 2>&1 | grep -E '^built ' | sed "s/^/$i /" >>"$TMP/times"
  done
  printf '.' >&2
done
say ""

python3 - "$TMP/times" "$@" <<'PY'
import re, statistics, sys

names = sys.argv[2:]
rows = {i: [] for i in range(1, len(names) + 1)}
for line in open(sys.argv[1]):
    i, rest = line.split(" ", 1)
    ms = lambda m: float(m.group(1)) * (1000 if m.group(2) == "s" else 1)
    whole = re.search(r" in ([\d.]+) (ms|s) \(", rest)
    stages = dict(
        (name, ms(m)) for name, m in
        ((n, re.search(rf"{n} ([\d.]+) (ms|s)", rest)) for n in ("load", "render", "index", "write"))
        if m
    )
    if whole:
        rows[int(i)].append((ms(whole), stages))

print("| binary | builds | whole | load | render | index | write | index / whole |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for i, name in enumerate(names, 1):
    r = rows[i]
    med = lambda xs: statistics.median(xs) if xs else float("nan")
    stage = lambda s: med([st.get(s, 0.0) for _, st in r])
    share = med([st.get("index", 0.0) / w for w, st in r if w > 0])
    print(f"| `{name}` | {len(r)} | {med([w for w, _ in r]):.0f} ms | {stage('load'):.0f} | "
          f"{stage('render'):.0f} | {stage('index'):.0f} | {stage('write'):.0f} | {100 * share:.0f}% |")
PY
