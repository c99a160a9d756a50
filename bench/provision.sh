#!/usr/bin/env bash
# Provisioning benchmark: a fresh Herald on loopback, then `herald bench provision` creates
# MAILBOXES mailboxes through the HTTP API three times: first on a cold JVM, then twice warm.
# Prints both rates, the server's CPU time per run, and the data directory's size.
#   usage: bench/provision.sh [MAILBOXES] [CONCURRENCY]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10000}"
c="${2:-16}"
port=18725
work="$(mktemp -d)"
trap 'kill -INT "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

"$here/herald" --version >/dev/null   # builds the jar if needed, outside the measurement
(cd "$work" && exec "$here/herald" serve --data "$work/data" --http-port "$port" >"$work/serve.log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
jpid=$(pgrep -f "herald.jar serve --data $work/data" | head -1)

cpu() { awk '{print $14 + $15}' "/proc/$jpid/stat"; }   # utime + stime, clock ticks
tick=$(getconf CLK_TCK)
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
for run in cold warm1 warm2; do
  c0=$(cpu)
  "$here/herald" bench provision --mailboxes "$n" --concurrency "$c" --url "http://127.0.0.1:$port" --data "$work/data" \
    | sed "s/^/$run: /"
  c1=$(cpu)
  echo "$run: server cpu seconds: $(awk -v a="$c0" -v b="$c1" -v t="$tick" 'BEGIN{printf "%.2f", (b-a)/t}')"
done
echo "data directory after $((3 * n)) mailboxes: $(du -sh "$work/data" | cut -f1) ($(du -sb "$work/data" | cut -f1) bytes)"
