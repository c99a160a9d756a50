#!/usr/bin/env bash
# Outbound delivery rate alone, Herald against Postfix signing with OpenDKIM: both first take N
# messages into their queue with delivery held, then let them go at once; the figure is
# N / (release → the sink counting the N-th message). This isolates the outbound engine from the
# intake (Herald takes TLS + AUTH submission, Postfix plaintext port 25, which bench/outbound.sh's
# end-to-end figure mixes in). Side by side in one run, several rounds.
#   Herald:  policy hold.for_approval=true while the load is submitted, then `herald queue approve`.
#   Postfix: defer_transports=smtp while smtp-source submits, then defer_transports= , reload, postqueue -f.
#   usage: bench/outbound-drain.sh [MESSAGES] [SESSIONS] [SIZE] [ROUNDS]   defaults: 10000 20 4096 2 (MESSAGES ≤ 10000)
# Loopback only; root (Postfix's defer_transports is set and cleared). Run ../shared/bench/setup_anchors.sh and setup_postfix_dkim.sh first for the
# signing anchor. HERALD_SERVE_OPTS: JVM options for the server (e.g. a JFR recording); HERALD_ONLY=1
# skips Postfix (for profiling).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
anchors="$here/../shared/bench"
n="${1:-10000}"; sessions="${2:-20}"; size="${3:-4096}"; rounds="${4:-2}"
http=18738; sub=18475; dnsport=18063; sink=2526
work="$(mktemp -d)"
cleanup() {
  postconf -e 'defer_transports =' >/dev/null 2>&1 && postfix reload >/dev/null 2>&1 || true
  kill -TERM "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true
  kill "${dnspid:-0}" "${sinkpid:-0}" 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

pgrep -x master >/dev/null || bash "$anchors/setup_anchors.sh" >&2
postconf -n | grep -q smtpd_milters || echo "note: Postfix does not sign (run ../shared/bench/setup_postfix_dkim.sh for the fair anchor)" >&2
source "$here/bench/outbound-lib.sh"
start_dns
start_herald "${HERALD_SERVE_OPTS:-}"

sink_count() { tail -c 200 "$work/sink.log" | tr '\r' '\n' | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -1; }
start_sink() {
  smtp-sink -c -u nobody 127.0.0.1:"$sink" 1024 > "$work/sink.log" 2>&1 &
  sinkpid=$!
  sleep 0.3
}
stop_sink() { kill "$sinkpid" 2>/dev/null || true; wait "$sinkpid" 2>/dev/null || true; }
wait_sink() { # until the sink counted $1 transactions (10 minutes at most)
  local deadline=$(( $(date +%s) + 600 ))
  while { [ -z "$(sink_count)" ] || [ "$(sink_count)" -lt "$1" ]; } && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
}
expected=$n
rate() { awk -v l="$1" -v n="$n" -v a="$2" -v b="$3" 'BEGIN{printf "%s\tdrain_s=%.2f\tdelivered_msgs_per_s=%.0f\n", l, b-a, n/(b-a)}'; }

herald_round() {
  hcli policy set hold.for_approval=true >/dev/null
  "$here/herald" bench smtp --port "$sub" --user load@bench.test --password "$pass" --to "rcpt@sink.test" \
     --sessions "$sessions" --messages "$n" --size "$size" --json >/dev/null
  # Every message is in the queue, held (accepted = fsync'ed; local delivery files them into the queue
  # a moment later, and must still find the hold on when it does).
  local deadline=$(( $(date +%s) + 120 ))
  until [ "$(curl -fs -H "Authorization: Bearer $(cat "$work/data/admin.key")" "http://127.0.0.1:$http/v1/queue?tenant=bench&state=held&limit=10000" \
      | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))' 2>/dev/null || echo 0)" -ge "$n" ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.2; done
  hcli policy set hold.for_approval=false >/dev/null
  start_sink
  local t0 t1
  t0=$(date +%s.%N)
  hcli queue approve --tenant bench --state held --limit "$n" >/dev/null # counted in: delivery starts while it runs
  wait_sink "$expected"
  t1=$(date +%s.%N)
  stop_sink
  rate herald "$t0" "$t1"
}

postfix_round() {
  postconf -e 'defer_transports = smtp' >/dev/null && postfix reload >/dev/null 2>&1
  TIMEOUT=600 "$anchors/smtp_load.sh" 127.0.0.1 25 "$sessions" "$n" "$size" 1 >/dev/null
  local deadline=$(( $(date +%s) + 120 ))
  until [ "$(find /var/spool/postfix/deferred /var/spool/postfix/active /var/spool/postfix/incoming -type f | wc -l)" -ge "$n" ] \
      || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.2; done
  start_sink
  local t0 t1
  t0=$(date +%s.%N)
  postconf -e 'defer_transports =' >/dev/null && postfix reload >/dev/null 2>&1 && postqueue -f
  wait_sink "$expected"
  t1=$(date +%s.%N)
  stop_sink
  rate postfix "$t0" "$t1"
}

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(dpkg-query -W -f='postfix ${Version}' postfix); $n x $size B"
echo "warm-up (not counted)"; n_real=$n; n=2000; expected=$n; herald_round >/dev/null; n=$n_real; expected=$n
for r in $(seq 1 "$rounds"); do
  echo "== round $r"
  herald_round
  [ -n "${HERALD_ONLY:-}" ] || postfix_round # HERALD_ONLY=1: a profiling run, no figure to record
done
