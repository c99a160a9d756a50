#!/usr/bin/env bash
# Outbound delivery rate, Herald against Postfix, to the same local sink (Postfix's smtp-sink on
# 127.0.0.1:2526), side by side in one run. Herald DKIM-signs every message (its sending domain's
# active selector); Postfix relays unsigned. Figure: end-to-end messages/s = N / (first submission ..
# the sink counting the N-th message).
#   usage: bench/outbound.sh [MESSAGES] [SESSIONS] [SIZE] [ROUNDS]     defaults: 20000 20 4096 2
# Postfix: ../shared/bench/smtp_e2e.sh relay (smtp-source → Postfix :25 → relay for sink.test → sink).
# Herald: `herald bench smtp` with AUTH on submission (smtp-source cannot authenticate) → queue →
# outbound via MX lookup (dnsmasq on loopback serves sink.test's MX) → sink. Loopback only; root.
# HERALD_SERVE_OPTS: JVM options for the server only (e.g. a JFR recording).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
anchors="$here/../shared/bench"
n="${1:-20000}"; sessions="${2:-20}"; size="${3:-4096}"; rounds="${4:-2}"
http=18728; sub=18465; dnsport=18053; sink=2526
work="$(mktemp -d)"
cleanup() { kill -TERM "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true; kill "${dnspid:-0}" "${sinkpid:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

pgrep -x master >/dev/null || bash "$anchors/setup_anchors.sh" >&2
dnsmasq --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null --listen-address=127.0.0.1 --bind-interfaces \
  --port="$dnsport" --user=root --local=/sink.test/ --mx-host=sink.test,mx.sink.test,10 --host-record=mx.sink.test,127.0.0.1 \
  >"$work/dnsmasq.log" 2>&1 &
dnspid=$!
"$here/herald" --version >/dev/null
(cd "$work" && HERALD_JAVA_OPTS="${HERALD_SERVE_OPTS:-}" exec "$here/herald" serve --data "$work/data" --http-port "$http" --set smtp.mx.port=0 --set smtp.submission.port=0 \
   --set smtp.submissions.port="$sub" --set imap.port=0 --set imaps.port=0 --set dns.resolver="127.0.0.1:$dnsport" \
   --set outbound.port="$sink" --set outbound.allow_private_mx=true --set outbound.workers=8 >"$work/serve.log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
hcli() { "$here/herald" "$@" --url "http://127.0.0.1:$http" --data "$work/data"; }
hcli tenant create bench >/dev/null
# The load comes from one mailbox of a brand-new domain to one recipient domain: lift the send
# budgets (by default 100 remote recipients an hour), warm-up (50 on day 1) and recipient-domain
# pacing (50/min), which would otherwise be what is measured.
hcli policy set mailbox.hourly_limit=unlimited mailbox.daily_limit=unlimited tenant.daily_limit=unlimited \
  tenant.monthly_limit=unlimited warmup.enabled=false recipient_domain.per_minute=unlimited >/dev/null
hcli domain add bench.test --tenant bench >/dev/null
pass=$(hcli mailbox create load@bench.test --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["credentials"]["password"])')

sink_count() { tail -c 200 "$work/sink.log" | tr '\r' '\n' | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -1; }
herald_round() {
  smtp-sink -c -u nobody 127.0.0.1:"$sink" 1024 > "$work/sink.log" 2>&1 &
  sinkpid=$!
  sleep 0.3
  local t0 t1
  t0=$(date +%s.%N)
  "$here/herald" bench smtp --port "$sub" --user load@bench.test --password "$pass" --to "rcpt@sink.test" \
     --sessions "$sessions" --messages "$n" --size "$size" --json | tr -d '\n ' ; echo
  while [ "$(sink_count)" != "" ] && [ "$(sink_count)" -lt "$n" ] || [ -z "$(sink_count)" ]; do sleep 0.1; done
  t1=$(date +%s.%N)
  kill "$sinkpid" 2>/dev/null || true; wait "$sinkpid" 2>/dev/null || true
  awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN{printf "herald\te2e_s=%.2f\te2e_msgs_per_s=%.0f\n", b-a, n/(b-a)}'
}
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(dpkg-query -W -f='postfix ${Version}' postfix)"
echo "warm-up (not counted)"; n_real=$n; n=2000; herald_round >/dev/null; n=$n_real
for r in $(seq 1 "$rounds"); do
  echo "== round $r"
  herald_round
  SINK_PORT="$sink" TIMEOUT=600 LABEL=postfix "$anchors/smtp_e2e.sh" relay 127.0.0.1 25 "$sessions" "$n" "$size" 1 | tail -1 | cut -f1,5,6
done
