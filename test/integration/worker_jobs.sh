#!/usr/bin/env bash
# The job queue with several sessions against the real servers (docs/worker.md):
#
#  - submit / wait / cancel from several sessions;
#  - superseding on a channel and quarry.cancel stop the running job's remote statement (MariaDB
#    processlist; how fast is printed, ~50 ms here);
#  - fairness: tenant A queues many jobs, tenant B one: B's job starts before every job of A that
#    was still queued (started_at order);
#  - interactive before background;
#  - single flight: 20 sessions submit the same spec at once: MariaDB's general log shows exactly
#    one statement, and all 20 get the result;
#  - the job log's upkeep: with quarry.job_retention = 1s, the finished jobs above are deleted
#    when the worker leaves the idle database;
#  - DROP EXTENSION right after submits, 15 times, never deadlocks with the workers.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/verdicts.sh"

: "${QUARRY_PG_PORT:?run through scripts/test.sh (needs the servers environment)}"
db=quarry_worker_jobs
marker=wj_sf_$$_$RANDOM
restore_settings() {
    psql -X -q -d postgres -c "ALTER SYSTEM RESET quarry.worker_pool_size" \
        -c "ALTER SYSTEM RESET quarry.max_running_per_tenant" \
        -c "ALTER SYSTEM RESET quarry.job_retention" -c "SELECT pg_reload_conf()" \
        >/dev/null 2>&1 || true
}
cleanup() {
    restore_settings
    mysql_root -e "SET GLOBAL general_log = 0" >/dev/null 2>&1 || true
    # Workers leave an idle database after quarry.worker_idle_timeout; DROP DATABASE waits 5 s.
    dropdb --if-exists "$db" >/dev/null 2>&1 || { sleep 3; dropdb --if-exists "$db" >/dev/null 2>&1 || true; }
}
trap cleanup EXIT


q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"

mysql_root <<SQL
DROP VIEW IF EXISTS wj_slow;
DROP VIEW IF EXISTS $marker;
DROP TABLE IF EXISTS wj_items;
CREATE TABLE wj_items (id INT PRIMARY KEY, amount INT);
INSERT INTO wj_items VALUES (1, 10), (2, 20);
CREATE VIEW wj_slow AS SELECT id, amount FROM wj_items WHERE SLEEP(30) = 0;
-- 3 seconds per statement (one row), named after this run for the general log.
CREATE VIEW $marker AS SELECT id, amount FROM wj_items WHERE id = 1 AND SLEEP(3) = 0;
SQL

q <<SQL
CREATE EXTENSION quarry;
CREATE SERVER my FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host '$QUARRY_MY_HOST', port '$QUARRY_MY_PORT', dbname '$QUARRY_MY_DB');
CREATE USER MAPPING FOR CURRENT_USER SERVER my
    OPTIONS (user '$QUARRY_MY_USER', password '$QUARRY_MY_PASSWORD');
CREATE FOREIGN TABLE my_slow (id int, amount int) SERVER my OPTIONS (table_name 'wj_slow');
CREATE FOREIGN TABLE my_items (id int, amount int) SERVER my OPTIONS (table_name 'wj_items');
CREATE FOREIGN TABLE my_sf (id int, amount int) SERVER my OPTIONS (table_name '$marker');
CREATE TABLE items (id int, amount int);
INSERT INTO items VALUES (1, 10), (2, 20), (3, 30);
-- About a second per job, locally.
CREATE VIEW slow_1s AS SELECT id, amount FROM items WHERE pg_sleep(0.4) IS NOT NULL;
SQL

slow_sleepers() { mysql_root -e "SELECT count(*) FROM information_schema.processlist WHERE info LIKE '%wj_slow%' AND info NOT LIKE '%processlist%'"; }
wait_for_sleepers() { # n
    local i running=0
    for i in $(seq 1 100); do
        running=$(slow_sleepers)
        [[ $running == "$1" ]] && break
        sleep 0.1
    done
    echo "$running"
}
gone_within_1s() { # label -> checks the remote statement disappears; reports how fast
    # How fast is reported, not asserted (tests assert no timing; bench/ measures speed): the
    # wait is bounded generously so that a loaded machine does not fail it.
    local i left=1 start=$(date +%s%N)
    for i in $(seq 1 200); do
        left=$(slow_sleepers)
        [[ $left == 0 ]] && break
        sleep 0.05
    done
    local ms=$((($(date +%s%N) - start) / 1000000))
    check "$1: the remote statement is gone" "0" "$left"
    echo "     ($1: gone ${ms} ms after the request)"
}

# ---- submit / wait / cancel from several sessions ---------------------------------------------
spec='{"source": "items", "groupby": ["id"], "metrics": ["amount"], "order": ["id"]}'
expected=$(q -c "SELECT quarry.run('$spec')->'rows'")
pids=()
for s in $(seq 1 5); do
    (
        job=$(q -c "SELECT quarry.submit('{\"source\": \"items\", \"groupby\": [\"id\"], \"metrics\": [\"amount\"], \"order\": [\"id\"], \"limit\": $((10 + s))}')")
        q -c "SELECT quarry.wait($job, 60000)->'rows'" >"/tmp/wj_$$_$s"
    ) &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
same=0
for s in $(seq 1 5); do
    [[ $(cat "/tmp/wj_$$_$s") == "$expected" ]] && same=$((same + 1))
    rm -f "/tmp/wj_$$_$s"
done
check "5 sessions submit and wait: each gets quarry.run's rows" "5" "$same"

# wait in one session, cancel from another: the waiter wakes with the state.
job=$(q -c "SELECT quarry.submit('{\"source\": \"my_slow\", \"metrics\": [\"amount\"]}')")
check "a slow remote job is running remotely" "1" "$(wait_for_sleepers 1)"
q -c "SELECT quarry.wait($job, 60000)" >/tmp/wj_wait_$$ &
waiter=$!
sleep 0.3
check "quarry.cancel of a running job" "t" "$(q -c "SELECT quarry.cancel($job)")"
gone_within_1s "cancel"
wait "$waiter"
contains "the waiter in another session wakes with the state" "$(cat /tmp/wj_wait_$$)" '"state": "cancelled"'
rm -f /tmp/wj_wait_$$
check "the job is cancelled" "cancelled" "$(q -c "SELECT state FROM quarry.jobs WHERE id = $job")"
check "cancel of a finished job is false" "f" "$(q -c "SELECT quarry.cancel($job)")"

# ---- superseding on a channel -------------------------------------------------------------------
old=$(q -c "SELECT quarry.submit('{\"source\": \"my_slow\", \"metrics\": [\"amount\"]}', 'dash-1/widget-3')")
check "the older job's remote statement runs" "1" "$(wait_for_sleepers 1)"
new=$(q -c "SELECT quarry.submit('{\"source\": \"my_items\", \"metrics\": [\"amount\"]}', 'dash-1/widget-3')")
check "the older job is reported superseded" '{"job": '"$old"', "state": "superseded"}' "$(q -c "SELECT quarry.wait($old, 10000)")"
gone_within_1s "superseded"
check "the newer job's result" "[[30]]" "$(q -c "SELECT quarry.wait($new, 30000)->'rows'")"
other=$(PGOPTIONS='-c quarry.tenant=someone_else' q -c "SELECT quarry.submit('{\"source\": \"items\", \"metrics\": [\"amount\"]}', 'dash-1/widget-3')")
check "another tenant's job on the same channel does not supersede" "done" \
    "$(q -c "SELECT quarry.wait($other, 30000) IS NOT NULL; SELECT state FROM quarry.jobs WHERE id = $new" | tail -1)"

# ---- fairness and priorities: 2 workers, no tenant cap below the pool ---------------------------
psql -X -q -d postgres -c "ALTER SYSTEM SET quarry.worker_pool_size = 2" \
    -c "ALTER SYSTEM SET quarry.max_running_per_tenant = 10" -c "SELECT pg_reload_conf()" >/dev/null
sleep 3  # the workers of this database leave when idle; new ones start with the new settings

a_jobs=()
for i in $(seq 1 12); do
    a_jobs+=("$(PGOPTIONS='-c quarry.tenant=tenant_a' q -c "SELECT quarry.submit('{\"source\": \"slow_1s\", \"metrics\": [\"amount\"], \"limit\": $i}')")")
done
b=$(PGOPTIONS='-c quarry.tenant=tenant_b' q -c "SELECT quarry.submit('{\"source\": \"slow_1s\", \"metrics\": [\"amount\"], \"limit\": 99}')")
check "tenant B's job is done" "[[60]]" "$(q -c "SELECT quarry.wait($b, 60000)->'rows'")"
a_list=$(IFS=,; echo "${a_jobs[*]}")
q -c "SELECT quarry.cancel(id) FROM quarry.jobs WHERE id IN ($a_list) AND state = 'queued'" >/dev/null
later=$(q -c "SELECT count(*) FROM quarry.jobs a, quarry.jobs b WHERE b.id = $b AND a.id IN ($a_list)
              AND (a.started_at IS NULL OR a.started_at > b.submitted_at)")
before_b=$(q -c "SELECT count(*) FROM quarry.jobs a, quarry.jobs b WHERE b.id = $b AND a.id IN ($a_list)
                 AND a.started_at > b.submitted_at AND a.started_at < b.started_at")
echo "     (tenant A: $later of 12 jobs still queued when B submitted)"
if ((later > 0)); then ok "tenant A still had queued jobs when B submitted"; else bad "tenant A had nothing queued"; fi
check "B's job started before every job of A still queued when B submitted" "0" "$before_b"

# interactive before background: both workers busy, then a background and an interactive job.
for i in 1 2; do
    PGOPTIONS='-c quarry.tenant=blocker' q -c "SELECT quarry.submit('{\"source\": \"slow_1s\", \"metrics\": [\"amount\"], \"limit\": $((100 + i))}')" >/dev/null
done
bg=$(PGOPTIONS='-c quarry.tenant=tenant_c' q -c "SELECT quarry.submit('{\"source\": \"items\", \"metrics\": [\"amount\"], \"limit\": 7}', NULL, 'background')")
fg=$(PGOPTIONS='-c quarry.tenant=tenant_c' q -c "SELECT quarry.submit('{\"source\": \"items\", \"metrics\": [\"amount\"], \"limit\": 8}', NULL, 'interactive')")
q -c "SELECT quarry.wait($bg, 60000), quarry.wait($fg, 60000)" >/dev/null
check "the interactive job started before the earlier background job" "t" \
    "$(q -c "SELECT i.started_at <= g.started_at FROM quarry.jobs i, quarry.jobs g WHERE i.id = $fg AND g.id = $bg")"
restore_settings

# ---- single flight: 20 sessions, one remote statement ----------------------------------------
mysql_root -e "SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1"
sf_spec='{"source": "my_sf", "metrics": ["amount"]}'
pids=()
for s in $(seq 1 20); do
    (
        job=$(q -c "SELECT quarry.submit('$sf_spec')")
        q -c "SELECT quarry.wait($job, 60000)->'rows'" >"/tmp/wj_sf_$$_$s"
    ) &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
mysql_root -e "SET GLOBAL general_log = 0"
statements=$(mysql_root -e "SELECT count(*) FROM mysql.general_log WHERE command_type IN ('Query', 'Execute') AND argument LIKE '%$marker%' AND argument NOT LIKE '%general_log%'")
check "20 identical submits: MariaDB saw exactly one statement" "1" "$statements"
got=0
for s in $(seq 1 20); do
    [[ $(cat "/tmp/wj_sf_$$_$s") == "[[10]]" ]] && got=$((got + 1))
    rm -f "/tmp/wj_sf_$$_$s"
done
check "all 20 waiters got the result" "20" "$got"
echo "     ($(q -c "SELECT count(*) FROM quarry.jobs WHERE shared_from IS NOT NULL") jobs got a result shared from an identical one)"

# ---- the job log's upkeep: finished jobs past quarry.job_retention go -------------------------
finished_before=$(q -c "SELECT count(*) FROM quarry.job_queue WHERE finished_at IS NOT NULL")
[[ $finished_before -gt 20 ]] && ok "finished jobs in the log before: $finished_before" ||
    bad "expected the jobs above in the log, got $finished_before"
psql -X -q -d postgres -c "ALTER SYSTEM SET quarry.job_retention = '1s'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 2 # every job above is now older than the retention
last=$(q -c "SELECT quarry.submit('{\"source\": \"items\", \"metrics\": [\"amount\"]}')")
q -c "SELECT quarry.wait($last, 60000)" >/dev/null
# The worker deletes them when it leaves the idle database (quarry.worker_idle_timeout, 2 s).
left=""
for _ in $(seq 1 60); do
    left=$(q -c "SELECT count(*) FROM quarry.job_queue WHERE finished_at < clock_timestamp() - interval '5 seconds'")
    [[ $left == 0 ]] && break
    sleep 0.5
done
check "finished jobs older than quarry.job_retention are deleted by the idle worker" "0" "$left"
restore_settings

# ---- DROP EXTENSION while workers are busy in the database ------------------------------------
# A worker transaction first shares the lock on the extension, which DROP EXTENSION takes
# exclusively before quarry's tables: one waits for the other instead of deadlocking.
drop_failures=0
for round in $(seq 1 15); do
    for n in 1 2 3; do
        q -c "SELECT quarry.submit('{\"source\": \"items\", \"metrics\": [\"amount\"], \"limit\": $((round * 10 + n))}')" >/dev/null
    done
    if ! out=$(q -c "DROP EXTENSION quarry CASCADE" 2>&1); then
        drop_failures=$((drop_failures + 1))
        echo "     round $round: $out"
    fi
    q -c "CREATE EXTENSION IF NOT EXISTS quarry" >/dev/null
done
check "15 DROP EXTENSION right after submits, workers busy: none failed" "0" "$drop_failures"

exit "$fail"
