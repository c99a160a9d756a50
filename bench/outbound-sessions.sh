#!/usr/bin/env bash
# Many concurrent outbound SMTP sessions on one node, and the heap they take: Herald with a
# 512 MB heap cap queues SESSIONS separate messages to one destination whose MX (Postfix's
# bench/hold_sink.py on 127.0.0.1:2526) waits HOLD seconds before answering each DATA, so every transaction
# stays open at once (bench/hold_sink.py: Postfix's smtp-sink serves about 256 sessions at once). Sampled every second while they are open: established connections to the
# sink, and the heap in use after a full GC (jcmd GC.run + GC.heap_info). Loopback only.
#   usage: bench/outbound-sessions.sh [SESSIONS] [HOLD]     defaults: 5000 60
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-5000}"; hold="${2:-60}"
http=18748; sub=18485; dnsport=18073; sink=2526
work="$(mktemp -d)"
cleanup() {
  kill -TERM "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true
  kill "${dnspid:-0}" "${sinkpid:-0}" 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

source "$here/bench/outbound-lib.sh"
start_dns
python3 "$here/bench/hold_sink.py" "$sink" "$hold" > "$work/sink.log" 2>&1 &
sinkpid=$!
start_herald "-Xmx512m" --set outbound.max_in_flight="$n" --set outbound.max_per_destination="$n"
java_pid=$(pgrep -f "herald.*serve --data $work/data" | while read -r p; do [ "$(ps -o comm= -p "$p")" = java ] && echo "$p"; done | head -1)

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $n sessions held $hold s by the sink; heap cap 512 MB"
"$here/herald" bench smtp --port "$sub" --user load@bench.test --password "$pass" --to "rcpt@sink.test" \
   --sessions 20 --messages "$n" --size 4096 --json | tr -d '\n ' ; echo
peak=0; peak_heap=0
deadline=$(( $(date +%s) + hold ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  open=$(ss -Htn state established "( dport = :$sink )" | wc -l)
  jcmd "$java_pid" GC.run >/dev/null 2>&1 || true
  heap_kb=$(jcmd "$java_pid" GC.heap_info 2>/dev/null | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1)
  [ "$open" -gt "$peak" ] && peak=$open
  [ -n "$heap_kb" ] && [ "$heap_kb" -gt "$peak_heap" ] && peak_heap=$heap_kb
  echo "t=$(date +%T) open_sessions=$open heap_used_after_gc_mb=$(( ${heap_kb:-0} / 1024 ))"
  [ "$open" -ge "$n" ] && sleep 5 && break
  [ "$(( $(date +%s) % 10 ))" = 0 ] && for st in sending waiting; do
    echo "  queue $st: $(curl -fs -H "Authorization: Bearer $(cat "$work/data/admin.key")" \
      "http://127.0.0.1:$http/v1/queue?tenant=bench&state=$st&limit=10000" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))')"
  done
  sleep 1
done
echo "herald\tpeak_open_sessions=$peak\tpeak_heap_used_after_gc_mb=$(( peak_heap / 1024 ))\trss_mb=$(( $(ps -o rss= -p "$java_pid") / 1024 ))"
kill -TERM "$sinkpid"; wait "$sinkpid" 2>/dev/null || true; tail -1 "$work/sink.log" | sed 's/^/sink: /'
grep -c "OutOfMemoryError" "$work/serve.log" | sed 's/^/out_of_memory_errors=/'
