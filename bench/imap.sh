#!/usr/bin/env bash
# IMAP side by side: Herald against Dovecot (Maildir) in one run, same mailbox contents:
#   1. both mailboxes filled with the same MESSAGES generated messages (gen_mail.py, seed 7) over IMAP;
#   2. ROUNDS alternating rounds of `herald bench imap` (C clients, SECS seconds) against each;
#   3. one round of the shared ../shared/bench/imap_load.py against each (a second, neutral generator);
#   4. THREAD REFERENCES over the whole mailbox, timed on each (best of 5);
#   5. IDLE_CONNS connections idling in IDLE on Herald, on a mailbox of 10 messages and then on the
#      10,000-message one, and Herald's heap after a full GC while they are open.
#   usage: bench/imap.sh [MESSAGES] [CLIENTS] [SECS] [ROUNDS] [IDLE_CONNS]    defaults: 10000 10 20 2 10000
# Herald runs with imap.plaintext_login=true (the generators log in without TLS, as against the anchor
# Dovecot). Loopback only; run as root (anchors, file-descriptor limit).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
anchors="$here/../shared/bench"
n="${1:-10000}"; clients="${2:-10}"; secs="${3:-20}"; rounds="${4:-2}"; idle="${5:-10000}"
http=18727; imap=18143
work="$(mktemp -d)"
trap 'kill -INT "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # 10,000 connections need that many descriptors on each side

pgrep -x dovecot >/dev/null || bash "$anchors/setup_anchors.sh" >&2
"$here/herald" --version >/dev/null
(cd "$work" && HERALD_JAVA_OPTS="-Xmx2g" exec "$here/herald" serve --data "$work/data" --http-port "$http" --set imap.port="$imap" \
   --set imaps.port=0 --set smtp.mx.port=0 --set smtp.submission.port=0 --set smtp.submissions.port=0 \
   --set imap.plaintext_login=true --set imap.max_sessions_per_account=100000 >"$work/serve.log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
jpid=$(pgrep -f "herald.jar serve --data $work/data" | head -1)
hcli() { "$here/herald" "$@" --url "http://127.0.0.1:$http" --data "$work/data"; }
hcli tenant create bench >/dev/null
hcli domain add bench.test --tenant bench >/dev/null
pass=$(hcli mailbox create load@bench.test --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["credentials"]["password"])')
ipass=$(hcli mailbox create idle@bench.test --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["credentials"]["password"])')

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(dpkg-query -W -f='dovecot ${Version}' dovecot-imapd)"
echo "== fill: $n messages each"
echo "herald:  $(python3 "$here/bench/fill_imap.py" 127.0.0.1 "$imap" load@bench.test "$pass" "$n")"
dcount=$(python3 -c 'import imaplib; m=imaplib.IMAP4("127.0.0.1",143); m.login("load20","agentpass"); print(m.select("INBOX")[1][0].decode())')
if [ "$dcount" = 0 ]; then
  echo "dovecot: $(python3 "$here/bench/fill_imap.py" 127.0.0.1 143 load20 agentpass "$n")"
else
  echo "dovecot: load20 already holds $dcount messages"
fi

for r in $(seq 1 "$rounds"); do
  echo "== round $r: herald bench imap against herald ($clients clients, ${secs}s)"
  "$here/herald" bench imap --port "$imap" --user load@bench.test --password "$pass" --clients "$clients" --seconds "$secs"
  echo "== round $r: herald bench imap against dovecot"
  "$here/herald" bench imap --port 143 --user load20 --password agentpass --clients "$clients" --seconds "$secs"
done
echo "== imap_load.py against herald"
python3 "$anchors/imap_load.py" --port "$imap" --user load@bench.test --pass "$pass" --procs "$clients" --secs "$secs" --fetch-n 50 2>&1 | tail -10
echo "== imap_load.py against dovecot"
python3 "$anchors/imap_load.py" --port 143 --user load20 --pass agentpass --procs "$clients" --secs "$secs" --fetch-n 50 2>&1 | tail -10

echo "== THREAD REFERENCES over the whole mailbox (best of 5)"
thread_ms() {
  python3 - "$@" <<'PY'
import imaplib, sys, time
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login(sys.argv[2], sys.argv[3]); m.select("INBOX")
best = 1e9
for _ in range(5):
    t = time.perf_counter(); typ, data = m.thread("REFERENCES", "UTF-8", "ALL"); best = min(best, time.perf_counter() - t)
print(f"{best * 1000:.1f} ms, {data[0].count(b'(')} parentheses")
PY
}
echo "herald:  $(thread_ms "$imap" load@bench.test "$pass")"
echo "dovecot: $(thread_ms 143 load20 agentpass)"

idle_test() {  # USER PASSWORD LABEL
  echo "== $idle connections idling in IDLE on herald ($3)"
  jcmd "$jpid" GC.run >/dev/null
  echo "herald heap before, after full GC: $(jcmd "$jpid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1)"
  "$here/herald" bench imap --port "$imap" --user "$1" --password "$2" --idle-connections "$idle" --hold-seconds 20 &
  bpid=$!
  for _ in $(seq 1 600); do
    kill -0 "$bpid" 2>/dev/null || break   # the client gave up: do not wait for connections that will not come
    n_est=$(ss -Htn state established "( sport = :$imap )" | wc -l)
    [ "$n_est" -ge "$idle" ] && break
    sleep 1
  done
  sleep 3
  jcmd "$jpid" GC.run >/dev/null
  echo "established: $(ss -Htn state established "( sport = :$imap )" | wc -l); herald heap after full GC: $(jcmd "$jpid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1); RSS: $(ps -o rss= -p "$jpid") KiB"
  wait "$bpid" || true
  sleep 5   # let the server close them
}
python3 "$here/bench/fill_imap.py" 127.0.0.1 "$imap" idle@bench.test "$ipass" 10 >/dev/null
idle_test idle@bench.test "$ipass" "mailbox of 10 messages"
idle_test load@bench.test "$pass" "mailbox of $n messages"
