# Shared by the outbound benchmarks (sourced): a dnsmasq on loopback serving sink.test's MX, and a
# Herald started on the script's ports with one tenant, domain and mailbox whose send budgets,
# warm-up and pacing are lifted (by default 100 remote recipients an hour, 50 on a new domain's
# first day, 50 a minute per recipient domain — which would otherwise be what is measured).
# Expects: here, work, http, sub, dnsport, sink; sets dnspid, pid, pass; defines hcli.

start_dns() {
  dnsmasq --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null --listen-address=127.0.0.1 --bind-interfaces \
    --port="$dnsport" --user=root --local=/sink.test/ --mx-host=sink.test,mx.sink.test,10 --host-record=mx.sink.test,127.0.0.1 \
    >"$work/dnsmasq.log" 2>&1 &
  dnspid=$!
}

hcli() { "$here/herald" "$@" --url "http://127.0.0.1:$http" --data "$work/data"; }

# start_herald JAVA_OPTS [--set k=v ...]
start_herald() {
  local opts="$1"; shift
  "$here/herald" --version >/dev/null
  (cd "$work" && HERALD_JAVA_OPTS="$opts" exec "$here/herald" serve --data "$work/data" --http-port "$http" --set smtp.mx.port=0 \
     --set smtp.submission.port=0 --set smtp.submissions.port="$sub" --set imap.port=0 --set imaps.port=0 \
     --set dns.resolver="127.0.0.1:$dnsport" --set outbound.port="$sink" --set outbound.allow_private_mx=true "$@" \
     >"$work/serve.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  hcli tenant create bench >/dev/null
  hcli policy set mailbox.hourly_limit=unlimited mailbox.daily_limit=unlimited tenant.daily_limit=unlimited \
    tenant.monthly_limit=unlimited warmup.enabled=false recipient_domain.per_minute=unlimited run.limit=unlimited >/dev/null
  hcli domain add bench.test --tenant bench >/dev/null
  pass=$(hcli mailbox create load@bench.test --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["credentials"]["password"])')
}
