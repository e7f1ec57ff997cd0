#!/usr/bin/env bash
# `make demo`: install the missing packages, build and install quarry, start the throwaway
# servers (scripts/servers.sh), run scripts/demo.sql with psql on the PostgreSQL primary, and
# stop the servers again (QUARRY_KEEP_SERVERS=1 leaves them running to explore the data;
# `. build/servers/env; psql -X -d quarry_demo`). See docs/demo.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${QUARRY_JOBS:-2}
SERVERS_DIR=${QUARRY_SERVERS_DIR:-$ROOT/build/servers}
export QUARRY_SERVERS_DIR=$SERVERS_DIR

if [[ ! -f scripts/demo.sql ]]; then
    echo "demo not yet available"
    exit 1
fi

scripts/install-deps.sh
make -j "$JOBS"
make install

on_exit() {
    local rc=$?
    if [[ ${QUARRY_KEEP_SERVERS:-0} == 1 ]]; then
        echo
        echo "Servers left running: . $SERVERS_DIR/env; psql -X -d quarry_demo"
        echo "Stop them with: scripts/servers.sh stop"
    else
        scripts/servers.sh stop || rc=1
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

scripts/servers.sh start >/dev/null
set -a
# shellcheck source=/dev/null
. "$SERVERS_DIR/env"
set +a

psql -X -v ON_ERROR_STOP=1 -f scripts/demo.sql
