#!/usr/bin/env bash
# Benchmark (prints figures; not a test): one alert emailed to N subscribers through the whole
# pipeline (import → go-live → Hangfire fan-out → batches → MailKit → ledger → progress), into
# Postfix's smtp-sink on loopback; and the reference, smtp-source, sending as many messages of the
# same size at the same concurrency into a sink of its own, once before the pipeline and once after.
# The measured alert follows an unmeasured warm-up alert to one other subscriber (see below).
#   bench/email-fanout.sh [--distributed] [subscribers, default 100000] [parallelism, default 4]
# By default on the embedded host (one process, SQLite): its peak memory is the whole process's.
# --distributed: on the distributed topology (RabbitMQ + PostgreSQL, Broadcaster, ONE standalone
# Channels process doing the sending, staff-only Dashboard; a vhost and database of its own): the
# peak memory is the Channels process's alone, which is what DESIGN.md's memory target is about.
# Besides its figures it prints "RESULT key=value" lines (bench/run-all.sh collects them).
# BENCH_PORT_OFFSET moves its ports (5290, 5294, 5295, SMTP 2526, 2527); BENCH_NO_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
distributed=
if [ "${1:-}" = --distributed ]; then distributed=1; shift; fi
count=${1:-100000}
parallelism=${2:-4}
offset=${BENCH_PORT_OFFSET:-0}
dashboard_port=$((5290 + offset)) broadcaster_port=$((5294 + offset)) channels_port=$((5295 + offset))
sink_port=$((2526 + offset)) reference_sink_port=$((2527 + offset))
# The size of the alert below as sent (headers + text + HTML), measured from a received copy.
message_bytes=3200
PATH=$PATH:/usr/sbin
source bench/topology.sh
source bench/alerts.sh

scripts/servers.sh bench-tools
if [ -n "$distributed" ]; then
  ports_free $dashboard_port $broadcaster_port $channels_port
  topology_begin email
else
  ports_free $dashboard_port
  bench_begin
fi
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  if [ -n "$distributed" ]; then build=AlertBroadcaster.slnx; else build=Dashboard; fi
  dotnet build $build -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "Release build failed"; }
fi

sink() { # port
  smtp-sink -c -u "$(id -un)" "127.0.0.1:$1" 1024 >"$work/sink-$1.out" 2>&1 &
  pids+=($!)
  sleep 0.3
  kill -0 $! 2>/dev/null || fail "smtp-sink could not listen on 127.0.0.1:$1: $(cat "$work/sink-$1.out")"
}
sunk() { tr '\r' '\n' <"$work/sink-$1.out" | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2; }

sink $sink_port
api=http://127.0.0.1:$dashboard_port
email_settings=(Email__Smtp__Host=127.0.0.1 Email__Smtp__Port=$sink_port Email__Smtp__UseTls=false
  Email__Parallelism="$parallelism" Email__BatchSize=500 Email__PublicBaseUrl=https://alerts.example.nhs.uk
  Logging__LogLevel__Default=Warning Logging__LogLevel__AlertBroadcaster.Channels.Email=Information
  Logging__Console__TimestampFormat='HH:mm:ss.fff ')
if [ -n "$distributed" ]; then
  start_process Broadcaster $broadcaster_port
  start_process Channels $channels_port Hosting__InstanceName=bench-email-$$ "${email_settings[@]}"
  measured=${pids[-1]} measured_name="the standalone Channels process"
  start_process Dashboard $dashboard_port Hosting__Embedded=false Api__Keys__0=bench-key Admin__Password=bench-password-1234
  topology="distributed (PostgreSQL, RabbitMQ, one Channels process)"
else
  start_process Dashboard $dashboard_port Storage__DataDirectory="$work/data" Api__Keys__0=bench-key Admin__Password=bench-password-1234 \
    "${email_settings[@]}"
  measured=${pids[-1]} measured_name="the whole embedded process (Dashboard + Broadcaster + Channels)"
  topology="embedded (SQLite, one process)"
fi

# The N subscribers asked for visiting restrictions; one more, for general news only, gets the warm-up alert.
{ echo "email,phone,sites,topics"; echo "warm-up@example.com,,,General"; seq 1 "$count" | sed 's/.*/patient&@example.com,,,VisitingRestrictions/'; } >"$work/subscribers.csv"
t0=$(now)
curl -fsS -X POST "$api/api/subscribers/import" -H 'Authorization: Bearer bench-key' -H 'Content-Type: text/csv' \
  --data-binary @"$work/subscribers.csv" -o /dev/null || fail "the subscriber import failed"
t1=$(now)
# The peak so far is the import's; writing 5 to clear_refs resets VmHWM, so the peak read after the
# send is the fan-out's alone (DESIGN.md's memory target is "during a fan-out").
import_peak_kb=$(grep VmHWM "/proc/$measured/status" | awk '{print $2}')
echo 5 >"/proc/$measured/clear_refs" 2>/dev/null || import_peak_kb=

# The reference runs twice, just before the pipeline and just after it, and counts as the mean of
# the two: one run of smtp-source moved between 12,000 and 17,800 messages/s on this VM, and a machine
# getting busier or quieter during the bench would otherwise favour one side.
sink $reference_sink_port
reference() { # → seconds smtp-source took for $count messages
  local start end
  start=$(now)
  smtp-source -d -s "$parallelism" -m "$count" -l "$message_bytes" -f alerts@example.nhs.uk -t patient@example.com 127.0.0.1:$reference_sink_port >/dev/null
  end=$(now)
  python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$end"
}
reference_before=$(reference)

# Warm-up, not measured (as the banner bench's wrk warm-up): one alert to the one general-news subscriber
# goes through the whole path first, so the measured send runs on compiled code and warm queries rather
# than paying the processes' first-use costs (JIT, EF query compilation: about 1.5 s here). How long that
# first alert took is printed too.
warm='{"kind":"General","severity":"Info","headline":"Car park 3 closed","body":"Use car park 2.","channels":["email"]}'
tw0=$(now)
warm_id=$(post_alert "$warm")
[ -n "$warm_id" ] || fail "POST /api/alerts (the warm-up alert) did not return an alert id"
wait_until_sent "$warm_id" email 1
tw1=$(now)
warm_received=$(sunk $sink_port)

body='{"kind":"VisitingRestrictions","severity":"Warning","headline":"Visiting restrictions at all our hospitals","body":"From Monday, **one visitor per patient** between 2pm and 8pm.\n\n- Children under 16 cannot visit\n- Wear a face covering on wards\n\nWe are sorry for any inconvenience; these rules protect patients during the winter virus season.","link":{"text":"Visiting rules in full","url":"https://www.ouh.nhs.uk/visiting"},"channels":["email"]}'
t2=$(now)
id=$(post_alert "$body")
[ -n "$id" ] || fail "POST /api/alerts did not return an alert id"
wait_until_sent "$id" email "$count"
sent=$count # the wait ends only when the ledger reports every recipient sent
t3=$(now)
sleep 0.5
received=$(( $(sunk $sink_port) - warm_received )) # the N subscribers' messages
peak_kb=$(grep VmHWM "/proc/$measured/status" | awk '{print $2}')

reference_after=$(reference)

python3 - "$count" "$parallelism" "$t0" "$t1" "$t2" "$t3" "$reference_before" "$reference_after" "$sent" "$received" "$peak_kb" "$measured_name" "$topology" "$import_peak_kb" "$tw0" "$tw1" <<'PY'
import sys
count, parallelism = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, t3, before, after = map(float, sys.argv[3:9])
sent, received, peak_kb = int(sys.argv[9]), int(sys.argv[10] or 0), int(sys.argv[11])
measured, topology = sys.argv[12], sys.argv[13]
import_peak_kb = int(sys.argv[14]) if sys.argv[14] else None
warm_up = float(sys.argv[16]) - float(sys.argv[15])
ours, ref = count / (t3 - t2), (count / before + count / after) / 2
print(f"subscribers {count}, concurrency {parallelism} SMTP connections, {topology}")
print(f"import: {t1 - t0:.1f} s ({count / (t1 - t0):,.0f} lines/s)")
print(f"warm-up (not measured): the first alert after start, to 1 subscriber, {warm_up:.2f} s from POST to sent")
print(f"pipeline: {t3 - t2:.1f} s, {ours:,.0f} messages/s (go-live to every recipient recorded sent)")
print(f"smtp-source -d -s {parallelism}: {ref:,.0f} messages/s, the mean of a run before the pipeline "
      f"({count / before:,.0f}/s, {before:.1f} s) and one after it ({count / after:,.0f}/s, {after:.1f} s)")
print(f"ratio: {ours / ref:.2f} (target >= 0.35)")
print(f"lost: {count - sent}, duplicated: {received - sent} (sink received {received}, ledger sent {sent})")
if import_peak_kb is None:
    print(f"peak resident memory of {measured}, import and fan-out: {peak_kb / 1024:.0f} MB (target for Channels <= 300 MB during the fan-out)")
else:
    print(f"peak resident memory of {measured} during the fan-out: {peak_kb / 1024:.0f} MB (target for Channels <= 300 MB); "
          f"during the import before it: {import_peak_kb / 1024:.0f} MB")
results = {
    "topology": "distributed" if topology.startswith("distributed") else "embedded",
    "subscribers": count, "parallelism": parallelism, "message_bytes": 3200,
    "import_s": f"{t1 - t0:.1f}", "warm_up_s": f"{warm_up:.2f}", "seconds": f"{t3 - t2:.1f}", "rate": f"{ours:.0f}",
    "reference_rate": f"{ref:.0f}", "ratio": f"{ours / ref:.3f}",
    "lost": count - sent, "duplicated": received - sent, "received": received,
    "peak_rss_mb": f"{peak_kb / 1024:.0f}", "rss_process": measured,
    "rss_span": "import and fan-out" if import_peak_kb is None else "fan-out",
    "import_peak_rss_mb": "" if import_peak_kb is None else f"{import_peak_kb / 1024:.0f}",
}
for key, value in results.items():
    print(f"RESULT email.{key}={value}")
PY
