#!/usr/bin/env bash
# SMTP accept rate, Herald against Postfix, side by side in one run (issue 3's benchmark).
#   usage: bench/smtp.sh [SESSIONS] [MESSAGES] [SIZE] [ROUNDS]      defaults: 20 20000 4096 3
# Needs the anchors of ../shared/bench (setup_anchors.sh installs Postfix; run as root). Both servers
# accept to disk with fsync and deliver locally (Herald: its index; Postfix: Maildir). Both are warmed
# up first; before every measured run both must be idle again (their delivery backlog drained), and
# the runs alternate, so neither carries the other's load. Client: Postfix's smtp-source (neutral),
# then `herald bench smtp` against Herald. Loopback only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
anchors="$here/../shared/bench"
sessions="${1:-20}"; messages="${2:-20000}"; size="${3:-4096}"; rounds="${4:-3}"
http=18726; mx=18525
work="$(mktemp -d)"
trap 'kill -INT "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

if ! pgrep -x master >/dev/null; then
  echo "starting the anchors (setup_anchors.sh)" >&2
  bash "$anchors/setup_anchors.sh" >&2
fi
"$here/herald" --version >/dev/null
(cd "$work" && exec "$here/herald" serve --data "$work/data" --http-port "$http" --set "smtp.mx.port=$mx" \
   --set smtp.submission.port=0 --set smtp.submissions.port=0 --set imap.port=0 --set imaps.port=0 >"$work/serve.log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
jpid=$(pgrep -f "herald.jar serve --data $work/data" | head -1)
hcli() { "$here/herald" "$@" --url "http://127.0.0.1:$http" --data "$work/data"; }
hcli tenant create bench >/dev/null
hcli domain add bench.test --tenant bench >/dev/null
hcli mailbox create sink@bench.test >/dev/null

# CPU seconds of a set of processes (and their children), to tell when a server is idle.
cpu_of() { python3 "$anchors/proc_cpu.py" "$@" 2>/dev/null | head -1; }
postfix_pids() { tr -d ' ' < /var/spool/postfix/pid/master.pid; }
wait_idle() {  # until both servers used < 0.05 CPU-s over one second (delivery backlogs drained), 300 s at most
  for _ in $(seq 1 300); do
    local a b; a=$(cpu_of "$jpid" $(postfix_pids)); sleep 1; b=$(cpu_of "$jpid" $(postfix_pids))
    awk -v a="$a" -v b="$b" 'BEGIN{exit !((b-a) < 0.05)}' && return 0
  done
  echo "servers did not go idle" >&2
}
load() { TIMEOUT=300 LABEL="$1" TO="$2" "$anchors/smtp_load.sh" 127.0.0.1 "$3" "$sessions" "$4" "$size" 1 | cut -f1,8,9,11; }

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(dpkg-query -W -f='postfix ${Version}' postfix)"
echo "warm-up (not counted)"
load warmup-herald sink@bench.test "$mx" 5000 >/dev/null
load warmup-postfix bench@agentmail.local 25 5000 >/dev/null
for r in $(seq 1 "$rounds"); do
  wait_idle; load "herald/smtp-source#$r" sink@bench.test "$mx" "$messages"
  wait_idle; load "postfix/smtp-source#$r" bench@agentmail.local 25 "$messages"
done
wait_idle
echo "herald/herald-bench-smtp: $("$here/herald" bench smtp --port "$mx" --sessions "$sessions" --messages "$messages" --size "$size" --to sink@bench.test --json | tr -d '\n ' )"
