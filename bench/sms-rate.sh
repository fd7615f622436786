#!/usr/bin/env bash
# Benchmark (prints figures; not a test): one alert texted to N numbers through the whole pipeline
# (import → go-live → Hangfire fan-out → batches → shared rate → Twilio API) into the fake Twilio
# server (tests/FakeSms) at a configured rate; prints the achieved rate, the most requests the
# provider saw in any one second, and the total time against the ideal N / rate.
#   bench/sms-rate.sh [numbers, default 10000] [messages per second, default 100]
# Besides its figures it prints "RESULT key=value" lines (bench/run-all.sh collects them).
# BENCH_PORT_OFFSET moves its ports (5291, 5298); BENCH_NO_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
rate=${2:-100}
offset=${BENCH_PORT_OFFSET:-0}
dashboard_port=$((5291 + offset)) fake_port=$((5298 + offset))
source bench/topology.sh
source bench/alerts.sh
ports_free $dashboard_port $fake_port
bench_begin
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  dotnet build Dashboard -c Release -v q -nologo >/dev/null
  dotnet build tests/FakeSms -c Release -v q -nologo >/dev/null
fi

fake=http://127.0.0.1:$fake_port
dotnet tests/FakeSms/bin/Release/net10.0/AlertBroadcaster.FakeSms.dll $fake_port >/tmp/bench-sms-fake.log 2>&1 &
pids+=($!)
wait_for "$fake/stats" 120 "the fake SMS provider" $! /tmp/bench-sms-fake.log

api=http://127.0.0.1:$dashboard_port
env Storage__DataDirectory="$work/data" Api__Keys__0=bench-key Admin__Password=bench-password-1234 \
  Sms__Provider=Twilio Sms__Twilio__BaseUrl="$fake" Sms__Twilio__AccountSid=AC00000000000000000000000000000001 \
  Sms__Twilio__AuthToken=fake-twilio-auth-token-0123456789 Sms__Twilio__From=+447400000001 \
  Sms__PublicBaseUrl=https://alerts.example.nhs.uk Sms__MessagesPerSecond="$rate" ${SMS_CONCURRENCY:+Sms__Concurrency=$SMS_CONCURRENCY} \
  Logging__LogLevel__Default=Warning Logging__LogLevel__System.Net.Http=Error Logging__LogLevel__AlertBroadcaster.Channels.Sms.SmsRateLimiter=Debug \
  dotnet Dashboard/bin/Release/net10.0/AlertBroadcaster.Dashboard.dll --urls "$api" >/tmp/bench-sms-dashboard.log 2>&1 &
dashboard=$!
pids+=($dashboard)
wait_for "$api/health/ready" 300 Dashboard $dashboard /tmp/bench-sms-dashboard.log

{ echo "email,phone,sites,topics"; seq 1 "$count" | awk '{printf ",+4474%08d,,\n", $1}'; } >"$work/numbers.csv"
curl -fsS -X POST "$api/api/subscribers/import" -H 'Authorization: Bearer bench-key' -H 'Content-Type: text/csv' \
  --data-binary @"$work/numbers.csv" -o /dev/null || fail "the number import failed"

body='{"kind":"VisitingRestrictions","severity":"Warning","headline":"Visiting suspended","smsText":"Visiting at the John Radcliffe is suspended from today. Details: ouh.nhs.uk/visiting","channels":["sms"]}'
t0=$(now)
id=$(post_alert "$body")
[ -n "$id" ] || fail "POST /api/alerts did not return an alert id"
wait_until_sent "$id" sms "$count"
t1=$(now)
stats=$(curl -fs "$fake/stats")
curl -fs "$fake/arrivals" -o "$work/arrivals.json"
peak_kb=$(grep VmHWM "/proc/$dashboard/status" | awk '{print $2}')

python3 - "$count" "$rate" "$t0" "$t1" "$stats" "$peak_kb" "$work/arrivals.json" /tmp/bench-sms-dashboard.log <<'PY'
import json, re, sys
count, rate = int(sys.argv[1]), float(sys.argv[2])
t0, t1 = float(sys.argv[3]), float(sys.argv[4])
stats, peak_kb = json.loads(sys.argv[5]), int(sys.argv[6])
arrivals = json.load(open(sys.argv[7]))
window = int(rate)
span = stats["lastSeconds"] - stats["firstSeconds"]
print(f"numbers {count}, configured rate {rate:g}/s (Sms:MessagesPerSecond)")
print(f"provider received: {stats['accepted']} messages to {stats['distinctNumbers']} numbers ({stats['requests']} requests)")
print(f"achieved rate at the provider: {(stats['accepted'] - 1) / span:.1f}/s ({(stats['accepted'] - 1) / span / rate * 100:.1f} % of the configured rate)")
print(f"most requests in any 1-second window: {stats['maxInAnySecond']} (must not exceed {rate:g})")
tightest = None
if len(arrivals) > window:
    tightest = min(arrivals[i + window] - arrivals[i] for i in range(len(arrivals) - window))
    print(f"tightest {window + 1} consecutive arrivals spanned {tightest:.1f} ms (the limit holds while this is at least 1000 ms)")
# The same measure on the sender's side: when the rate limiter gave each turn (its debug log).
with open(sys.argv[8], encoding="utf-8", errors="replace") as log:
    turns = sorted(int(m) / 1000 for m in re.findall(r"SMS turn given at (\d+) µs", log.read()))
sender_tightest = None
if len(turns) > window:
    sender_tightest = min(turns[i + window] - turns[i] for i in range(len(turns) - window))
    print(f"the same on the sender's side: tightest {window + 1} consecutive turns given spanned {sender_tightest:.1f} ms; "
          f"what the provider saw tighter than that ({max(0, sender_tightest - tightest):.1f} ms) went between the two processes")
print("longest pauses between arrivals (s since start: ms): " + ", ".join(f"{g['at']}: {g['ms']:g}" for g in stats.get("longestGaps", [])))
print(f"go-live to every number recorded sent: {t1 - t0:.1f} s (ideal {count / rate:.1f} s)")
print(f"peak resident memory of the process: {peak_kb / 1024:.0f} MB")
results = {
    "numbers": count, "rate_configured": f"{rate:g}", "accepted": stats["accepted"],
    "distinct_numbers": stats["distinctNumbers"], "requests": stats["requests"],
    "rate_achieved": f"{(stats['accepted'] - 1) / span:.2f}",
    "percent_of_rate": f"{(stats['accepted'] - 1) / span / rate * 100:.2f}",
    "max_in_any_second": stats["maxInAnySecond"],
    "tightest_window_ms": "" if tightest is None else f"{tightest:.1f}",
    "sender_tightest_window_ms": "" if sender_tightest is None else f"{sender_tightest:.1f}",
    "seconds": f"{t1 - t0:.1f}", "ideal_seconds": f"{count / rate:.1f}",
    "peak_rss_mb": f"{peak_kb / 1024:.0f}",
}
for key, value in results.items():
    print(f"RESULT sms.{key}={value}")
PY
