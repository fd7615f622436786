#!/usr/bin/env bash
# Benchmark (prints figures; not a test): one alert emailed to N subscribers through the whole
# pipeline (import → go-live → Hangfire fan-out → batches → MailKit → ledger → progress), into
# Postfix's smtp-sink on loopback; then the reference, smtp-source, sending as many messages of the
# same size at the same concurrency into a fresh smtp-sink.
#   bench/email-fanout.sh [subscribers, default 100000] [parallelism, default 4]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
parallelism=${2:-4}
# The size of the alert below as sent (headers + text + HTML), measured from a received copy.
message_bytes=3200
PATH=$PATH:/usr/sbin

scripts/servers.sh bench-tools
dotnet build Dashboard -c Release -v q -nologo >/dev/null

work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
sink() { # port → counter file; prints the pid
  smtp-sink -c -u "$(id -un)" "127.0.0.1:$1" 1024 >"$work/sink-$1.out" 2>&1 &
  pids+=($!)
}
sunk() { tr '\r' '\n' <"$work/sink-$1.out" | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2; }
source bench/alerts.sh

sink 2526
api=http://127.0.0.1:5290
env Storage__DataDirectory="$work/data" Email__Smtp__Host=127.0.0.1 Email__Smtp__Port=2526 Email__Smtp__UseTls=false \
  Email__Parallelism="$parallelism" Email__BatchSize=500 Email__PublicBaseUrl=https://alerts.example.nhs.uk \
  Api__Keys__0=bench-key Admin__Password=bench-password-1234 Logging__LogLevel__Default=Warning \
  Logging__LogLevel__AlertBroadcaster.Channels.Email=Information Logging__Console__TimestampFormat='HH:mm:ss.fff ' \
  dotnet Dashboard/bin/Release/net10.0/AlertBroadcaster.Dashboard.dll --urls "$api" >/tmp/bench-email-dashboard.log 2>&1 &
dashboard=$!
pids+=($dashboard)
until curl -fs -o /dev/null "$api/health/ready"; do sleep 0.2; done

{ echo "email,phone,sites,topics"; seq 1 "$count" | sed 's/.*/patient&@example.com,,,/'; } >"$work/subscribers.csv"
t0=$(now)
curl -fs -X POST "$api/api/subscribers/import" -H 'Authorization: Bearer bench-key' -H 'Content-Type: text/csv' \
  --data-binary @"$work/subscribers.csv" -o /dev/null
t1=$(now)

body='{"kind":"VisitingRestrictions","severity":"Warning","headline":"Visiting restrictions at all our hospitals","body":"From Monday, **one visitor per patient** between 2pm and 8pm.\n\n- Children under 16 cannot visit\n- Wear a face covering on wards\n\nWe are sorry for any inconvenience; these rules protect patients during the winter virus season.","link":{"text":"Visiting rules in full","url":"https://www.ouh.nhs.uk/visiting"},"channels":["email"]}'
t2=$(now)
id=$(post_alert "$body")
wait_until_sent "$id" email "$count" 0.05
sent=$count # the wait ends only when the ledger reports every recipient sent
t3=$(now)
sleep 0.5
received=$(sunk 2526)
peak_kb=$(grep VmHWM "/proc/$dashboard/status" | awk '{print $2}')

sink 2527
sleep 0.3
t4=$(now)
smtp-source -d -s "$parallelism" -m "$count" -l "$message_bytes" -f alerts@example.nhs.uk -t patient@example.com 127.0.0.1:2527 >/dev/null
t5=$(now)

python3 - "$count" "$parallelism" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$sent" "$received" "$peak_kb" <<'PY'
import sys
count, parallelism = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, t3, t4, t5 = map(float, sys.argv[3:9])
sent, received, peak_kb = int(sys.argv[9]), int(sys.argv[10] or 0), int(sys.argv[11])
ours, ref = count / (t3 - t2), count / (t5 - t4)
print(f"subscribers {count}, concurrency {parallelism} SMTP connections")
print(f"import: {t1 - t0:.1f} s ({count / (t1 - t0):,.0f} lines/s)")
print(f"pipeline: {t3 - t2:.1f} s, {ours:,.0f} messages/s (go-live to every recipient recorded sent)")
print(f"smtp-source -d -s {parallelism}: {t5 - t4:.1f} s, {ref:,.0f} messages/s")
print(f"ratio: {ours / ref:.2f} (target >= 0.35)")
print(f"lost: {count - sent}, duplicated: {received - sent} (sink received {received}, ledger sent {sent})")
print(f"peak resident memory of the process: {peak_kb / 1024:.0f} MB (target <= 300 MB)")
PY
