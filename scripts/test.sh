#!/usr/bin/env bash
# Everything `make test` runs:
#
#   1. scripts/install-deps.sh
#   2. unit          build/asan (Debug, ASan+UBSan), ctest: test/unit/*.cpp
#   3.               build/core (Release): the core, the benchmarks (compiled, not run)
#      tidy          clang-tidy over the core (scripts/tidy.sh, checks in .clang-tidy)
#                    make + make install: quarry.so into the local PostgreSQL 15
#   4.               scripts/servers.sh start (stopped again on exit, also after a failure)
#   5. regress       make installcheck: pg_regress sql/*.sql against the throwaway primary
#   6. differential  build/asan/quarry_differential with the servers' environment
#   7. integration   every test/integration/*.sh, each with the servers' environment
#
# Prints "N passed, N failed" (suites) last; exits non-zero when anything failed.
# Environment: QUARRY_JOBS (default 2) parallel build jobs; QUARRY_KEEP_SERVERS=1 leaves the
# servers running after the run (for poking at a failure).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${QUARRY_JOBS:-2}
SERVERS_DIR=${QUARRY_SERVERS_DIR:-$ROOT/build/servers}
export QUARRY_SERVERS_DIR=$SERVERS_DIR

# Sanitizers. LeakSanitizer works in this sandbox (checked; it needs ptrace-like access that
# some containers forbid; there, run with ASAN_OPTIONS=detect_leaks=0).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=()
failed=()
skipped=()

section() { printf '\n===== %s =====\n' "$*"; }

summary() {
    section "summary"
    local s
    for s in "${passed[@]+"${passed[@]}"}"; do echo "PASS  $s"; done
    for s in "${skipped[@]+"${skipped[@]}"}"; do echo "SKIP  $s"; done
    for s in "${failed[@]+"${failed[@]}"}"; do echo "FAIL  $s"; done
    echo "${#passed[@]} passed, ${#failed[@]} failed"
}

# A build step that fails ends the run (nothing after it can be trusted).
fatal() {
    failed+=("$1")
    echo "test.sh: $1 failed; stopping here" >&2
    exit 1
}

servers_started=0
on_exit() {
    local rc=$?
    if ((servers_started)) && [[ ${QUARRY_KEEP_SERVERS:-0} != 1 ]]; then
        section "stopping servers"
        scripts/servers.sh stop || rc=1
    fi
    summary
    if ((${#failed[@]} > 0)) && ((rc == 0)); then rc=1; fi
    exit "$rc"
}
trap on_exit EXIT
trap 'failed+=("interrupted (SIGINT)"); exit 130' INT
trap 'failed+=("interrupted (SIGTERM)"); exit 143' TERM

# One test run per tree at a time (they share build/ and build/servers).
mkdir -p build
exec 8>build/.test.lock
if ! flock -n 8; then
    echo "test.sh: another test run holds build/.test.lock; waiting (up to 1 h)" >&2
    flock -w 3600 8 || fatal "waiting for build/.test.lock"
fi

run_suite() { # name command...
    local name=$1
    shift
    section "$name"
    if "$@"; then
        passed+=("$name")
    else
        failed+=("$name")
    fi
}

# ---------------------------------------------------------------------------------------------
section "dependencies"
scripts/install-deps.sh || fatal "install-deps"

# ---------------------------------------------------------------------------------------------
section "build/asan (Debug, ASan+UBSan)"
cmake -S . -B build/asan -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Debug -DQUARRY_SANITIZE=ON \
    -DQUARRY_BUILD_TESTS=ON -DQUARRY_BUILD_BENCH=OFF >/dev/null || fatal "configure build/asan"
cmake --build build/asan -j "$JOBS" || fatal "build build/asan"

if [[ -x build/asan/quarry_unit_tests ]] && compgen -G 'test/unit/*.cpp' >/dev/null; then
    run_suite unit ctest --test-dir build/asan --output-on-failure -j "$JOBS" --no-tests=error
else
    skipped+=("unit (no test/unit/*.cpp)")
fi

# ---------------------------------------------------------------------------------------------
section "build/core (Release) + quarry.so"
cmake -S . -B build/core -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release -DQUARRY_SANITIZE=OFF \
    -DQUARRY_BUILD_TESTS=OFF -DQUARRY_BUILD_BENCH=ON >/dev/null || fatal "configure build/core"
cmake --build build/core -j "$JOBS" || fatal "build build/core (core + benchmarks)"
run_suite tidy scripts/tidy.sh
make -j "$JOBS" || fatal "make (quarry.so)"
make install || fatal "make install"

# ---------------------------------------------------------------------------------------------
section "servers"
servers_started=1
scripts/servers.sh start >/dev/null || fatal "scripts/servers.sh start"
set -a
# shellcheck source=/dev/null
. "$SERVERS_DIR/env"
set +a
echo "primary 127.0.0.1:$QUARRY_PG_PORT, redshift stand-in 127.0.0.1:$QUARRY_RS_PORT," \
    "MariaDB 127.0.0.1:$QUARRY_MY_PORT (env: $SERVERS_DIR/env)"

# ---------------------------------------------------------------------------------------------
regress() {
    rm -rf build/regress
    if make installcheck; then
        return 0
    fi
    if [[ -f build/regress/regression.diffs ]]; then
        echo "----- build/regress/regression.diffs -----"
        cat build/regress/regression.diffs
    fi
    return 1
}
if compgen -G 'sql/*.sql' >/dev/null; then
    scripts/fdw_fixtures.sh || fatal "scripts/fdw_fixtures.sh (remote fixtures of the FDW tests)"
    run_suite regress regress
else
    skipped+=("regress (no sql/*.sql)")
fi

# ---------------------------------------------------------------------------------------------
if [[ -x build/asan/quarry_differential ]]; then
    run_suite differential build/asan/quarry_differential
else
    skipped+=("differential (no test/differential/*.cpp)")
fi

# ---------------------------------------------------------------------------------------------
if [[ -x build/asan/quarry_remote_tests ]]; then
    run_suite remote build/asan/quarry_remote_tests
else
    skipped+=("remote (no test/remote/*.cpp)")
fi

# ---------------------------------------------------------------------------------------------
shopt -s nullglob
integration=(test/integration/*.sh)
shopt -u nullglob
for script in "${integration[@]}"; do
    run_suite "integration $(basename "$script" .sh)" bash "$script"
done
((${#integration[@]})) || skipped+=("integration (no test/integration/*.sh)")
