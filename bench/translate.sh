#!/usr/bin/env bash
# Translation benchmark (Google Benchmark, Release build, pinned to one core): writes
# bench/results/translate.json and bench/results/translate.md.
#
#   bench/translate.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=build/bench
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DQUARRY_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j 2 --target quarry_bench >/dev/null
mkdir -p bench/results
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
taskset -c 0 "$BUILD/quarry_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_min_time=0.5 --benchmark_out=bench/results/translate.json \
    --benchmark_out_format=json | tee "$BUILD/translate.txt"
{
    echo "# Translation benchmark"
    echo
    echo "Command: \`bench/translate.sh\` (Release, one core via taskset, 5 repetitions, median shown)."
    echo "Machine: $(nproc) cores, shared; load average (1, 5, 15 min) $load_before before the run,"
    echo "$(cut -d' ' -f1-3 /proc/loadavg) after; $(date -u +%Y-%m-%dT%H:%MZ). Target: the typical spec in at most 10 µs."
    echo
    echo '```'
    grep -E '^(Benchmark|BM_.*_median)' "$BUILD/translate.txt"
    echo '```'
} >bench/results/translate.md
