#!/usr/bin/env bash
# IMAP side by side: Herald against Dovecot (Maildir), same mailbox contents, same load generator
# (../shared/bench/imap_load.py), alternating rounds in one run. Loopback only; run as root.
#   usage: bench/imap.sh [MESSAGES] [PROCS] [SECS] [ROUNDS]      defaults: 10000 10 20 2
# Herald runs with imap.plaintext_login=true for this (the generator logs in without TLS, as it does
# against the anchor Dovecot); the mailbox is filled through IMAP APPEND on both servers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
anchors="$here/../shared/bench"
n="${1:-10000}"; procs="${2:-10}"; secs="${3:-20}"; rounds="${4:-2}"
http=18727; imap=18143
work="$(mktemp -d)"
trap 'kill -INT "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

pgrep -x dovecot >/dev/null || bash "$anchors/setup_anchors.sh" >&2
"$here/herald" --version >/dev/null
(cd "$work" && exec "$here/herald" serve --data "$work/data" --http-port "$http" --set imap.port="$imap" --set imaps.port=0 \
   --set smtp.mx.port=0 --set smtp.submission.port=0 --set smtp.submissions.port=0 --set imap.plaintext_login=true \
   --set imap.max_sessions_per_account=1000 >"$work/serve.log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
hcli() { "$here/herald" "$@" --url "http://127.0.0.1:$http" --data "$work/data"; }
hcli tenant create bench >/dev/null
hcli domain add bench.test --tenant bench >/dev/null
pass=$(hcli mailbox create load@bench.test --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["credentials"]["password"])')

# Dovecot user load20 gets the same messages (only when empty, so reruns do not double it).
dcount=$(python3 -c 'import imaplib; m=imaplib.IMAP4("127.0.0.1",143); m.login("load20","agentpass"); print(m.select("INBOX")[1][0].decode())')
echo "filling both mailboxes with $n messages (gen_mail.py, same seed)"
t0=$(date +%s)
python3 "$anchors/gen_mail.py" append 127.0.0.1 "$imap" load@bench.test "$pass" "$n" --seed 7 >/dev/null
echo "herald: $n APPENDs in $(( $(date +%s) - t0 )) s"
if [ "$dcount" = 0 ]; then
  t0=$(date +%s)
  python3 "$anchors/gen_mail.py" append 127.0.0.1 143 load20 agentpass "$n" --seed 7 >/dev/null
  echo "dovecot: $n APPENDs in $(( $(date +%s) - t0 )) s"
fi

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(dpkg-query -W -f='dovecot ${Version}' dovecot-imapd)"
for r in $(seq 1 "$rounds"); do
  echo "--- round $r: herald"
  python3 "$anchors/imap_load.py" --port "$imap" --user load@bench.test --pass "$pass" --procs "$procs" --secs "$secs" --fetch-n 50 --idle-ms 0 2>&1 | tail -12
  echo "--- round $r: dovecot"
  python3 "$anchors/imap_load.py" --port 143 --user load20 --pass agentpass --procs "$procs" --secs "$secs" --fetch-n 50 --idle-ms 0 2>&1 | tail -12
done
