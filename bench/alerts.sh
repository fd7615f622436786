# Shared by the benchmark scripts (sourced, not run): posting an alert and waiting for its delivery.
# Expects $api (the Dashboard's address) and the API key bench-key.

now() { date +%s.%N; }

# post_alert JSON → prints the new alert's id
post_alert() {
  curl -fs -X POST "$api/api/alerts" -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' -d "$1" |
    grep -o '"id":"[^"]*"' | cut -d'"' -f4
}

# wait_until_sent ID CHANNEL COUNT POLL_SECONDS: until GET /api/alerts/{id} reports COUNT sent and none
# pending; gives up (status 1) after BENCH_DEADLINE seconds (default 1800)
wait_until_sent() {
  local delivery sent pending deadline=$((SECONDS + ${BENCH_DEADLINE:-1800}))
  while :; do
    if ((SECONDS > deadline)); then
      echo "gave up waiting: $2 of alert $1 at sent=${sent:-?}, pending=${pending:-?} of $3" >&2
      return 1
    fi
    delivery=$(curl -fs "$api/api/alerts/$1" -H 'Authorization: Bearer bench-key' | grep -o "\"$2\":{[^}]*}")
    sent=$(grep -o '"sent":[0-9]*' <<<"$delivery" | cut -d: -f2)
    pending=$(grep -o '"pending":[0-9]*' <<<"$delivery" | cut -d: -f2)
    [[ "$sent" == "$3" && "$pending" == 0 ]] && return
    sleep "$4"
  done
}
