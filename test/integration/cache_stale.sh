#!/usr/bin/env bash
# Serving stale results while a background job refreshes them (docs/cache.md, "Serving stale
# results"), with several sessions against the preloaded primary:
#
#  - 20 sessions hit an entry past its TTL at once while its refresh is held running (the view
#    under the source waits on an advisory lock this script holds): every one is served stale
#    without waiting for the refresh, and exactly one refresh job exists;
#  - a submit of the same spec meanwhile is held by the queue's single flight and gets the
#    refresh's result (shared_from);
#  - once the lock is released the refresh stores a fresh entry, served as such.
# No timing is asserted: the script waits on lock and job states.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/verdicts.sh"

: "${QUARRY_PG_PORT:?run with the servers environment (build/servers/env)}"
db=quarry_cache_stale
gate=717073
holder_pid=
cleanup() {
    [[ -n $holder_pid ]] && kill "$holder_pid" 2>/dev/null || true
    rm -f /tmp/cst_$$_*
    # Workers leave an idle database after quarry.worker_idle_timeout; DROP DATABASE waits 5 s.
    dropdb --if-exists "$db" >/dev/null 2>&1 || { sleep 3; dropdb --if-exists "$db" >/dev/null 2>&1 || true; }
}
trap cleanup EXIT

q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
wait_for() { # sql: polls (at most 60 s) until it returns t
    local i
    for i in $(seq 1 1200); do
        [[ $(q -c "$1") == t ]] && return 0
        sleep 0.05
    done
    return 1
}

dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
q >/dev/null <<SQL
CREATE EXTENSION quarry;
CREATE TABLE orders (id int, country text, revenue numeric);
INSERT INTO orders SELECT i, (ARRAY['FR', 'DE', 'ES'])[1 + i % 3], i FROM generate_series(1, 300) AS i;
-- A refresh of this view waits while the script holds the advisory lock.
CREATE VIEW gated_orders AS
    SELECT o.* FROM orders AS o, LATERAL (SELECT pg_advisory_xact_lock_shared($gate)) AS gate;
SELECT quarry.create_source('gated', 'gated_orders', '{"serve_stale": "1 hour"}');
SQL
spec='{"source": "gated", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"]}'
rows=$(q -c "SELECT quarry.run('$spec')->'rows'")
key=$(q -c "SELECT quarry.explain('$spec')->'cache'->>'key'")
# Past its TTL (10 minutes by default) by a minute, within the hour.
q -c "UPDATE quarry.cache SET created_at = now() - interval '11 minutes',
             expires_at = now() - interval '1 minute' WHERE key = '$key'"

# The lock, held by a session of its own until the end of the stale hits.
mkfifo /tmp/cst_$$_holder
psql -X -q -At -d "$db" </tmp/cst_$$_holder >/tmp/cst_$$_holder.out 2>&1 &
holder_pid=$!
exec 7>/tmp/cst_$$_holder
echo "SELECT pg_advisory_lock($gate);" >&7
wait_for "SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $gate AND granted AND mode = 'ExclusiveLock'" ||
    bad "the script's session took the lock"

hit_wave() { # 20 sessions at once; each writes cached|stale|refresh_job|rows to its file
    local s p pids=()
    for s in $(seq 1 20); do
        (
            # A session waiting for the refresh would give up after 30 s and fail the check.
            PGOPTIONS='-c statement_timeout=30s' q -c "SELECT concat_ws('|', m->>'cached', m->>'stale', coalesce(m->>'refresh_job', 'none'), r->'rows')
                        FROM (SELECT r, r->'meta' AS m FROM quarry.run('$spec') AS r) x" >"/tmp/cst_$$_$s" 2>&1
        ) &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || true; done
}
served=0
told=0
count_served() { # job: sessions of the last wave served stale naming it (told) or no job
    local s out
    served=0
    told=0
    for s in $(seq 1 20); do
        out=$(cat "/tmp/cst_$$_$s")
        [[ $out == "true|true|$1|$rows" ]] && told=$((told + 1))
        # none: the session hit the entry while another was queueing the refresh.
        [[ $out == "true|true|$1|$rows" || $out == "true|true|none|$rows" ]] && served=$((served + 1))
    done
    [[ $served == 20 ]] || cat "/tmp/cst_$$_1"
}

# 20 sessions hit the stale entry at once: all are served stale, one refresh is queued.
hit_wave
job=$(q -c "SELECT min(id) FROM quarry.job_queue WHERE refresh_of = '$key'")
count_served "$job"
check "20 concurrent first hits served stale" 20 "$served"
echo "     ($told of them were told the refresh job, the others hit while it was being queued)"
check "... and exactly one refresh job queued" 1 \
    "$(q -c "SELECT count(*) FROM quarry.job_queue WHERE refresh_of = '$key'")"
wait_for "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $gate AND NOT granted)" ||
    bad "the refresh waits on the lock"
check "the refresh job is running, as a background job" "running|background" \
    "$(q -c "SELECT concat_ws('|', state, priority) FROM quarry.jobs WHERE id = $job")"

# A submit of the same spec: the queue's single flight holds it behind the running refresh.
submitted=$(q -c "SELECT quarry.submit('$spec')")

# 20 sessions more while the refresh runs: all served stale at once, naming it.
hit_wave
count_served "$job"
check "20 concurrent sessions served stale while the refresh runs, told its job" "20|20" "$served|$told"
check "exactly one refresh job for the entry" 1 \
    "$(q -c "SELECT count(*) FROM quarry.job_queue WHERE refresh_of = '$key'")"
check "the submitted job is held by single flight" queued \
    "$(q -c "SELECT state FROM quarry.jobs WHERE id = $submitted")"
check "explain: stale, served while the refresh runs" "serve stale|running|$job" \
    "$(q -c "SELECT concat_ws('|', c->>'decision', c->>'refresh', c->>'refresh_job') FROM (SELECT quarry.explain('$spec')->'cache' AS c) e")"

echo "SELECT pg_advisory_unlock($gate);" >&7
exec 7>&-
wait "$holder_pid" || true
holder_pid=
check "the refresh computes the result" "false|$rows" \
    "$(q -c "SELECT concat_ws('|', r->'meta'->>'cached', r->'rows') FROM quarry.wait($job, 60000) AS r")"
check "the submitted job got the refresh's result" "done|$job" \
    "$(q -c "SELECT quarry.wait($submitted, 60000) IS NOT NULL; SELECT concat_ws('|', state, shared_from) FROM quarry.jobs WHERE id = $submitted" | tail -1)"
check "the next run is a fresh hit" "true|-" \
    "$(q -c "SELECT concat_ws('|', m->>'cached', coalesce(m->>'stale', '-')) FROM (SELECT quarry.run('$spec')->'meta' AS m) r")"
check "one entry, fresh" "1|f" \
    "$(q -c "SELECT concat_ws('|', count(*), bool_or(expired)) FROM quarry.cache_entries WHERE key = '$key'")"

exit "$fail"
