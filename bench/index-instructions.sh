#!/usr/bin/env bash
# Instructions per search-index build of the Rust book, per language, counted
# by cachegrind: a figure that does not move with the machine's load (wall
# times on this shared 2-CPU machine swing by ±30% from one minute to the
# next), for comparing two versions of the index builder.
#
#   bash bench/index-instructions.sh                 # the working tree
#   bash bench/index-instructions.sh A_SCALE B_SCALE  # two built `scale` examples
#
# Each binary builds one language's index on one thread, once and three
# times (GRASSROOTS_REPEAT); the difference halved is one build, without
# reading the pages. CORPUS=... as in search.sh; LANGS="zh en".
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

CORPUS=${CORPUS:-/work/shared/corpus/trpl}
LANGS=${LANGS:-zh en}
[ -d "$CORPUS/zh" ] && [ -d "$CORPUS/en" ] || die "corpus not found: $CORPUS/{zh,en}"
need_cmd python3 python3
need_cmd valgrind valgrind

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-instructions.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
python3 "$BENCH_DIR/lib/trpl_to_site.py" "$CORPUS" "$TMP/site" >&2

bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  say "bench: cargo build --release --example scale ..."
  (cd "$REPO_DIR" && cargo build --release --quiet -p grassroots-search --example scale >&2)
  target=$(cd "$REPO_DIR" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  cp "$target/release/examples/scale" "$TMP/scale"
  bins=("$TMP/scale")
fi

# instructions BIN LANG REPEAT: cachegrind's instruction count of one run.
instructions() {
  RAYON_NUM_THREADS=1 GRASSROOTS_REPEAT=$3 valgrind --tool=cachegrind --cache-sim=no \
    --cachegrind-out-file=/dev/null "$1" --site "$TMP/site/content" "$2" "$TMP/out" 2>&1 |
    grep -o 'I *refs: *[0-9,]*' | tr -dc 0-9
}

echo "| binary | language | instructions per index build |"
echo "| --- | --- | ---: |"
for lang in $LANGS; do
  for bin in "${bins[@]}"; do
    once=$(instructions "$bin" "$lang" 1)
    thrice=$(instructions "$bin" "$lang" 3)
    printf '| %s | %s | %sM |\n' "$bin" "$lang" $(((thrice - once) / 2 / 1000000))
  done
done
