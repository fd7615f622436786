#!/usr/bin/env bash
# Prints where a hung test waited, from each hang dump the test run's blame collector left under
# the results folder (scripts/test.sh): the async chains that pass through the project's own code
# (dumpasync) and every thread's stack, threads alike merged (pstacks). The whole analysis is kept
# beside the dump's folder as hang-stacks-<pid>.txt and the dump, a few hundred MB, is deleted.
#   usage: scripts/hang-stacks.sh <results folder>
set -uo pipefail
results=${1:?usage: scripts/hang-stacks.sh <results folder>}
cd "$(dirname "$0")/.."

# The TRX logger copies each attachment into its own folder: one analysis a dump, every copy deleted.
# The test host and each process it started are dumped; at most 15 minutes go on reading them, so a
# hang still ends well inside CI's time limit.
deadline=$(( SECONDS + 900 ))
find "$results" -name '*_hangdump.dmp' -printf '%f\n' 2>/dev/null | sort -u | while read -r name; do
  dump=$(find "$results" -name "$name" -print -quit)
  report="$results/hang-stacks-${name%.dmp}.txt"
  left=$(( deadline - SECONDS ))
  if [ "$left" -le 0 ]; then
    echo "Not read, for time: $name"
    find "$results" -name "$name" -delete
    continue
  fi
  timeout "$(( left < 300 ? left : 300 ))" dotnet tool run dotnet-dump analyze "$dump" \
    -c "dumpasync --coalesce" -c "pstacks" -c exit >"$report" 2>&1 </dev/null
  echo
  echo "A test hung. Its async chains through AlertBroadcaster code, then its threads (all of it: $report):"
  # dumpasync prints blocks that begin "STACKS n"; keep those naming the project's code.
  awk '/^STACKS /{ if (keep) printf "%s", block; block = ""; keep = 0 }
       /^STACKS /,0 { block = block $0 "\n"; if (/AlertBroadcaster/) keep = 1 }
       /^_+$/ { exit }
       END { if (keep) printf "%s", block }' "$report" | head -n 300
  sed -n '/^_\{10,\}$/,$p' "$report" | head -n 300
  find "$results" -name "$name" -delete
done
