#!/usr/bin/env bash
# Issue 6's benchmark: build time and memory, grassroots vs Hugo, on generated
# bilingual sites of N pages per language.
#   bash bench/build.sh            # N = 1000 and 10000
#   bash bench/build.sh 1000 3000  # any N list
# Prints a Markdown report and writes it to bench/results/build.md (default N
# list) or bench/results/build-N1-N2....md.
# Environment: GRASSROOTS=/path/to/binary skips `cargo build --release`;
# RUNS=3 runs per tool and N, alternating grassroots/Hugo (median reported);
# LONG_S=240: at N >= 10000, if the first grassroots+Hugo pair took longer than
# this many seconds, the remaining runs are skipped (the report says so);
# KEEP=1 keeps the temp dir.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

GEN=${GEN:-/work/shared/bench/gen_corpus.py}
RUNS=${RUNS:-3}
LONG_S=${LONG_S:-240}
[ $# -gt 0 ] && NS=("$@") || NS=(1000 10000)
for n in "${NS[@]}"; do [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || die "N must be a positive integer, got '$n'"; done
[ -f "$GEN" ] || die "corpus generator not found: $GEN"

need_cmd python3 python3
need_cmd git
need_cmd hugo hugo
[ -x /usr/bin/time ] || apt_install time
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt-get install time)"

bench_setup build
hugo_version=$(hugo version | head -1)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# measure OUT.tsv LABEL CMD...: runs CMD under /usr/bin/time -v and appends
# "label wall_s cpu_s rss_kib status" to OUT.tsv; CMD's stderr goes to $TMP/last.err.
measure() {
  local out=$1 label=$2; shift 2
  local status=0
  /usr/bin/time -v -o "$TMP/time.txt" "$@" >/dev/null 2>"$TMP/last.err" || status=$?
  awk -v label="$label" -v status="$status" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = (n == 3) ? p[1]*3600 + p[2]*60 + p[3] : p[1]*60 + p[2] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { rss = $2 }
    END { printf "%s\t%.2f\t%.2f\t%d\t%d\n", label, wall, u + s, rss, status }' "$TMP/time.txt" >>"$out"
  return $status
}

RAW="$TMP/raw.tsv"   # n, tool, run, wall_s, cpu_s, rss_kib, status
NOTES="$TMP/notes.md"
: >"$RAW"; : >"$NOTES"
grassroots_config='title = "主题教育 benchmark"
default_language = "zh"
base_url = "https://example.org"

[search]
enabled = true

[languages.en]
title = "Thematic education benchmark"
'
for n in "${NS[@]}"; do
  dir="$TMP/n$n"
  say "bench: generating N=$n ..."
  python3 "$GEN" --n "$n" --out "$dir" --layouts zola,hugo >&2
  # The zola/ layout is ours, but its config has Zola-only keys and its
  # templates/ are Zola's: use a grassroots config and the built-in theme.
  printf '%s' "$grassroots_config" >"$dir/zola/config.toml"
  rm -rf "$dir/zola/templates"
  runs=$RUNS
  r=1
  while [ "$r" -le "$runs" ]; do
    rm -rf "$dir/zola/public" "$dir/hugo/public" "$dir/hugo/resources" "$dir/hugocache"
    say "bench: N=$n run $r/$runs: grassroots ..."
    if measure "$TMP/run.tsv" gr "$GR" build "$dir/zola"; then
      summary=$(grep -E '^built ' "$TMP/last.err" | tail -1)
      say "bench:   $summary"
      printf '%s\n' "$summary" >"$TMP/summary-$n.txt"
      du -sb "$dir/zola/public" | cut -f1 >"$TMP/out-gr-$n.txt"
      find "$dir/zola/public" -name '*.html' | wc -l >"$TMP/html-gr-$n.txt"
    else
      say "bench: grassroots build failed at N=$n:"
      cat "$TMP/last.err" >&2
      {
        echo "**grassroots build FAILED at N=$n** (exit status $(tail -1 "$TMP/run.tsv" | cut -f5)); its output:"
        echo
        echo '```'
        head -c 4000 "$TMP/last.err"
        echo '```'
        echo
      } >>"$NOTES"
    fi
    tail -1 "$TMP/run.tsv" | awk -v n="$n" -v r="$r" -F'\t' -v OFS='\t' '{print n, "grassroots", r, $2, $3, $4, $5}' >>"$RAW"
    say "bench: N=$n run $r/$runs: hugo ..."
    if ! measure "$TMP/run.tsv" hugo hugo --source "$dir/hugo" --destination "$dir/hugo/public" --quiet --ignoreCache --cacheDir "$dir/hugocache"; then
      say "bench: hugo failed at N=$n:"; cat "$TMP/last.err" >&2
      { echo "**Hugo build FAILED at N=$n**:"; echo; echo '```'; head -c 4000 "$TMP/last.err"; echo '```'; echo; } >>"$NOTES"
    else
      du -sb "$dir/hugo/public" | cut -f1 >"$TMP/out-hugo-$n.txt"
      find "$dir/hugo/public" -name '*.html' | wc -l >"$TMP/html-hugo-$n.txt"
    fi
    tail -1 "$TMP/run.tsv" | awk -v n="$n" -v r="$r" -F'\t' -v OFS='\t' '{print n, "hugo", r, $2, $3, $4, $5}' >>"$RAW"
    if [ "$r" -eq 1 ] && [ "$n" -ge 10000 ] && [ "$runs" -gt 1 ]; then
      pair=$(awk -F'\t' -v n="$n" '$1 == n && $3 == 1 {s += $4} END {printf "%d", s}' "$RAW")
      if [ "$pair" -gt "$LONG_S" ]; then
        echo "- N=$n: the first grassroots+Hugo pair took ${pair} s (> LONG_S=${LONG_S} s), so N=$n has 1 run per tool instead of $runs." >>"$NOTES"
        runs=1
      fi
    fi
    r=$((r + 1))
  done
  rm -rf "$dir"
done

mkdir -p "$BENCH_DIR/results"
if [ "${NS[*]}" = "1000 10000" ]; then report="$BENCH_DIR/results/build.md"; else report="$BENCH_DIR/results/build-$(IFS=-; echo "${NS[*]}").md"; fi
{
  echo "# Build benchmark: grassroots vs Hugo (generated bilingual sites)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ) · grassroots $revision · ${hugo_version%% *} $(sed -E 's/^hugo (v[^ ]+).*/\1/' <<<"$hugo_version") · $(nproc) CPUs · generator \`$GEN --n N --layouts zola,hugo\` · /usr/bin/time -v, runs alternate grassroots/Hugo, medians"
  echo
  python3 "$BENCH_DIR/lib/report_build.py" "$RAW" "$TMP"
  echo
  echo "Notes:"
  echo
  echo "- Load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg). Other processes on this $(nproc)-CPU machine compete for it: wall times above CPU ÷ $(nproc) show waiting."
  echo "- **Hugo builds no search index**; grassroots' times include its zh + en search index (the \"index\" stage in its summary line below) and its print pages."
  echo "- grassroots: the generator's zola/ folder with a grassroots config.toml (title, default_language = zh, base_url, [search] enabled, [languages.en] title) and without its Zola templates/, so the built-in default theme is used. Hugo: the generator's hugo/ folder and minimal layouts, \`hugo --quiet --ignoreCache\`. Each run starts from an empty public/ (and an empty Hugo cache dir)."
  echo "- CPU = user + sys seconds. MiB / 1,000 pages = peak RSS ÷ (2 × N / 1,000): pages of both languages count, sections do not."
  for n in "${NS[@]}"; do
    [ -f "$TMP/summary-$n.txt" ] && echo "- grassroots summary, N=$n (last run): \`$(cat "$TMP/summary-$n.txt")\`"
  done
  cat "$NOTES"
} >"$report"
cat "$report"
say "bench: wrote $report"
