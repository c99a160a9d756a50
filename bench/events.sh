#!/usr/bin/env bash
# What the event stream costs (issue 7's benchmark): the SMTP accept rate of two Heralds side by
# side in one run — one with events.enabled = false, one with events, metrics and one webhook (every
# event of the tenant POSTed to a receiver on loopback) — driven alternately by Postfix's smtp-source
# (the anchors' smtp_load.sh) into a local mailbox over the MX listener. Target: "on" at most 10%
# slower than "off". Loopback only; every load run bounded in messages and time.
#   usage: bench/events.sh [SESSIONS] [MESSAGES] [SIZE] [ROUNDS]      defaults: 20 20000 4096 3
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
anchors="$here/../shared/bench"
sessions="${1:-20}"; messages="${2:-20000}"; size="${3:-4096}"; rounds="${4:-3}"
work="$(mktemp -d)"
pids=()
# TERM, not INT: a non-interactive shell starts background jobs with SIGINT ignored.
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
command -v smtp-source >/dev/null || { echo "smtp-source is missing: run ../shared/bench/setup_anchors.sh (Postfix)" >&2; exit 2; }
"$here/herald" --version >/dev/null

# The webhook receiver: answers 204 to every POST and counts them.
cat > "$work/receiver.py" <<'PY'
import http.server, sys
count = 0
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as any real receiver: not a TCP handshake per event
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        count += 1
        self.send_response(204); self.send_header("Content-Length", "0"); self.end_headers()
    def do_GET(self):
        body = str(count).encode(); self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$work/receiver.py" 18999 & pids+=($!)

start() {  # NAME HTTP MX EVENTS
  mkdir -p "$work/$1"
  (cd "$work/$1" && exec "$here/herald" serve --data "$work/$1/data" --http-port "$2" --set "smtp.mx.port=$3" \
     --set smtp.submission.port=0 --set smtp.submissions.port=0 --set imap.port=0 --set imaps.port=0 \
     --set "events.enabled=$4" --set webhooks.allow_private=true >"$work/$1/serve.log" 2>&1) & pids+=($!)
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  local url="http://127.0.0.1:$2" data="$work/$1/data"
  hcli() { "$here/herald" "$@" --url "$url" --data "$data"; }  # sees start's locals (bash scoping)
  hcli tenant create bench >/dev/null
  hcli domain add bench.test --tenant bench >/dev/null
  hcli mailbox create sink@bench.test >/dev/null
  if [ "$4" = true ]; then hcli webhook create http://127.0.0.1:18999/hook --tenant bench >/dev/null; fi
}
start off 18801 18811 false
start on 18802 18812 true
joff=$(pgrep -f "herald.jar serve --data $work/off/data" | head -1)
jon=$(pgrep -f "herald.jar serve --data $work/on/data" | head -1)

cpu_of() { python3 "$anchors/proc_cpu.py" "$@" 2>/dev/null | head -1; }
wait_idle() {  # until both Heralds used < 0.05 CPU-s over one second (delivery, events, webhooks drained), 300 s at most
  for _ in $(seq 1 300); do
    local a b; a=$(cpu_of "$joff" "$jon"); sleep 1; b=$(cpu_of "$joff" "$jon")
    awk -v a="$a" -v b="$b" 'BEGIN{exit !((b-a) < 0.05)}' && return 0
  done
  echo "servers did not go idle" >&2
}
load() { TIMEOUT=300 LABEL="$1" TO=sink@bench.test "$anchors/smtp_load.sh" 127.0.0.1 "$2" "$sessions" "$3" "$size" 1 | cut -f1,8,9,11; }

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(date -u +%F)"
echo "warm-up (not counted)"
load warmup-off 18811 10000 >/dev/null
load warmup-on 18812 10000 >/dev/null
for r in $(seq 1 "$rounds"); do
  wait_idle; load "events-off#$r" 18811 "$messages"
  wait_idle; load "events-on+metrics+webhook#$r" 18812 "$messages"
done
wait_idle
echo "webhook POSTs received: $(curl -fs http://127.0.0.1:18999/)"
echo "received, as counted by stats (on): $("$here/herald" stats --tenant bench --window 1d --json --url http://127.0.0.1:18802 \
  --data "$work/on/data" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tenants"][0]["received"])')"
