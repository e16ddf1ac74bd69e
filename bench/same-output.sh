#!/usr/bin/env bash
# Do two grassroots binaries write the same public/? Builds the portal
# (site/), the Rust book corpus and a generated 1,000-page site with each
# binary and compares the outputs byte for byte (`diff -r`). For refactors
# that must not change behaviour.
#
#   bash bench/same-output.sh OLD_BINARY NEW_BINARY
#
# Prints "identical" per site, or the diff's file list and exits 1.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

[ $# -eq 2 ] || die "usage: bash bench/same-output.sh OLD_BINARY NEW_BINARY"
CORPUS=${CORPUS:-/work/shared/corpus/trpl}
GEN=${GEN:-/work/shared/bench/gen_corpus.py}
N=${N:-1000}
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && base=/dev/shm
TMP=$(mktemp -d "$base/same-output.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$TMP/sites"
cp -r "$REPO_DIR/site" "$TMP/sites/portal"
rm -rf "$TMP/sites/portal/public"
python3 "$BENCH_DIR/lib/trpl_to_site.py" "$CORPUS" "$TMP/sites/trpl" >&2
python3 "$GEN" --n "$N" --out "$TMP/gen" --layouts zola >&2
mv "$TMP/gen/zola" "$TMP/sites/gen$N"
rm -rf "$TMP/sites/gen$N/templates"
cat >"$TMP/sites/gen$N/config.toml" <<'TOML'
title = "主题教育 benchmark"
default_language = "zh"
base_url = "https://example.org"

[search]
enabled = true

[languages.en]
title = "Thematic education benchmark"
TOML

status=0
for site in "$TMP"/sites/*; do
  name=$(basename "$site")
  for side in old new; do
    bin=$1; [ "$side" = new ] && bin=$2
    "$bin" build "$site" --output "$TMP/out-$side-$name" --quiet
  done
  if diff -rq "$TMP/out-old-$name" "$TMP/out-new-$name" >"$TMP/diff-$name"; then
    echo "$name: identical ($(find "$TMP/out-new-$name" -type f | wc -l) files)"
  else
    echo "$name: DIFFERENT"; head -20 "$TMP/diff-$name"; status=1
  fi
done
exit $status
