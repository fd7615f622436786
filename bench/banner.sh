#!/usr/bin/env bash
# Benchmark (prints figures; not a test): the public banner endpoint against nginx serving the same
# JSON bytes as a static file, on the distributed topology (RabbitMQ + PostgreSQL on loopback,
# Broadcaster, ONE Channels banner replica — the one measured, Channels:Role=Banner as the compose file
# runs it — and a staff-only Dashboard), Release builds.
#   1. three live alerts for one site; wrk -t2 -c128 against /api/banner/current?site=… on the
#      Channels replica and against nginx serving that exact response body as a file (a few
#      seconds' warm-up first for each, not recorded), in rounds that take turns (replica, nginx;
#      nginx, replica; …) so that a machine getting busier or quieter meanwhile favours neither:
#      requests/s over all rounds, p50 and p99 as the median of the rounds', the ratio;
#   2. churn: wrk again against the replica while bench/BannerChurn creates an alert a second that
#      expires 3 s later and checks every banner response it gets for an expired alert.
# DESIGN.md targets: requests/s ≥ 1.0 × nginx's, p99 no worse than nginx's, no expired alert served.
#   bench/banner.sh [duration in seconds, default 10]
# The duration is each side's measured time in all, split into BANNER_ROUNDS rounds (default 3 when
# each round gets at least 3 s, else 1).
# Besides its figures it prints "RESULT key=value" lines (bench/run-all.sh collects them).
# BENCH_PORT_OFFSET moves its ports (5390–5393); BENCH_NO_BUILD=1 skips the build.
# Exits non-zero if a step fails or an expired alert was served; a missed throughput target is a
# figure, not a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
warmup=$(( duration < 5 ? 2 : 5 ))
threads=2 connections=128
site=john-radcliffe
# Ports of their own, so another checkout's bench or tests on this machine do not collide.
offset=${BENCH_PORT_OFFSET:-0}
dashboard_port=$((5390 + offset)) broadcaster_port=$((5391 + offset)) channels_port=$((5392 + offset)) nginx_port=$((5393 + offset))
api=http://127.0.0.1:$dashboard_port
channels=http://127.0.0.1:$channels_port
nginx_url=http://127.0.0.1:$nginx_port

source bench/topology.sh

step "installing wrk and nginx if missing; starting RabbitMQ and PostgreSQL"
scripts/servers.sh bench-tools
PATH=$PATH:/usr/sbin
ports_free $dashboard_port $broadcaster_port $channels_port $nginx_port
# A RabbitMQ virtual host and a database of its own: on the shared broker another checkout's
# Broadcaster would otherwise take this Dashboard's commands from the shared queues.
topology_begin banner
chmod 755 "$work" # nginx's workers (www-data when started by root) read the body file under it

if [ -z "${BENCH_NO_BUILD:-}" ]; then
  step "building (Release)"
  # Release: throughput is not measured on Debug builds. BannerChurn is in the solution.
  dotnet build AlertBroadcaster.slnx -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "Release build failed"; }
fi

step "starting Broadcaster, one Channels replica and the Dashboard"
start_process Broadcaster $broadcaster_port
broadcaster_pid=${pids[-1]}
# The measured process: Production, warnings only, so logging is not what is measured. As the compose
# file deploys the replicas the websites poll: a banner replica (no delivery jobs, no forms) with the
# runtime's socket completions inline. BANNER_ROLE=Full measures a full replica instead (which refuses
# inline completions).
if [ "${BANNER_ROLE:-Banner}" = Banner ]; then
  start_process Channels $channels_port ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Hosting__InstanceName=bench-banner-$$ \
    Channels__Role=Banner DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
else
  start_process Channels $channels_port ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Hosting__InstanceName=bench-banner-$$
fi
channels_pid=${pids[-1]}
start_process Dashboard $dashboard_port Hosting__Embedded=false Api__Keys__0=bench-key Admin__Password=bench-password-1234
dashboard_pid=${pids[-1]}

step "creating 3 live alerts for $site"
# post JSON → prints the new alert's id; a clear error with the API's answer otherwise
post() {
  local answer
  answer=$(curl -sS -X POST "$api/api/alerts" -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' \
    -d "$1" -w '\n%{http_code}') || fail "POST /api/alerts: no answer"
  [[ "${answer##*$'\n'}" == 201 ]] || fail "POST /api/alerts answered ${answer##*$'\n'}: ${answer%$'\n'*}"
  grep -o '"id":"[^"]*"' <<<"${answer%$'\n'*}" | head -1 | cut -d'"' -f4
}
ids=()
ids+=("$(post '{"kind":"VisitingRestrictions","severity":"Warning","headline":"Visiting restrictions on all wards","body":"From Monday, **one visitor per patient** between 2pm and 8pm. Children under 16 cannot visit.","link":{"text":"Visiting rules in full","url":"https://www.ouh.nhs.uk/visiting"},"sites":["'$site'"]}')")
ids+=("$(post '{"kind":"General","severity":"Info","headline":"Main car park: level 2 closed for resurfacing","body":"Please allow extra time to park. Blue badge bays on level 1 are not affected.","sites":["'$site'"]}')")
ids+=("$(post '{"kind":"General","severity":"Urgent","headline":"Emergency department is very busy","body":"Please only come to the emergency department if it is a life-threatening emergency. Use NHS 111 online for urgent advice.","link":{"text":"NHS 111 online","url":"https://111.nhs.uk/"},"sites":["'$site'"]}')")
for id in "${ids[@]}"; do [ -n "$id" ] || fail "POST /api/alerts did not return an alert id (see /tmp/bench-Dashboard-$dashboard_port.log)"; done

banner_path=/api/banner/current
banner_url="$channels$banner_path?site=$site"
deadline=$((SECONDS + 60))
lists_all() { local id; for id in "${ids[@]}"; do grep -q "$id" <<<"$1" || return 1; done; }
until body=$(curl -fs "$banner_url") && lists_all "$body"; do
  ((SECONDS < deadline)) || fail "the replica's banner did not list all 3 alerts after 60 s: ${body:-no answer}"
  sleep 0.2
done

# nginx: the exact bytes the replica serves, at the same path, its own configuration and prefix.
mkdir -p "$work/nginx/www$(dirname $banner_path)" "$work/nginx/logs"
curl -fs "$banner_url" -o "$work/nginx/www$banner_path"
body_bytes=$(stat -c %s "$work/nginx/www$banner_path")
cat >"$work/nginx/nginx.conf" <<CONF
# The reference: the fastest sensible static-file setup (keep-alive without a request limit,
# sendfile, cached file handle, no access log).
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; multi_accept on; }
http {
  types { }
  default_type application/json;
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/www;
    location = $banner_path { }
  }
}
CONF
mkdir -p "$work/nginx/tmp"
nginx -t -q -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/logs/test.log" || { cat "$work/nginx/logs/test.log" >&2; fail "nginx rejected its configuration"; }
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' 2>>"$work/nginx/logs/error.log" &
pids+=($!)
nginx_pid=$!
wait_for "$nginx_url$banner_path?site=$site" 20 nginx "$nginx_pid" "$work/nginx/logs/error.log"
cmp -s <(curl -fs "$nginx_url$banner_path?site=$site") "$work/nginx/www$banner_path" || fail "nginx does not serve the saved body"

# CPU seconds (user + system) used so far by the given processes.
cpu_seconds() {
  local pid ticks=0
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$ticks"
}
# run_wrk NAME URL SECONDS → $work/wrk-NAME.txt, and $work/cpu-raw-NAME.txt: CPU seconds used meanwhile
# by the measured process, nginx's workers, the Broadcaster, the Dashboard and wrk itself.
run_wrk() {
  local name=$1 c0 n0 b0 d0 nginx_workers hz
  hz=$(getconf CLK_TCK)
  nginx_workers=$(pgrep -P "$nginx_pid" 2>/dev/null | tr '\n' ' ' || true)
  c0=$(cpu_seconds "$channels_pid"); n0=$(cpu_seconds $nginx_workers); b0=$(cpu_seconds "$broadcaster_pid"); d0=$(cpu_seconds "$dashboard_pid")
  local TIMEFORMAT='%U %S'
  { time wrk -t$threads -c$connections -d"$3"s --latency "$2" >"$work/wrk-$name.txt" 2>&1; } 2>"$work/cpu-wrk-$name.txt" \
    || { cat "$work/wrk-$name.txt" >&2; fail "wrk failed against $2"; }
  awk -v hz="$hz" -v c=$(($(cpu_seconds "$channels_pid") - c0)) -v n=$(($(cpu_seconds $nginx_workers) - n0)) \
    -v b=$(($(cpu_seconds "$broadcaster_pid") - b0)) -v d=$(($(cpu_seconds "$dashboard_pid") - d0)) \
    '{ printf "%.2f %.2f %.2f %.2f %.2f\n", c / hz, n / hz, b / hz, d / hz, $1 + $2 }' \
    "$work/cpu-wrk-$name.txt" >"$work/cpu-raw-$name.txt"
}
# cpu_summary FILE… → the runs' CPU seconds added up, process by process.
cpu_summary() {
  awk '{ for (i = 1; i <= 5; i++) sum[i] += $i }
    END { printf "Channels %.1f, nginx workers %.1f, Broadcaster %.1f, Dashboard %.1f, wrk %.1f\n", sum[1], sum[2], sum[3], sum[4], sum[5] }' "$@"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rounds=${BANNER_ROUNDS:-$(( duration >= 9 ? 3 : 1 ))}
round_s=$(( duration / rounds ))
[ "$round_s" -ge 1 ] || fail "a ${duration} s run cannot be split into $rounds rounds"
nginx_banner_url="$nginx_url$banner_path?site=$site"
step "wrk -t$threads -c$connections: warm-up ${warmup} s each, then $rounds round(s) of ${round_s} s against the replica and against nginx, taking turns"
run_wrk warmup-channels "$banner_url" "$warmup"
run_wrk warmup-nginx "$nginx_banner_url" "$warmup"
for round in $(seq 1 "$rounds"); do
  if (( round % 2 == 1 )); then
    run_wrk "channels-$round" "$banner_url" "$round_s"; run_wrk "nginx-$round" "$nginx_banner_url" "$round_s"
  else
    run_wrk "nginx-$round" "$nginx_banner_url" "$round_s"; run_wrk "channels-$round" "$banner_url" "$round_s"
  fi
done

step "churn: ${duration} s of wrk against the replica while an alert a second is published and expires"
churn_status=0
dotnet bench/BannerChurn/bin/Release/net10.0/AlertBroadcaster.BannerChurn.dll "$api" bench-key "$channels" "$site" "$duration" 4 \
  >"$work/churn.txt" 2>"$work/churn-errors.txt" &
churn_pid=$!
pids+=($churn_pid)
sleep 1 # let the first alert be published before the measured run starts
run_wrk churn "$banner_url" "$duration"
wait "$churn_pid" || churn_status=$?
peak_kb=$(grep VmHWM "/proc/$channels_pid/status" | awk '{print $2}')

echo
echo "bench/banner.sh $duration — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average before the runs: $load_before"
echo "GET /api/banner/current?site=$site: 3 live alerts, $body_bytes-byte body; wrk -t$threads -c$connections --latency, $rounds round(s) of ${round_s} s each side"
python3 - "$work" "$duration" "$rounds" <<'PY'
import re, statistics, sys
work, duration, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])

def ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

def parse(name):
    text = open(f"{work}/wrk-{name}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    pct = {p: ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    errors = []
    if m := re.search(r"Socket errors: (.*)", text): errors.append("socket errors: " + m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text): errors.append(m.group(1) + " non-2xx")
    return rps, pct["50"], pct["99"], "; ".join(errors) or "none"

def combine(name):
    """Rounds of equal length: requests/s is their mean; p50 and p99 the median of the rounds'."""
    each = [parse(f"{name}-{r}") for r in range(1, rounds + 1)]
    errors = "; ".join(e[3] for e in each if e[3] != "none") or "none"
    return (statistics.mean(e[0] for e in each), statistics.median(e[1] for e in each),
            statistics.median(e[2] for e in each), errors), each

(channels, channel_rounds), (nginx, nginx_rounds) = combine("channels"), combine("nginx")
if rounds > 1:
    print("each round (replica | nginx): " + "; ".join(
        f"{c[0]:,.0f}/s p99 {c[2]:.2f} ms | {x[0]:,.0f}/s p99 {x[2]:.2f} ms" for c, x in zip(channel_rounds, nginx_rounds)))
rows = {"channels": channels, "nginx": nginx, "churn": parse("churn")}
print(f"{'':30} {'requests/s':>11} {'p50':>9} {'p99':>9}  errors")
labels = {"channels": "Channels (3 alerts)", "nginx": "nginx, same bytes (static)", "churn": "Channels under churn"}
for n, (rps, p50, p99, errors) in rows.items():
    print(f"{labels[n]:30} {rps:>11,.0f} {p50:>7.2f}ms {p99:>7.2f}ms  {errors}")
c, x, ch = rows["channels"], rows["nginx"], rows["churn"]
ratio = c[0] / x[0]
print(f"ratio Channels / nginx: {ratio:.2f} (target >= 1.0: {'met' if ratio >= 1.0 else 'NOT met'})")
print(f"p99 Channels {c[2]:.2f} ms vs nginx {x[2]:.2f} ms (target: no worse: {'met' if c[2] <= x[2] else 'NOT met'})")
print(f"under churn: {ch[0] / x[0]:.2f} x nginx's requests/s, p99 {ch[2]:.2f} ms")
results = {"duration_s": duration, "ratio": f"{ratio:.3f}", "churn_ratio": f"{ch[0] / x[0]:.3f}"}
for n, key in (("channels", "channels"), ("nginx", "nginx"), ("churn", "churn")):
    rps, p50, p99, errors = rows[n]
    results.update({f"{key}_rps": f"{rps:.0f}", f"{key}_p50_ms": f"{p50:.2f}", f"{key}_p99_ms": f"{p99:.2f}", f"{key}_errors": errors})
for key, value in results.items():
    print(f"RESULT banner.{key}={value}")
PY
cpu_summary "$work"/cpu-raw-channels-[0-9]*.txt >"$work/cpu-channels.txt"
cpu_summary "$work"/cpu-raw-nginx-[0-9]*.txt >"$work/cpu-nginx.txt"
cpu_summary "$work/cpu-raw-churn.txt" >"$work/cpu-churn.txt"
echo "CPU-seconds used while each side was measured ($(nproc) cores × $((rounds * round_s)) s = $(($(nproc) * rounds * round_s)) available; churn: × ${duration} s; the rest went to RabbitMQ, PostgreSQL and anything else on the machine):"
for name in channels nginx churn; do printf '  %-9s %s\n' "$name:" "$(cat "$work/cpu-$name.txt")"; done
echo "peak resident memory of the Channels process: $((peak_kb / 1024)) MB"
echo "RESULT banner.body_bytes=$body_bytes"
echo "RESULT banner.load_before=$load_before"
echo "RESULT banner.channels_peak_rss_mb=$((peak_kb / 1024))"
for name in channels nginx churn; do echo "RESULT banner.cpu_$name=$(cat "$work/cpu-$name.txt")"; done
cat "$work/churn.txt"
if [ -s "$work/churn-errors.txt" ]; then echo "churn console's errors:"; head -20 "$work/churn-errors.txt"; fi
case $churn_status in
  0) echo "expiry under churn: met (no expired alert served)"; echo "RESULT banner.churn_check=passed" ;;
  1) echo "expiry under churn: NOT met — an expired alert was served" >&2; echo "RESULT banner.churn_check=expired alert served"; exit 1 ;;
  3) echo "RESULT banner.churn_check=proved nothing"; fail "the churn check proved nothing (see the console's output above)" ;;
  *) fail "the churn console failed (status $churn_status)" ;;
esac
