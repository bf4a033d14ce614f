#!/usr/bin/env bash
# One HTTP load run as docs/performance.md describes it: a fresh ledger in a
# temporary directory, `tiezheng serve` on a free port of 127.0.0.1, `loadgen`
# sending N pre-signed statements over K connections, and the server's CPU
# time per append read from /proc (Linux only).
#
#   scripts/http-load.sh [N] [K]        # defaults: 100000 64
#
# Builds the release binaries first. Run it on an otherwise idle machine and
# compare changes only in alternating runs (docs/performance.md says why).
set -euo pipefail
N=${1:-100000}
K=${2:-64}
cd "$(dirname "$0")/.."
cargo build --release --bins --quiet
BIN=target/release
DIR=$(mktemp -d)
SP=
cleanup() {
    if [ -n "$SP" ]; then
        kill -INT "$SP" 2>/dev/null || true
        wait "$SP" 2>/dev/null || true
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT

"$BIN/tiezheng" keygen "$DIR/root.key" >/dev/null
"$BIN/tiezheng" serve --addr 127.0.0.1:0 --data "$DIR/data" >"$DIR/serve.log" 2>&1 &
SP=$!
URL=
for _ in $(seq 100); do
    URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$DIR/serve.log" | head -n 1 || true)
    [ -n "$URL" ] && break
    sleep 0.1
done
if [ -z "$URL" ]; then
    echo "the server did not start:" >&2
    cat "$DIR/serve.log" >&2
    exit 1
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SP/stat"; }
before=$(cpu_ticks)
"$BIN/loadgen" --url "$URL" --root-key "$DIR/root.key" -n "$N" -k "$K"
after=$(cpu_ticks)
echo "server CPU per append: $(((after - before) * 1000000 / $(getconf CLK_TCK) / N)) µs (user + system, /proc/$SP/stat)"
