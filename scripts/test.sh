#!/usr/bin/env bash
# The one test command (README "Test", and .ci/run): installs and starts what the tests need,
# runs every test project, and ends with one line computed from the TRX results:
#   Tests: N passed, N failed, N skipped
# Exits non-zero when any test failed, the run broke, or no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the tests need beyond the .NET SDK: RabbitMQ and PostgreSQL on loopback (installed from
# Debian and started by scripts/servers.sh), Debian's Chromium for the browser tests and npm for the
# Dashboard's build (installed by the same script). The tests' SMTP server runs in-process.
servers=$(./scripts/servers.sh start)
export TEST_RABBITMQ TEST_POSTGRES
TEST_RABBITMQ=$(sed -n 's/^ConnectionStrings__RabbitMq=//p' <<<"$servers")
TEST_POSTGRES=$(sed -n 's/^ConnectionStrings__Postgres=//p' <<<"$servers")

results="$PWD/TestResults"
rm -rf "$results"
mkdir -p "$results"
# Hang dumps are written here, not to /tmp (a RAM disk on some machines): a few hundred MB each.
export VSTEST_DUMP_TEMP_PATH="$results/dumps"
mkdir -p "$VSTEST_DUMP_TEMP_PATH"

dotnet restore AlertBroadcaster.slnx
dotnet build AlertBroadcaster.slnx --no-restore
# dotnet-dump reads the dump of a test that hangs (below).
dotnet tool restore

set +e
# One test project at a time (-m:1): the distributed tests start several processes each, and the
# machine has two cores. A test project in which no test starts or ends for 10 minutes
# (TEST_HANG_TIMEOUT; the longest test waits 4) has hung: its test host is dumped and stopped, so the
# run ends with the hung test named and the other projects still run, in place of waiting out CI's
# time limit.
dotnet test AlertBroadcaster.slnx --no-build -m:1 --logger "trx" --results-directory "$results" \
  --blame-hang-timeout "${TEST_HANG_TIMEOUT:-10m}" --blame-hang-dump-type full "$@"
test_status=$?
set -e
./scripts/hang-stacks.sh "$results" || echo "scripts/hang-stacks.sh could not read the hang dumps"

# A full run (no dotnet test arguments) also runs the email, SMS and banner benchmarks at a small
# size (bench/ runs them at full size): figures for the log, not tests, so they do not decide the result.
if [ $# -eq 0 ]; then
  echo
  echo "Benchmarks (figures, not tests):"
  BENCH_DEADLINE=300 timeout 600 ./bench/email-fanout.sh 5000 4 || echo "bench/email-fanout.sh did not finish"
  BENCH_DEADLINE=300 timeout 600 ./bench/sms-rate.sh 1000 100 || echo "bench/sms-rate.sh did not finish"
  timeout 600 ./bench/banner.sh 3 || echo "bench/banner.sh did not finish, or served an expired alert (see above)"
fi

# Sum the counters of every TRX file (one a test project).
read -r total executed passed failed < <(
  cat "$results"/*.trx 2>/dev/null | tr '<' '\n' | grep '^Counters ' | awk '
    function attr(name,   m) { if (match($0, name "=\"[0-9]+\"")) { m = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0 } return 0 }
    { t += attr("total"); e += attr("executed"); p += attr("passed"); f += attr("failed") + attr("error") + attr("timeout") + attr("aborted") }
    END { print t + 0, e + 0, p + 0, f + 0 }'
)
# A test host that hung or crashed leaves its sequence file (the tests it ran, the last one unfinished)
# and no result for the test it was running: that test failed. (The TRX logger copies each attachment,
# so count names, not files.) A hang outside any test (a fixture's disposal) leaves no sequence file,
# only the hang's report: one failure too.
aborted=$(find "$results" -name 'Sequence_*.xml' -printf '%f\n' 2>/dev/null | sort -u | wc -l)
if [ "$aborted" -eq 0 ] && [ -n "$(find "$results" -maxdepth 1 -name 'hang-stacks-*.txt' -print -quit 2>/dev/null)" ]; then
  aborted=1
fi
failed=$(( failed + aborted ))
skipped=$(( total - executed ))
[ "$skipped" -ge 0 ] || skipped=0

echo
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"

if [ "$test_status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
