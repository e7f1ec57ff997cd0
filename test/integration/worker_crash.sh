#!/usr/bin/env bash
# The job queue across crashes and restarts of the primary (docs/worker.md, "Crashes and
# restarts"), and without preloading:
#
#  - kill -9 of a worker in the middle of a job: the postmaster restarts the backends; the job is
#    reported failed (57P02) to its waiter, a job queued behind it runs after the restart;
#  - a queued job survives `pg_ctl restart`;
#  - a primary started without shared_preload_libraries: quarry.run works, quarry.submit raises
#    55000 with the hint; then the primary is started again with it.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/verdicts.sh"

: "${QUARRY_PG_PORT:?run through scripts/test.sh (needs the servers environment)}"
db=quarry_worker_crash
bindir=${QUARRY_PG_BINDIR:-/usr/lib/postgresql/15/bin}
log=$(dirname "$QUARRY_PG_DATA")/server.log


pg_ctl_primary() { # args...
    local cmd
    cmd=$(printf '%q ' "$bindir/pg_ctl" -D "$QUARRY_PG_DATA" -l "$log" -w -t 60 "$@")
    if [[ $EUID -eq 0 ]]; then
        setsid -w su postgres -c "$cmd" </dev/null >/dev/null 2>&1
    else
        setsid -w bash -c "$cmd" </dev/null >/dev/null 2>&1
    fi
}
wait_ready() {
    local i
    for i in $(seq 1 120); do
        psql -X -q -At -d postgres -c "SELECT 1" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    return 1
}
restore_server() {
    if ! psql -X -q -At -d postgres -c "SHOW shared_preload_libraries" 2>/dev/null | grep -q quarry; then
        pg_ctl_primary restart -m fast -o "-c shared_preload_libraries=quarry" || true
    fi
    wait_ready || true
    psql -X -q -d postgres -c "ALTER SYSTEM RESET quarry.worker_pool_size" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true
    dropdb --if-exists "$db" >/dev/null 2>&1 || { sleep 3; dropdb --if-exists "$db" >/dev/null 2>&1 || true; }
}
trap restore_server EXIT

q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
q <<'SQL'
CREATE EXTENSION quarry;
CREATE TABLE items (id int, amount int);
INSERT INTO items VALUES (1, 10), (2, 20), (3, 30);
CREATE VIEW slow_10s AS SELECT id, amount FROM items WHERE pg_sleep(10) IS NOT NULL;
SQL
psql -X -q -d postgres -c "ALTER SYSTEM SET quarry.worker_pool_size = 1" -c "SELECT pg_reload_conf()" >/dev/null
sleep 3  # idle workers leave; the next ones read the new pool size

# ---- kill -9 of a worker mid-job ----------------------------------------------------------------
victim=$(q -c "SELECT quarry.submit('{\"source\": \"slow_10s\", \"metrics\": [\"amount\"]}')")
behind=$(q -c "SELECT quarry.submit('{\"source\": \"items\", \"metrics\": [\"amount\"]}')")
pid=""
for _ in $(seq 1 100); do
    pid=$(q -c "SELECT worker_pid FROM quarry.jobs WHERE id = $victim AND state = 'running'")
    [[ -n $pid ]] && break
    sleep 0.1
done
if [[ -n $pid ]]; then ok "the job runs in worker $pid"; else bad "the job never started"; fi
check "the second job waits behind it (pool of 1)" "queued" "$(q -c "SELECT state FROM quarry.jobs WHERE id = $behind")"
kill -9 "$pid"
wait_ready || bad "the primary did not come back after the crash"
out=$(psql -X -At -v VERBOSITY=verbose -d "$db" -c "SELECT quarry.wait($victim, 60000)" 2>&1 || true)
contains "the killed job is reported failed to its waiter (57P02)" "$out" "57P02"
contains "the error says the worker stopped" "$out" "the worker running this job stopped"
check "the killed job is failed in quarry.jobs" "failed|57P02" "$(q -c "SELECT state, sqlstate FROM quarry.jobs WHERE id = $victim")"
check "the job queued behind it runs after the restart" "[[60]]" "$(q -c "SELECT quarry.wait($behind, 60000)->'rows'")"
after=$(q -c "SELECT quarry.submit('{\"source\": \"items\", \"metrics\": [\"amount\"], \"limit\": 2}')")
check "new jobs run after the crash" "[[60]]" "$(q -c "SELECT quarry.wait($after, 60000)->'rows'")"
grep -q "left running by a stopped worker recovered" "$log" && ok "the server log records the recovery" ||
    bad "no recovery line in $log"

# ---- a queued job survives pg_ctl restart --------------------------------------------------------
busy=$(q -c "SELECT quarry.submit('{\"source\": \"slow_10s\", \"metrics\": [\"amount\"], \"limit\": 5}')")
queued=$(q -c "SELECT quarry.submit('{\"source\": \"items\", \"groupby\": [\"id\"], \"metrics\": [\"amount\"], \"order\": [\"id\"]}')")
for _ in $(seq 1 100); do
    [[ $(q -c "SELECT state FROM quarry.jobs WHERE id = $busy") == running ]] && break
    sleep 0.1
done
check "before the restart: one job running, one queued" "running queued" \
    "$(q -c "SELECT state FROM quarry.jobs WHERE id = $busy") $(q -c "SELECT state FROM quarry.jobs WHERE id = $queued")"
pg_ctl_primary restart -m fast || bad "pg_ctl restart failed"
wait_ready || bad "the primary did not come back after pg_ctl restart"
check "the queued job survives the restart and runs" "[[1, 10], [2, 20], [3, 30]]" \
    "$(q -c "SELECT quarry.wait($queued, 60000)->'rows'")"
check "the job running at the restart is failed, not lost" "failed" \
    "$(q -c "SELECT state FROM quarry.jobs WHERE id = $busy")"

# ---- without preloading ---------------------------------------------------------------------
pg_ctl_primary restart -m fast -o "-c shared_preload_libraries=''" || bad "restart without preload failed"
wait_ready || bad "the primary did not come back without preload"
out=$(psql -X -At -v VERBOSITY=verbose -d "$db" -c "SELECT quarry.submit('{\"source\": \"items\", \"metrics\": [\"amount\"]}')" 2>&1 || true)
contains "without preload: submit fails with 55000" "$out" "55000"
contains "without preload: the hint says how to enable it" "$out" "shared_preload_libraries = 'quarry'"
check "without preload: quarry.run works" "[[60]]" "$(q -c "SELECT quarry.run('{\"source\": \"items\", \"metrics\": [\"amount\"]}')->'rows'")"
check "without preload: nothing was queued" "0" "$(q -c "SELECT count(*) FROM quarry.jobs WHERE state = 'queued'")"
pg_ctl_primary restart -m fast -o "-c shared_preload_libraries=quarry" || bad "restart with preload failed"
wait_ready || bad "the primary did not come back with preload"
check "preloaded again: the launcher runs" "1" \
    "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'quarry launcher'")"

exit "$fail"
