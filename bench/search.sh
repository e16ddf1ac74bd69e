#!/usr/bin/env bash
# Issue 3's benchmark: grassroots search vs Pagefind on the Rust book (zh + en).
#   bash bench/search.sh            (the Rust book, below)
#   bash bench/search.sh --scale    (10,000 generated pages per language, above)
# Prints a Markdown report and writes it to bench/results/search.md.
# Environment: GRASSROOTS=/path/to/binary skips `cargo build --release`;
# RUNS=3 sets the number of Pagefind runs, BUILD_RUNS=9 the number of timed
# builds (medians reported: a build takes well under a second, and the disk
# here makes single builds vary by ±50%);
# KEEP=1 keeps the temp dir (its path is printed); TMPDIR=/dev/shm builds on
# tmpfs, which takes the disk out of the build times (the report names the
# file system).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# bash bench/search.sh --scale: the index alone at 10,000 pages per language
# (a site made by gen_corpus.py; SCALE_SITE=DIR uses one already made, else
# it is generated into a temp dir): one-word queries' first-screen bytes,
# ranking time, files, build time and peak RSS. Writes
# bench/results/search-scale.md.
if [ "${1:-}" = "--scale" ]; then
  need_cmd cargo
  need_cmd node nodejs
  need_cmd python3 python3
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-search-scale.XXXXXX")
  trap 'if [ "${KEEP:-0}" = 1 ]; then say "bench: kept $TMP"; else rm -rf "$TMP"; fi' EXIT
  GEN=${GEN:-$REPO_DIR/../shared/bench/gen_corpus.py}
  SCALE_N=${SCALE_N:-10000}
  site=${SCALE_SITE:-}
  if [ -z "$site" ]; then
    [ -f "$GEN" ] || die "no generator at $GEN (set GEN=... or SCALE_SITE=...)"
    say "bench: generating $SCALE_N pages per language ..."
    python3 "$GEN" --n "$SCALE_N" --out "$TMP/gen" --layouts zola >&2
    site=$TMP/gen/zola
  fi
  [ -d "$site/content" ] || die "no content/ in $site"
  ZH_QUERIES=${ZH_QUERIES:-"教育 书法 磁场 森林 追溯 朴素 9772 志愿者 图书馆 博物馆 好奇心"}
  EN_QUERIES=${EN_QUERIES:-"lesson river volunteer library calligraphy modern tally 9772"}
  # Queries of several words (and 书法家, whose bigrams seldom meet), comma-separated.
  ZH_PHRASES=${ZH_PHRASES:-"教育 森林,志愿者 图书馆,森林 河流 土壤,书法家"}
  EN_PHRASES=${EN_PHRASES:-"modern river,volunteer library,river lesson,forest soil seed"}
  say "bench: cargo build --release --example scale ..."
  (cd "$REPO_DIR" && cargo build --release --quiet -p grassroots-search --example scale >&2) || die "build of the scale example failed"
  target=$(cd "$REPO_DIR" && cargo metadata --format-version 1 --no-deps | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0,"utf8")).target_directory)')
  for lang in zh en; do
    say "bench: index of $lang ..."
    "$target/release/examples/scale" --site "$site/content" "$lang" "$TMP/out" >"$TMP/build-$lang.txt"
    q=$ZH_QUERIES; [ "$lang" = en ] && q=$EN_QUERIES
    # shellcheck disable=SC2086 # one argument per query
    node "$REPO_DIR/search-index/client/scale.mjs" "$TMP/out" "$lang" $q >"$TMP/q-$lang.jsonl"
    phrases=$ZH_PHRASES; [ "$lang" = en ] && phrases=$EN_PHRASES
    : >"$TMP/p-$lang.jsonl"
    IFS=, read -r -a plist <<<"$phrases"
    for p in "${plist[@]}"; do
      node "$REPO_DIR/search-index/client/cli.mjs" "$TMP/out" "$lang" "$p" |
        node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); const kinds = [...new Set(j.files.map((f) => f.split("/").pop().split(".")[0]))].sort().join(" "); process.stdout.write(JSON.stringify({ query: process.argv[1], results: j.results.length, bytes: j.bytes, first: j.bytes_first_excerpts, files: j.files.length, kinds }) + "\n")' "$p" >>"$TMP/p-$lang.jsonl"
    done
    ls "$TMP/out/search/$lang" | sed -E 's/\..*//' | sort | uniq -c >"$TMP/files-$lang.txt"
  done
  mkdir -p "$BENCH_DIR/results"
  node - "$TMP" "$(repo_revision)" "$site" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" >"$BENCH_DIR/results/search-scale.md" <<'JS'
const fs = require("fs");
const [tmp, rev, site, cpus, load] = process.argv.slice(2);
const kib = (b) => (b / 1024).toFixed(1);
const out = [];
out.push("# Search at scale: one-word queries on a generated site\n");
out.push(`${new Date().toISOString().slice(0, 16)}Z · grassroots ${rev} · ${cpus} CPUs · node ${process.version} · site \`${site}\` · load ${load} at the end · \`bash bench/search.sh --scale\`\n`);
out.push("Index built alone by `search-index/examples/scale.rs --site` (the pages read from the generated Markdown as the site build does), queried by `search-index/client/scale.mjs`. " +
  "**10 results** = all reads for 10 results with excerpts (`bytes` of `cli.mjs`, whose default limit is 10: entry, head shards, deep or full postings where needed, metadata and excerpt records; the target is < 100 KB); **first screen** = bytes the search box reads up to its first 5 results with excerpts (`bytes_first_excerpts`); **titles only** = up to the first 5 titles and paths, which the search box shows before the excerpts (`bytes_first_screen`). " +
  "On such a big index, metadata, excerpts and deep postings are records read by HTTP Range requests (`cli.mjs` reads just those bytes from disk and counts them); a server that ignores Range, or `file://`, reads whole files instead. " +
  "Time = ranking after the shards are loaded (median of 20 in one Node process): first screen (limit 5) and 50 hits, with the terms' postings decoded already (the client decodes a term's postings on first use and keeps them) and, after the slash, decoded again for each run. Bytes are uncompressed file sizes, without the client script.\n");
for (const lang of ["zh", "en"]) {
  const build = fs.readFileSync(`${tmp}/build-${lang}.txt`, "utf8").trim();
  const files = fs.readFileSync(`${tmp}/files-${lang}.txt`, "utf8").trim().split("\n").map((l) => l.trim().split(/\s+/)).map(([n, k]) => `${k} ${n}`).join(", ");
  const rows = fs.readFileSync(`${tmp}/q-${lang}.jsonl`, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  out.push(`## ${lang}\n`);
  out.push(`Build: ${build}. Files by kind: ${files}.\n`);
  out.push("| query | hits | 10 results | first screen (with excerpts) | titles only | reads (titles only) | ms first screen (median / max) | ms 50 hits | ms first screen / 50 hits, postings decoded |");
  out.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) out.push(`| ${r.query} | ${r.hits} | ${kib(r.bytes)} KiB | ${kib(r.bytes_first_excerpts)} KiB | ${kib(r.bytes_first_screen)} KiB | ${r.files_first_screen} | ${r.ms_median} / ${r.ms_max} | ${r.ms50_median} | ${r.ms_decoded_median} / ${r.ms50_decoded_median} |`);
  const fs1 = rows.map((r) => r.bytes_first_screen), ex = rows.map((r) => r.bytes_first_excerpts), all = rows.map((r) => r.bytes);
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  const sum = (a) => `mean ${kib(mean(a))} KiB, max ${kib(Math.max(...a))} KiB`;
  out.push(`\n10 results: ${sum(all)}; first screen with excerpts: ${sum(ex)}; titles only: ${sum(fs1)}.\n`);
  const phrases = fs.readFileSync(`${tmp}/p-${lang}.jsonl`, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  if (phrases.length) {
    out.push("Queries of several words (`cli.mjs`, limit 10; kinds of files read: h head shards, d deep records, p full records, m metadata, r excerpts):\n");
    out.push("| query | results | 10 results | first screen (with excerpts) | reads | files read |");
    out.push("| --- | ---: | ---: | ---: | ---: | --- |");
    for (const r of phrases) out.push(`| ${r.query} | ${r.results} | ${kib(r.bytes)} KiB | ${kib(r.first)} KiB | ${r.files} | ${r.kinds} |`);
    out.push("");
  }
}
process.stdout.write(out.join("\n") + "\n");
JS
  cat "$BENCH_DIR/results/search-scale.md"
  say "bench: wrote $BENCH_DIR/results/search-scale.md"
  exit 0
fi

CORPUS=${CORPUS:-/work/shared/corpus/trpl}
QUERIES=${QUERIES:-$CORPUS/practice-queries.tsv}
RUNS=${RUNS:-3}
BUILD_RUNS=${BUILD_RUNS:-9}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -d "$CORPUS/zh" ] && [ -d "$CORPUS/en" ] || die "corpus not found: $CORPUS/{zh,en}"
[ -f "$QUERIES" ] || die "query set not found: $QUERIES"

need_cmd python3 python3
need_cmd git
npm_deps
if [ ! -x "$CHROMIUM" ]; then apt_install chromium; fi
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (set CHROMIUM=...)"

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
HTTP_PID=""
bench_before_cleanup() {
  if [ -n "$HTTP_PID" ]; then kill "$HTTP_PID" 2>/dev/null || true; wait "$HTTP_PID" 2>/dev/null || true; fi
}
bench_setup search
SITE="$TMP/site"
PUBLIC="$SITE/public"

# 1. The corpus as a grassroots site.
python3 "$BENCH_DIR/lib/trpl_to_site.py" "$CORPUS" "$SITE"

# The same site with search off: what search adds to a build is the
# difference (the index stage, and writing the index's files).
NOSEARCH="$TMP/site-nosearch"
cp -r "$SITE" "$NOSEARCH"
sed -i 's/^enabled = true$/enabled = false/' "$NOSEARCH/config.toml"
grep -q '^enabled = false$' "$NOSEARCH/config.toml" || die "could not turn search off in $NOSEARCH/config.toml"

# 2. Build it BUILD_RUNS times (from $TMP, so the theme built into the binary
# is used), each time followed by a build of the site without search.
build_ms=() load_ms=() render_ms=() index_ms=() write_ms=() nosearch_ms=() summary=""
# "index 980 ms" or "index 1.76 s" in the build summary → 980 / 1760
stage_ms() {
  local v
  v=$(sed -nE "s/.*[(, ]$1 ([0-9.]+) (ms|s)\b.*/\1 \2/p" <<<"$summary")
  [ -n "$v" ] || die "no '$1 N ms' in the build summary: $summary"
  awk '{print ($2=="s") ? $1*1000 : $1}' <<<"$v"
}
for i in $(seq "$BUILD_RUNS"); do
  t0=$(now_ms)
  if ! (cd "$TMP" && "$GR" build "$SITE" 2>"$TMP/build.err" >/dev/null); then
    cat "$TMP/build.err" >&2
    die "grassroots build of the Rust book failed (message above)"
  fi
  build_ms+=($(( $(now_ms) - t0 )))
  summary=$(grep -E '^built ' "$TMP/build.err" | tail -1)
  load_ms+=($(stage_ms load)) render_ms+=($(stage_ms render))
  index_ms+=($(stage_ms index)) write_ms+=($(stage_ms write))
  say "bench: grassroots build $i/$BUILD_RUNS: ${build_ms[-1]} ms ($summary)"
  t0=$(now_ms)
  (cd "$TMP" && "$GR" build "$NOSEARCH" 2>"$TMP/build.err" >/dev/null) || { cat "$TMP/build.err" >&2; die "build without search failed"; }
  nosearch_ms+=($(( $(now_ms) - t0 )))
done
[ -d "$PUBLIC/search" ] || die "the build wrote no search index ($PUBLIC/search)"
client_js=$(ls "$PUBLIC"/assets/search.*.js 2>/dev/null | head -1)
[ -n "$client_js" ] || die "no search client script ($PUBLIC/assets/search.*.js)"

# 3. grassroots search: the node CLI, one cold process per query. The CLI is run
# next to the client script this build shipped (assets/search.*.js), so the
# index and the client always match, whatever state search-index/client is in.
mkdir "$TMP/cli"
cp "$REPO_DIR/search-index/client/cli.mjs" "$TMP/cli/cli.mjs"
cp "$client_js" "$TMP/cli/search.js"
say "bench: grassroots queries ..."
node "$BENCH_DIR/lib/eval_grassroots.mjs" "$TMP/cli/cli.mjs" "$PUBLIC" "$QUERIES" "$TMP/grassroots.json"

# 4. Pagefind on the same pages: the home page and the chapters of both
# languages (not the print pages or 404s, which grassroots does not index
# either), content = <main> (the sidebar and header are outside it).
PF_SUB=pagefind-index
PF_GLOB='{index.html,en/index.html,**/{ch,appendix}*/index.html,**/{foreword,title-page}/index.html}'
PAGEFIND="$BENCH_DIR/node_modules/.bin/pagefind"
pf_ms=()
for i in $(seq "$RUNS"); do
  rm -rf "${PUBLIC:?}/$PF_SUB"
  t0=$(now_ms)
  "$PAGEFIND" --site "$PUBLIC" --output-subdir "$PF_SUB" --root-selector main --glob "$PF_GLOB" >"$TMP/pagefind.log" 2>&1 ||
    { cat "$TMP/pagefind.log" >&2; die "pagefind failed (log above)"; }
  pf_ms+=($(( $(now_ms) - t0 )))
  say "bench: pagefind run $i/$RUNS: ${pf_ms[-1]} ms"
done
pf_version=$(sed -nE 's/.*Running Pagefind (v[0-9.]+ \([A-Za-z]+\)).*/\1/p' "$TMP/pagefind.log" | head -1)
pf_pages=$(sed -nE 's/.*Indexed ([0-9]+) pages.*/\1/p' "$TMP/pagefind.log" | head -1)
pf_langs=$(sed -nE 's/.*Discovered [0-9]+ languages?: (.*)/\1/p' "$TMP/pagefind.log" | head -1)

# 5. Pagefind queries in headless Chromium, served by python3 -m http.server.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$PUBLIC" >"$TMP/http.log" 2>&1 &
HTTP_PID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
say "bench: Pagefind queries in Chromium ..."
CHROMIUM="$CHROMIUM" node "$BENCH_DIR/lib/eval_pagefind.mjs" "http://127.0.0.1:$PORT" "$PUBLIC" "$PF_SUB" "$QUERIES" "$TMP/pagefind.json"
kill "$HTTP_PID" 2>/dev/null || true; wait "$HTTP_PID" 2>/dev/null || true; HTTP_PID=""

# 6. Sizes and the report.
pf_ui_bytes=$(find "$PUBLIC/$PF_SUB" -maxdepth 1 -type f \( -name '*ui*' -o -name 'pagefind-highlight.js' \) -printf '%s\n' | awk '{s+=$1} END {print s+0}')
pf_ui_files=$(find "$PUBLIC/$PF_SUB" -maxdepth 1 -type f \( -name '*ui*' -o -name 'pagefind-highlight.js' \) | wc -l | tr -d ' ')
mkdir -p "$BENCH_DIR/results"
cat >"$TMP/meta.json" <<EOF
{
  "date": "$(date -u +%Y-%m-%dT%H:%MZ)",
  "revision": "$revision",
  "cpus": $(nproc),
  "node": "$(node --version)",
  "chromium": "$("$CHROMIUM" --version 2>/dev/null | head -1 | sed 's/"//g')",
  "pagefind": "${pf_version:-?}",
  "pagefind_pages": "${pf_pages:-?}",
  "pagefind_langs": "${pf_langs:-?}",
  "runs": $RUNS,
  "tmp_fs": "$(stat -f -c %T "$TMP") ($TMP)",
  "build_runs": $BUILD_RUNS,
  "load": "$load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end",
  "summary": "$(sed 's/"/\\"/g' <<<"$summary")",
  "build_ms": [$(IFS=,; echo "${build_ms[*]}")],
  "load_ms": [$(IFS=,; echo "${load_ms[*]}")],
  "render_ms": [$(IFS=,; echo "${render_ms[*]}")],
  "index_ms": [$(IFS=,; echo "${index_ms[*]}")],
  "write_ms": [$(IFS=,; echo "${write_ms[*]}")],
  "nosearch_ms": [$(IFS=,; echo "${nosearch_ms[*]}")],
  "pagefind_ms": [$(IFS=,; echo "${pf_ms[*]}")],
  "gr_index_bytes": $(tree_bytes "$PUBLIC/search"),
  "gr_index_files": $(tree_files "$PUBLIC/search"),
  "gr_client_name": "assets/$(basename "$client_js")",
  "gr_client_bytes": $(stat -c %s "$client_js"),
  "pf_bytes": $(tree_bytes "$PUBLIC/$PF_SUB"),
  "pf_files": $(tree_files "$PUBLIC/$PF_SUB"),
  "pf_ui_bytes": $pf_ui_bytes,
  "pf_ui_files": $pf_ui_files,
  "queries": "$QUERIES"
}
EOF
node "$BENCH_DIR/lib/report_search.mjs" "$TMP/meta.json" "$TMP/grassroots.json" "$TMP/pagefind.json" >"$BENCH_DIR/results/search.md"
cat "$BENCH_DIR/results/search.md"
say "bench: wrote $BENCH_DIR/results/search.md"
