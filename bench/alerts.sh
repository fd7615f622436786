# Shared by the benchmark scripts (sourced, not run): posting an alert and waiting for its delivery.
# Expects $api (the Dashboard's address) and the API key bench-key.

now() { date +%s.%N; }

# post_alert JSON → prints the new alert's id
post_alert() {
  curl -fs -X POST "$api/api/alerts" -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' -d "$1" |
    grep -o '"id":"[^"]*"' | cut -d'"' -f4
}

# wait_until_sent ID CHANNEL COUNT POLL_SECONDS: until GET /api/alerts/{id} reports COUNT sent and none
# pending; gives up (status 1) after BENCH_DEADLINE seconds (default 1800). One Python process on one
# kept-alive connection: a shell loop of curl, grep and cut spawned about eight processes a poll, and at
# 20 polls a second those took a quarter of this 2-core machine from the system being measured
# (`perf sched latency` during bench/email-fanout.sh: 2.2 s of CPU in 4 s).
wait_until_sent() {
  python3 - "$api" "$1" "$2" "$3" "$4" "${BENCH_DEADLINE:-1800}" <<'PY'
import http.client, json, sys, time, urllib.parse
api, alert, channel, count, poll, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
url = urllib.parse.urlsplit(api)
deadline = time.monotonic() + limit
connection, sent, pending = None, None, None
while time.monotonic() < deadline:
    try:
        connection = connection or http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        connection.request("GET", f"/api/alerts/{alert}", headers={"Authorization": "Bearer bench-key"})
        response = connection.getresponse()
        body = response.read()
        if response.status == 200:
            delivery = (json.loads(body).get("delivery") or {}).get(channel) or {}
            sent, pending = delivery.get("sent"), delivery.get("pending")
            if sent == count and pending == 0:
                sys.exit(0)
    except (OSError, http.client.HTTPException, ValueError):
        connection = None  # the next poll opens a new connection
    time.sleep(poll)
print(f"gave up waiting: {channel} of alert {alert} at sent={sent}, pending={pending} of {count}", file=sys.stderr)
sys.exit(1)
PY
}
