#!/usr/bin/env bash
# The result cache is transaction-correct across sessions: a REPEATABLE READ transaction that
# computed a result before another session committed a change keeps being served its own state,
# and once it commits, later sessions are served the new state, never the old result.
# Runs against the throwaway primary of scripts/servers.sh (environment from build/servers/env).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/verdicts.sh"

: "${QUARRY_PG_PORT:?run with the servers environment (build/servers/env)}"
DB=quarry_cache_tx
WORK=$(mktemp -d)
cleanup() {
    exec 3>&- 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
    dropdb --if-exists "$DB" 2>/dev/null || true
}
trap cleanup EXIT
dropdb --if-exists "$DB" 2>/dev/null || true
createdb "$DB"
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
q >/dev/null <<'SQL'
CREATE EXTENSION quarry;
CREATE TABLE tx_t (v int);
INSERT INTO tx_t VALUES (1);
SELECT quarry.create_source('tx', 'tx_t');
SQL
SPEC='{"source": "tx", "metrics": ["v"]}'
RUN="SELECT (r->'meta'->>'cached') || ' ' || (r->'rows')::text FROM quarry.run('$SPEC') AS r;"

# Session A: a psql fed through a fifo; `a` sends a statement and waits for its output.
mkfifo "$WORK/a"
psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" <"$WORK/a" >"$WORK/a.out" 2>&1 &
exec 3>"$WORK/a"
# (a runs in command substitutions, i.e. subshells: its counter lives in a file)
echo 0 >"$WORK/n"
a() {
    local n
    n=$(($(cat "$WORK/n") + 1))
    echo "$n" >"$WORK/n"
    printf '%s\n\\echo @@%d\n' "$1" "$n" >&3
    for _ in $(seq 1 300); do
        grep -q "^@@$n\$" "$WORK/a.out" && break
        sleep 0.05
    done
    if [[ $n -eq 1 ]]; then
        sed -n "1,/^@@1\$/p" "$WORK/a.out" | grep -v '^@@' || true
    else
        sed -n "/^@@$((n - 1))\$/,/^@@$n\$/p" "$WORK/a.out" | grep -v '^@@' || true
    fi
}


a "BEGIN ISOLATION LEVEL REPEATABLE READ;" >/dev/null
check "A computes (old data)" "false [[1]]" "$(a "$RUN" | tail -1)"
q -c "INSERT INTO tx_t VALUES (10)"
check "B after its committed change computes the new data" "false [[11]]" "$(q -c "$RUN")"
check "B is served the new data" "true [[11]]" "$(q -c "$RUN")"
check "A, in its snapshot, is served its own state" "true [[1]]" "$(a "$RUN" | tail -1)"
a "COMMIT;" >/dev/null
check "after A commits, a new session gets the new data, never A's" "true [[11]]" "$(q -c "$RUN")"
check "both states stored, keyed by data generation" "2" \
    "$(q -c "SELECT count(*) FROM quarry.cache_entries WHERE source = 'tx'")"
a "BEGIN; DELETE FROM tx_t WHERE v = 10;" >/dev/null
check "an uncommitted delete: others still served the committed state" "true [[11]]" "$(q -c "$RUN")"
check "the deleting transaction computes its own view" "false [[1]]" "$(a "$RUN" | tail -1)"
a "ROLLBACK;" >/dev/null
check "after the rollback nothing of it is served" "true [[11]]" "$(q -c "$RUN")"
exec 3>&-
exit "$fail"
