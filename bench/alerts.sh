# Shared by the benchmark scripts (sourced, not run): posting an alert and waiting for its delivery.
# Expects $api (the Dashboard's address) and the API key bench-key.

now() { date +%s.%N; }

# post_alert JSON → prints the new alert's id
post_alert() {
  curl -fs -X POST "$api/api/alerts" -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' -d "$1" |
    grep -o '"id":"[^"]*"' | cut -d'"' -f4
}

# wait_until_sent ID CHANNEL COUNT: until the alert's delivery reports COUNT sent and none pending;
# gives up (status 1) after BENCH_DEADLINE seconds (default 1800). It follows the Dashboard's own live
# progress stream (GET /api/alerts/{id}/progress, server-sent events: an event whenever a count is
# stored), as the alert's page does, so the moment is exact and watching costs the system nothing
# between events. Polling GET /api/alerts/{id} 20 times a second instead (each a bus request to the
# Broadcaster and database reads) took 0.5 of this 2-core machine's cores from the send being measured
# (Dashboard 0.24, Broadcaster 0.30 during a distributed email fan-out).
wait_until_sent() {
  python3 - "$api" "$1" "$2" "$3" "${BENCH_DEADLINE:-1800}" <<'PY'
import http.client, json, sys, time, urllib.parse
api, alert, channel, count, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
url = urllib.parse.urlsplit(api)
deadline = time.monotonic() + limit
sent, pending = None, None
while time.monotonic() < deadline:
    try:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        connection.request("GET", f"/api/alerts/{alert}/progress", headers={"Authorization": "Bearer bench-key", "Accept": "text/event-stream"})
        response = connection.getresponse()
        if response.status != 200:
            time.sleep(0.5)
            continue
        while time.monotonic() < deadline:
            line = response.readline()
            if not line:
                break  # the stream ended: open it again
            if line.startswith(b"data:"):
                counts = {k.lower(): v for k, v in json.loads(line[5:]).items()}.get(channel) or {}
                sent, pending = counts.get("sent"), counts.get("pending")
                if sent == count and pending == 0:
                    sys.exit(0)
    except (OSError, http.client.HTTPException, ValueError):
        time.sleep(0.5)  # then open the stream again
print(f"gave up waiting: {channel} of alert {alert} at sent={sent}, pending={pending} of {count}", file=sys.stderr)
sys.exit(1)
PY
}
