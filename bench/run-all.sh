#!/usr/bin/env bash
# Runs every benchmark of bench/ and writes docs/BENCHMARKS.md: the date, the machine, one table
# with every DESIGN.md performance target against the figure, the reference measured in the same
# run (nginx, smtp-source, the configured SMS rate), the ratio and met / not met; then each bench's
# own output. The only command that writes docs/BENCHMARKS.md (the benches themselves only print).
#   bench/run-all.sh            the DESIGN.md sizes (about 15–30 min on 2 cores)
#   bench/run-all.sh --quick    small sizes (a few minutes): proves the benches run, not the targets
# Environment: BENCH_NOTE="…" adds a line to the report (e.g. "shared machine"); BENCH_REPORT=path
# writes elsewhere; BENCH_PORT_OFFSET (default 1000) moves every bench's ports away from the defaults
# that scripts/test.sh's short bench runs use.
# Each bench has a deadline: one that overruns is stopped and reported "did not finish", one that
# fails "failed"; the report is written either way, and the exit status is then 1. A missed target
# is a figure, not a failure. The report is rewritten after every bench, so a run stopped half way
# leaves one that says which benches it did not run.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=full
case "${1:-}" in
  '') ;;
  --quick) mode=quick ;;
  *) echo "usage: bench/run-all.sh [--quick]" >&2; exit 2 ;;
esac
report=${BENCH_REPORT:-docs/BENCHMARKS.md}
export BENCH_PORT_OFFSET=${BENCH_PORT_OFFSET:-1000}
logs=$(mktemp -d /tmp/bench-run-all.XXXXXX)
step() { echo "[$(date +%T)] $*" >&2; }

if [ $mode = full ]; then
  publish_args=(200 20) banner_args=(30) email_args=(100000 4) sms_args=(10000 100)
  publish_deadline=900 banner_deadline=900 email_deadline=2700 sms_deadline=900
else
  publish_args=(20 6) banner_args=(5) email_args=(5000 4) sms_args=(1000 100)
  publish_deadline=400 banner_deadline=400 email_deadline=900 sms_deadline=400
fi

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
step "installing and starting the servers and the bench tools"
scripts/servers.sh start >/dev/null
scripts/servers.sh bench-tools
step "building (Release), once for every bench"
dotnet build AlertBroadcaster.slnx -c Release -v q -nologo >"$logs/build.log" 2>&1 || { cat "$logs/build.log" >&2; echo "Release build failed" >&2; exit 1; }
export BENCH_NO_BUILD=1

# run_bench NAME DEADLINE COMMAND…: its output in $logs/NAME.log, its outcome in $logs/NAME.status
# ("finished", "failed N" or "did not finish"), its command line and duration beside it.
failures=0
run_bench() {
  local name=$1 deadline=$2; shift 2
  local t0=$SECONDS status=0
  step "$name: $* (deadline ${deadline} s)"
  echo "$*" >"$logs/$name.command"
  # timeout signals the bench's whole process group: its EXIT trap stops what it started.
  timeout --kill-after=60 "$deadline" "$@" >"$logs/$name.log" 2>&1 || status=$?
  case $status in
    0) echo finished ;;
    124 | 137) echo "did not finish" ;;
    *) echo "failed $status" ;;
  esac >"$logs/$name.status"
  echo $((SECONDS - t0)) >"$logs/$name.seconds"
  [ $status -eq 0 ] || failures=$((failures + 1))
  step "$name: $(cat "$logs/$name.status") after $((SECONDS - t0)) s"
  write_report
}
write_report() {
  python3 bench/report.py --mode "$mode" --logs "$logs" --out "$report" --started "$started" \
    --load-start "$load_start" --load-end "$(cut -d' ' -f1-3 /proc/loadavg)" --note "${BENCH_NOTE:-}"
}

run_bench publish "$publish_deadline" bench/publish-latency.sh "${publish_args[@]}"
run_bench banner "$banner_deadline" bench/banner.sh "${banner_args[@]}"
run_bench email-embedded "$email_deadline" env BENCH_DEADLINE=$((email_deadline - 300)) bench/email-fanout.sh "${email_args[@]}"
run_bench email-distributed "$email_deadline" env BENCH_DEADLINE=$((email_deadline - 300)) bench/email-fanout.sh --distributed "${email_args[@]}"
run_bench sms "$sms_deadline" env BENCH_DEADLINE=$((sms_deadline - 120)) bench/sms-rate.sh "${sms_args[@]}"

step "done: $report (bench logs in $logs)"
[ $failures -eq 0 ]
