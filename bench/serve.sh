#!/usr/bin/env bash
# Dev-server benchmark: `grassroots serve` vs `hugo server` on the same
# generated bilingual site (N pages per language, default 10000).
#   bash bench/serve.sh          # N = 10000
#   bash bench/serve.sh 1000     # quick run
# Per server: edit -> page served latency (body edits, title edits), RSS growth
# over 100 edits, 200 connections of load (wrk) while a page is edited every
# second. Prints a Markdown report and writes it to bench/results/serve.md
# (N=10000) or bench/results/serve-N.md.
# Environment: GRASSROOTS=/path/to/binary skips `cargo build --release`;
# BODY_EDITS=10 TITLE_EDITS=5 MEM_EDITS=100 LOAD_S=15 LOAD_CONNS=200;
# PHASE_MAX_S=300: the title edits and the memory loop start no new edit after
# this many seconds (the report says how many were done); EDIT_TIMEOUT_S=600:
# an edit not visible by then counts as not picked up; START_TIMEOUT_S=1200 for
# a server's first build; KEEP=1 keeps the temp dir.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

GEN=${GEN:-/work/shared/bench/gen_corpus.py}
N=${1:-10000}
START_TIMEOUT_S=${START_TIMEOUT_S:-1200}
export PHASE_MAX_S=${PHASE_MAX_S:-300}
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 100 ] || die "N must be an integer >= 100, got '$N'"
[ -f "$GEN" ] || die "corpus generator not found: $GEN"

need_cmd python3 python3
need_cmd git
need_cmd curl curl
need_cmd hugo hugo
need_cmd wrk wrk

SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  local i
  for i in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
bench_before_cleanup() { stop_server; }
bench_setup serve
hugo_version=$(hugo version | head -1)
wrk_version=$(wrk -v 2>&1 | head -1 | awk '{print $1, $2}' || true)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)
t_start=$(now_ms)

say "bench: generating N=$N ..."
python3 "$GEN" --n "$N" --out "$TMP/site" --layouts zola,hugo >&2
printf 'title = "主题教育 benchmark"\ndefault_language = "zh"\n[languages.en]\ntitle = "Thematic education benchmark"\n' >"$TMP/site/zola/config.toml"
rm -rf "$TMP/site/zola/templates"

# The pages edited: zh pages in sub-sections (depth 2), spread over the site,
# the same in both layouts. 10 body + 5 title + 1 load page (+ spares).
(cd "$TMP/site/zola/content" && find . -mindepth 3 -name 'p*.md' ! -name '*.en.md' | sed 's#^\./##' | sort) >"$TMP/all-pages.txt"
total=$(wc -l <"$TMP/all-pages.txt")
[ "$total" -ge 20 ] || die "only $total sub-section pages generated"
awk -v t="$total" 'BEGIN { srand(1) } { a[NR] = $0 } END { for (i = 0; i < 20; i++) print a[int((i + 0.5) * t / 20) + 1] }' "$TMP/all-pages.txt" >"$TMP/pages.txt"
while read -r p; do
  [ -f "$TMP/site/hugo/content/$p" ] || die "page $p missing in the hugo layout"
done <"$TMP/pages.txt"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# run_server NAME: starts the server for NAME, waits for its home page, measures.
run_server() {
  local name=$1 port log t0 i
  port=$(free_port)
  log="$TMP/$name.log"
  say "bench: starting $name on port $port ..."
  t0=$(now_ms)
  if [ "$name" = grassroots ]; then
    # From $TMP, so the theme built into the binary is used.
    (cd "$TMP" && exec "$GR" serve "$TMP/site/zola" --port "$port" --bind 127.0.0.1) >"$log" 2>&1 &
  else
    hugo server --source "$TMP/site/hugo" --port "$port" --bind 127.0.0.1 --disableLiveReload=false \
      --cacheDir "$TMP/hugocache" >"$log" 2>&1 &
  fi
  SERVER_PID=$!
  i=0
  until curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$port/"; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; die "$name exited before serving (log above)"; }
    i=$((i + 1))
    [ "$i" -le $((START_TIMEOUT_S * 4)) ] || { tail -20 "$log" >&2; die "$name not serving after ${START_TIMEOUT_S} s"; }
    sleep 0.25
  done
  echo $(( $(now_ms) - t0 )) >"$TMP/$name.start_ms"
  say "bench: $name serving after $(cat "$TMP/$name.start_ms") ms; measuring ..."
  python3 "$BENCH_DIR/lib/serve_measure.py" --name "$name" --base "http://127.0.0.1:$port" \
    --content "$TMP/site/$([ "$name" = grassroots ] && echo zola || echo hugo)/content" \
    --pid "$SERVER_PID" --log "$log" --pages "$TMP/pages.txt" --out "$TMP/$name.json" ||
    { tail -20 "$log" >&2; die "measuring $name failed"; }
  stop_server
}

run_server grassroots
run_server hugo

mkdir -p "$BENCH_DIR/results"
if [ "$N" = 10000 ]; then report="$BENCH_DIR/results/serve.md"; else report="$BENCH_DIR/results/serve-$N.md"; fi
{
  echo "# Dev-server benchmark: \`grassroots serve\` vs \`hugo server\` (N=$N pages per language)"
  echo
  echo "$started · \`bash bench/serve.sh $N\` · grassroots $revision · ${hugo_version%% *} $(sed -E 's/^hugo (v[^ ]+).*/\1/' <<<"$hugo_version") · $wrk_version · $(nproc) CPUs · load average (1, 5, 15 min) at the start: $load_start, at the end: $(cut -d' ' -f1-3 /proc/loadavg) · run took $(( ($(now_ms) - t_start) / 60000 )) min"
  echo
  python3 "$BENCH_DIR/lib/serve_report.py" "$TMP" "$N"
} >"$report"
cat "$report"
say "bench: wrote $report"
