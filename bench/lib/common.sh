# Shared helpers for bench/*.sh (sourced, not run).

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

say() { printf '%s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# apt_install PKG...: installs Debian packages, or dies saying what to do.
apt_install() {
  command -v apt-get >/dev/null || die "missing $*; install it (no apt-get here)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "bench: installing $* with apt-get ..."
  $sudo apt-get install -y "$@" >&2 || { $sudo apt-get update >&2 && $sudo apt-get install -y "$@" >&2; } ||
    die "apt-get install $* failed; install it by hand"
}

need_cmd() { # need_cmd CMD [APT_PACKAGE]
  command -v "$1" >/dev/null 2>&1 && return 0
  apt_install "${2:-$1}"
  command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing ${2:-$1}"
}

# now_ms: wall clock in milliseconds.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# tree_bytes DIR: total size of the files below DIR, in bytes; tree_files DIR: their number.
tree_bytes() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
tree_files() { find "$1" -type f | wc -l | tr -d ' '; }

# grassroots_binary DEST: builds the release binary (unless $GRASSROOTS names one)
# and copies it to DEST, so that a concurrent `cargo build` cannot swap it mid-run.
grassroots_binary() {
  local dest=$1 src
  if [ -n "${GRASSROOTS:-}" ]; then
    src=$GRASSROOTS
    [ -x "$src" ] || die "GRASSROOTS=$src is not an executable"
  else
    need_cmd cargo
    say "bench: cargo build --release (in $REPO_DIR) ..."
    (cd "$REPO_DIR" && cargo build --release --quiet >&2) ||
      die "cargo build --release failed (see above). Fix the build, or set GRASSROOTS=/path/to/grassroots to benchmark a given binary."
    src=$REPO_DIR/target/release/grassroots
  fi
  cp "$src" "$dest"
}

# The revision measured: commit, plus "+dirty" when the working tree has changes.
repo_revision() {
  local rev
  rev=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git -C "$REPO_DIR" status --porcelain --untracked-files=no 2>/dev/null)" ]; then rev="$rev+dirty"; fi
  echo "$rev"
}

# npm_deps: bench/node_modules from bench/package-lock.json.
npm_deps() {
  need_cmd node nodejs
  need_cmd npm
  if [ ! -e "$BENCH_DIR/node_modules/pagefind/package.json" ] || [ ! -e "$BENCH_DIR/node_modules/playwright-core/package.json" ]; then
    say "bench: npm ci in $BENCH_DIR ..."
    (cd "$BENCH_DIR" && npm ci --no-audit --no-fund >&2) || die "npm ci failed in $BENCH_DIR"
  fi
}

# bench_setup NAME: a temporary folder $TMP (removed on exit unless KEEP=1),
# the release binary at $GR and the revision it was built from in $revision.
# A script that starts servers defines bench_before_cleanup to stop them.
bench_setup() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-$1.XXXXXX")
  trap _bench_cleanup EXIT
  trap 'exit 130' INT TERM
  grassroots_binary "$TMP/grassroots"
  revision=$(repo_revision)  # of the tree the binary was built from
  GR="$TMP/grassroots"
}

_bench_cleanup() {
  if declare -F bench_before_cleanup >/dev/null; then bench_before_cleanup; fi
  if [ "${KEEP:-0}" = 1 ]; then say "bench: kept $TMP"; else rm -rf "$TMP"; fi
}
