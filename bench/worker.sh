#!/usr/bin/env bash
# The worker and the result cache over quarry_fdw (issue #4, acceptance 6). Not a test: a
# measurement, written to bench/results/worker.md.
#
#   bench/worker.sh               build, install into the private tree build/pgroot, servers up,
#                                 every part below, results; stops the servers at the end
#   bench/worker.sh PART...       only these parts (hit dashboard concurrent supersede
#                                 statements); the results file is written from the last run of
#                                 every part. Each invocation creates the database bench_worker
#                                 afresh (an empty cache); the parts of one invocation share it.
#   bench/worker.sh report        writes the results file again from build/bench-worker
#   bench/worker.sh stop          stops the servers (their data stays)
#
# Parts, all through quarry_fdw on MariaDB's 10,000,000-row page_views and 1,000,000-row orders
# (the data of bench/fdw.sh, in its servers under build/bench-fdw-servers):
#
#   hit          quarry.run of a 100-row spec ("top 100 pages, last 90 days") served from the
#                cache: pgbench, 1 client, QUARRY_BENCH_HIT_SECONDS (default 20), per-transaction
#                latencies (pgbench -l) -> p50, p99; against the same spec computed on the remote
#                (options.cache "bypass"), QUARRY_BENCH_COLD_RUNS times (default 3, fdw_timer).
#   dashboard    the 8 specs of a dashboard (bench/worker_dashboard.sql), cold (after
#                quarry.invalidate) and warm (all cached), QUARRY_BENCH_ROUNDS rounds (default 3):
#                one after the other with quarry.run, and all at once (8 quarry.submit, then
#                8 quarry.wait) as a dashboard opening does.
#   concurrent   pgbench, QUARRY_BENCH_CLIENTS clients (default 32) for QUARRY_BENCH_SECONDS
#                (default 60): a weighted mix of scripts over the dashboard specs (run of a
#                cached spec, submit + wait of a cached spec, run and submit + wait of the live
#                widget at a random options.now, which is computed on MariaDB; weights in
#                QUARRY_BENCH_MIX, the job scripts spread over QUARRY_BENCH_TENANTS tenants,
#                default 4); errors, throughput, latency percentiles per script and overall
#                (pgbench -l); then QUARRY_BENCH_HITS_ONLY_SECONDS (default 20, 0: skipped) of
#                cache hits alone with the same clients, for comparison.
#   supersede    QUARRY_BENCH_TRIALS (default 20) times: a slow job on a channel, then a new
#                submit on that channel; the time until the old job's statement has left
#                MariaDB's processlist (bench/supersede_timer.c, polling from a client).
#   statements   where the server's time goes in that mix: the primary restarted with
#                pg_stat_statements (track = all, so quarry's own SPI statements count too), the
#                mix again for QUARRY_BENCH_STATEMENTS_SECONDS (default 30), the statements with
#                the most execution time; then the primary is restarted without it.
#
# Servers: the bench/fdw.sh servers of QUARRY_SERVERS_DIR (default build/bench-fdw-servers); its
# data must be there (`bench/fdw.sh data` generates it once and leaves the servers running; this
# script does not generate it). Only the PostgreSQL primary and MariaDB are started; the primary is
# (re)started from the private tree's binaries (QUARRY_BENCH_PG_BINDIR, default
# build/pgroot/usr/lib/postgresql/15/bin; not QUARRY_PG_BINDIR, which the servers' env file sets
# to the system's) with shared_preload_libraries = 'quarry' and jit = off given on the command
# line (its config files are not changed). quarry is installed only into that private tree
# (make install DESTDIR=build/pgroot), never into the system's PostgreSQL.
# QUARRY_BENCH_BUILD=0 skips the build and install; QUARRY_KEEP_SERVERS=1 leaves the servers up.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Servers started from here must not inherit a descriptor of the caller (a flock, a pipe).
for fd_path in /proc/$$/fd/*; do
    fd=${fd_path##*/}
    if ((fd > 2 && fd < 255)); then eval "exec $fd>&-"; fi
done
cd "$ROOT"
export QUARRY_SERVERS_DIR=${QUARRY_SERVERS_DIR:-$ROOT/build/bench-fdw-servers}
PGROOT=$ROOT/build/pgroot
PG_BIN=${QUARRY_BENCH_PG_BINDIR:-$PGROOT/usr/lib/postgresql/15/bin}
HIT_SECONDS=${QUARRY_BENCH_HIT_SECONDS:-20}
COLD_RUNS=${QUARRY_BENCH_COLD_RUNS:-3}
ROUNDS=${QUARRY_BENCH_ROUNDS:-3}
CLIENTS=${QUARRY_BENCH_CLIENTS:-32}
SECONDS_CONC=${QUARRY_BENCH_SECONDS:-60}
TRIALS=${QUARRY_BENCH_TRIALS:-20}
TENANTS=${QUARRY_BENCH_TENANTS:-4}
HITS_ONLY_SECONDS=${QUARRY_BENCH_HITS_ONLY_SECONDS:-20}
STATEMENTS_SECONDS=${QUARRY_BENCH_STATEMENTS_SECONDS:-30}
BUILD=${QUARRY_BENCH_BUILD:-1}
OUT=$ROOT/build/bench-worker
RESULTS=${QUARRY_BENCH_RESULTS:-bench/results/worker.md}
DB=bench_worker
NOW=2026-11-04T15:30:00Z # the data's fixed "now" (bench/fdw_data.mysql.sql)
ALL_PARTS=(hit dashboard concurrent supersede statements)

log() { printf 'bench/worker: %s\n' "$*" >&2; }
die() {
    printf 'bench/worker: ERROR: %s\n' "$*" >&2
    exit 1
}

mkdir -p "$OUT"

# ---------------------------------------------------------------------------------------------
# Servers

load_env() {
    [[ -f $QUARRY_SERVERS_DIR/env ]] ||
        die "no servers in $QUARRY_SERVERS_DIR: run bench/fdw.sh data first (it generates the data)"
    set -a
    # shellcheck source=/dev/null
    . "$QUARRY_SERVERS_DIR/env"
    set +a
    export QUARRY_PG_BINDIR=$PG_BIN # the env file names the system's; ours is the private tree
    export PGDATABASE=$DB
}

AS_PG=()
[[ $EUID -eq 0 ]] && AS_PG=(runuser -u postgres --) # initdb's and pg_ctl's owner
as_pg() { "${AS_PG[@]}" "$@"; }

my_root() { mariadb --no-defaults --socket="$QUARRY_MY_SOCKET" -uroot "$QUARRY_MY_DB" "$@"; }

# MariaDB with the options of scripts/servers.sh (my_init_and_start), on its old data and port.
mariadb_up() {
    if mariadb-admin --no-defaults --socket="$QUARRY_MY_SOCKET" -uroot ping >/dev/null 2>&1; then
        return 0
    fi
    log "starting MariaDB on 127.0.0.1:$QUARRY_MY_PORT"
    local my=$QUARRY_SERVERS_DIR/mariadb user=mysql i
    [[ $EUID -eq 0 ]] || user=$(id -un)
    mkdir -p "$(dirname "$QUARRY_MY_SOCKET")"
    setsid mariadbd --no-defaults --datadir="$my/data" --socket="$QUARRY_MY_SOCKET" \
        --port="$QUARRY_MY_PORT" --bind-address=127.0.0.1 --user="$user" \
        --pid-file="$my/mariadbd.pid" --log-error="$my/error.log" --tmpdir="$my/tmp" \
        --skip-log-bin --skip-name-resolve --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_general_ci --default-time-zone='+00:00' \
        --innodb-buffer-pool-size=1G --innodb-flush-log-at-trx-commit=0 \
        --max-connections=200 </dev/null >/dev/null 2>&1 9>&- &
    for ((i = 0; i < 300; i++)); do
        mariadb-admin --no-defaults --socket="$QUARRY_MY_SOCKET" -uroot ping >/dev/null 2>&1 &&
            return 0
        sleep 0.2
    done
    die "MariaDB did not start (see $my/error.log)"
}

# The primary, always (re)started from the private tree so that it loads the quarry.so just
# installed there, preloading it.
primary_up() { # [extra preload library [extra -o options]]
    if as_pg "$PG_BIN/pg_ctl" -D "$QUARRY_PG_DATA" status >/dev/null 2>&1; then
        log "stopping the running primary"
        as_pg "$PG_BIN/pg_ctl" -D "$QUARRY_PG_DATA" -m fast -w -t 60 stop >/dev/null
    fi
    log "starting the primary from $PG_BIN (shared_preload_libraries = quarry${1:+,$1})"
    setsid "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$QUARRY_PG_DATA" -l "$QUARRY_PG_DATA/../server.log" -w -t 60 \
        -o "-c shared_preload_libraries=quarry${1:+,$1} -c jit=off ${2:-}" start >/dev/null 9>&- ||
        die "the primary did not start (see $QUARRY_PG_DATA/../server.log)"
}

servers_up() {
    load_env
    mariadb_up
    primary_up
    # page_views and its indexes (about 2 GB) stay in memory, as in bench/fdw.sh.
    my_root -e "SET GLOBAL innodb_buffer_pool_size = 3221225472"
    local have
    have=$(my_root -N -e "SELECT CONCAT(page_views, ' ', orders) FROM bench_data" 2>/dev/null || true)
    [[ $have == "10000000 1000000" ]] ||
        die "the MariaDB data is missing or incomplete ($have): run bench/fdw.sh data"
}

servers_down() {
    load_env
    if as_pg "$PG_BIN/pg_ctl" -D "$QUARRY_PG_DATA" status >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$QUARRY_PG_DATA" -m fast -w -t 60 stop >/dev/null
    fi
    scripts/servers.sh stop >/dev/null 2>&1 # MariaDB (and the stand-in, if someone started it)
}

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

# The database: quarry, a quarry_fdw server on MariaDB, the two foreign tables, the two sources
# (stored formulas as in the demo) and the dashboard's specs in bench.dashboard.
database_up() {
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $DB (FORCE)" \
        -c "CREATE DATABASE $DB"
    psql_db <<SQL
SET client_min_messages = warning;
CREATE EXTENSION quarry;
CREATE SERVER shop FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host '$QUARRY_MY_HOST', port '$QUARRY_MY_PORT', dbname '$QUARRY_MY_DB');
CREATE USER MAPPING FOR CURRENT_USER SERVER shop
    OPTIONS (user '$QUARRY_MY_USER', password '$QUARRY_MY_PASSWORD');
CREATE SCHEMA remote;
IMPORT FOREIGN SCHEMA $QUARRY_MY_DB LIMIT TO (page_views, orders) FROM SERVER shop INTO remote;
SQL
    psql_db -f bench/worker_dashboard.sql
}

# ---------------------------------------------------------------------------------------------
# Percentiles of a file of numbers (one a line): nearest rank.

pct() { # file p -> value with 3 decimals
    sort -n "$1" | awk -v p="$2" '{a[NR] = $1} END {
        if (NR == 0) { print "-"; exit }
        i = int((NR * p + 99) / 100); if (i < 1) i = 1; if (i > NR) i = NR; printf "%.3f", a[i] }'
}
count_lines() { wc -l <"$1" | tr -d ' '; }
load_now() { cut -d' ' -f1-3 /proc/loadavg; }

part_header() { # part -> context lines for its fragment
    printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
    printf 'command\t%s\n' "$(cat "$OUT/command")"
    printf 'load_start\t%s\n' "$(load_now)"
    printf 'commit\t%s\n' "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src dialects control bench ':!bench/results' 2>/dev/null || echo ' (with uncommitted changes)')"
}

# ---------------------------------------------------------------------------------------------
# hit: a 100-row result from the cache against the cold remote query.

part_hit() {
    local dir=$OUT/hit spec hit_spec cold_spec
    rm -rf "$dir"
    mkdir -p "$dir"
    part_header >"$dir/context.tsv"
    spec=$(psql_db -At -c "SELECT spec FROM bench.specs WHERE name = 'top_100_pages'")
    hit_spec=$spec
    cold_spec=$(psql_db -At -c "SELECT jsonb_set('$spec', '{options,cache}', '\"bypass\"')")
    # Fill the cache; the result must have 100 rows and the second run must be a hit.
    psql_db -At -c "SELECT quarry.run('$hit_spec') IS NOT NULL" >/dev/null
    printf 'rows\t%s\n' "$(psql_db -At -c "SELECT jsonb_array_length(quarry.run('$hit_spec')->'rows')")" >>"$dir/context.tsv"
    printf 'cached\t%s\n' "$(psql_db -At -c "SELECT quarry.run('$hit_spec')->'meta'->>'cached'")" >>"$dir/context.tsv"
    printf 'bytes\t%s\n' "$(psql_db -At -c "SELECT length(quarry.run('$hit_spec')::text)")" >>"$dir/context.tsv"
    printf 'spec\t%s\n' "$hit_spec" >>"$dir/context.tsv"
    printf 'seconds\t%s\ncold_runs\t%s\n' "$HIT_SECONDS" "$COLD_RUNS" >>"$dir/context.tsv"
    printf 'remote_sql\t%s\n' "$(psql_db -At -c "SELECT quarry.run('$hit_spec')->'meta'->>'sql'")" >>"$dir/context.tsv"

    log "hit: pgbench, 1 client, $HIT_SECONDS s"
    echo "SELECT quarry.run('$hit_spec');" >"$dir/hit.sql"
    (cd "$dir" && pgbench -n -c 1 -T "$HIT_SECONDS" -f hit.sql -l --log-prefix=hitlog "$DB" \
        >pgbench.out 2>&1) || die "pgbench failed: $(tail -5 "$dir/pgbench.out")"
    cat "$dir"/hitlog.* | awk '{print $3 / 1000}' >"$dir/hit.ms"

    log "cold: $COLD_RUNS runs of the spec with options.cache bypass"
    {
        printf '!jit\tSET jit = off\n'
        for ((i = 1; i <= COLD_RUNS; i++)); do printf 'cold\tSELECT quarry.run(%s)\n' "'$cold_spec'"; done
    } | "$OUT/fdw_timer" pg "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$DB" >"$dir/cold.tsv"
    grep -q ERROR "$dir/cold.tsv" && die "cold run failed: $(grep ERROR "$dir/cold.tsv" | head -1)"
    awk -F'\t' '{print $2}' "$dir/cold.tsv" >"$dir/cold.ms"
    printf 'load_end\t%s\n' "$(load_now)" >>"$dir/context.tsv"
}

# ---------------------------------------------------------------------------------------------
# dashboard: the 8 specs cold and warm, sequential (run) and all at once (submit, then wait).

part_dashboard() {
    local dir=$OUT/dashboard round
    rm -rf "$dir"
    mkdir -p "$dir"
    part_header >"$dir/context.tsv"
    printf 'rounds\t%s\n' "$ROUNDS" >>"$dir/context.tsv"
    psql_db -At -F $'\t' -c "SELECT name, spec FROM bench.specs WHERE dashboard ORDER BY position" \
        >"$dir/specs.tsv"
    : >"$dir/times.tsv"
    local conninfo="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$DB"
    # One session per round and mode (an application's pooled connection): the invalidation
    # and a first quarry call (a backend's first use of quarry loads its catalogs) untimed, then
    # the 8 widgets cold, then the 8 again, warm.
    for ((round = 1; round <= ROUNDS; round++)); do
        for mode in run submit; do
            log "dashboard: round $round of $ROUNDS, $mode, cold then warm"
            {
                printf '!invalidate\tSELECT quarry.invalidate($$page_views$$) + quarry.invalidate($$orders$$)\n'
                printf '!first\tSELECT quarry.explain(spec) FROM bench.specs WHERE name = $$top_100_pages$$\n'
                printf '!jobs\tCREATE TEMP TABLE jobs (id bigint)\n'
                for state in cold warm; do
                    if [[ $mode == run ]]; then
                        awk -F'\t' -v s="$state" '{ printf "%s:%s\tSELECT length(quarry.run($q$%s$q$)::text)\n", s, $1, $2 }' "$dir/specs.tsv"
                    else
                        # One statement: 8 submits (committed together, as one request of the
                        # dashboard's backend), then, in a second statement, the 8 waits.
                        printf '%s:submit\tTRUNCATE jobs; INSERT INTO jobs SELECT quarry.submit(spec) FROM bench.specs WHERE dashboard ORDER BY position\n' "$state"
                        printf '%s:wait\tSELECT count(quarry.wait(id, 600000)) FROM jobs\n' "$state"
                    fi
                done
            } | "$OUT/fdw_timer" pg "$conninfo" |
                awk -F'\t' -v OFS='\t' -v r="$round" -v m="$mode" '{ split($1, n, ":"); print r, m, n[1], n[2], $2, $3 }' \
                    >>"$dir/times.tsv"
        done
    done
    grep -q ERROR "$dir/times.tsv" && die "dashboard: $(grep ERROR "$dir/times.tsv" | head -1)"
    # What the warm submit round was served: every job's result cached?
    printf 'warm_jobs_cached\t%s\n' "$(psql_db -At -c "SELECT count(*) FILTER (WHERE (result->'meta'->>'cached')::boolean) || ' of ' || count(*) FROM (SELECT result FROM quarry.job_queue ORDER BY id DESC LIMIT 8) AS j")" >>"$dir/context.tsv"
    printf 'load_end\t%s\n' "$(load_now)" >>"$dir/context.tsv"
}

# ---------------------------------------------------------------------------------------------
# concurrent: pgbench, many clients, a mix of run / submit + wait, hits and computations.

# The pgbench scripts of the mix, written into $1.
concurrent_scripts() {
    local dir=$1
    # Scripts. :w picks a dashboard spec (1-8); the live widget is spec 6. A computation is the
    # live widget ("views per minute, last 60 minutes") at options.now = the fixed now minus
    # a random number of seconds up to 30 days: a new window, so a new cache key (a repeat is
    # a hit, counted below).
    cat >"$dir/run_hit.sql" <<'SQL'
\set w random(1, 8)
SELECT length(quarry.run(spec)::text) FROM bench.specs WHERE dashboard AND position = :w;
SQL
    cat >"$dir/job_hit.sql" <<SQL
\\set w random(1, 8)
\\set t :client_id % $TENANTS
SET quarry.tenant = 'tenant-:t';
SELECT quarry.submit(spec, 'client-' || :client_id) AS job FROM bench.specs WHERE dashboard AND position = :w \gset
SELECT length(quarry.wait(:job, 600000)::text);
SQL
    cat >"$dir/run_live.sql" <<'SQL'
\set s random(1, 2592000)
SELECT length(quarry.run(bench.at_now(spec, :s))::text) FROM bench.specs WHERE name = 'live_per_minute';
SQL
    cat >"$dir/job_live.sql" <<SQL
\\set s random(1, 2592000)
\\set t :client_id % $TENANTS
SET quarry.tenant = 'tenant-:t';
SELECT quarry.submit(bench.at_now(spec, :s), 'client-' || :client_id) AS job FROM bench.specs WHERE name = 'live_per_minute' \gset
SELECT length(quarry.wait(:job, 600000)::text);
SQL
}

part_concurrent() {
    local dir=$OUT/concurrent
    rm -rf "$dir"
    mkdir -p "$dir"
    part_header >"$dir/context.tsv"
    printf 'clients\t%s\nseconds\t%s\ntenants\t%s\n' "$CLIENTS" "$SECONDS_CONC" "$TENANTS" >>"$dir/context.tsv"
    # Warm the cache with every dashboard spec at the fixed now (the hits of the mix).
    psql_db -At -c "SELECT count(quarry.run(spec)) FROM bench.specs WHERE dashboard" >/dev/null
    concurrent_scripts "$dir"
    local weights=${QUARRY_BENCH_MIX:-run_hit@60 job_hit@20 run_live@10 job_live@10}
    local args=() w
    for w in $weights; do args+=(-f "$dir/${w%@*}.sql@${w#*@}"); done
    printf 'mix\t%s\n' "$weights" >>"$dir/context.tsv"
    printf 'settings\t%s\n' "$(psql_db -At -c "SELECT string_agg(name || ' = ' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('quarry.worker_pool_size', 'quarry.max_running_per_tenant', 'max_connections', 'max_worker_processes')")" >>"$dir/context.tsv"
    local before_entries before_hits before_jobs
    before_entries=$(psql_db -At -c "SELECT count(*) FROM quarry.cache_entries")
    before_hits=$(psql_db -At -c "SELECT coalesce(sum(hits), 0) FROM quarry.cache_entries")
    before_jobs=$(psql_db -At -c "SELECT coalesce(max(id), 0) FROM quarry.job_queue")
    log "concurrent: pgbench, $CLIENTS clients, $SECONDS_CONC s: $weights"
    (cd "$dir" && pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_CONC" -r -P 10 -l --log-prefix=conc \
        "${args[@]}" "$DB" >pgbench.out 2>pgbench.err) || true
    printf 'load_end\t%s\n' "$(load_now)" >>"$dir/context.tsv"
    printf 'new_entries\t%s\n' "$(($(psql_db -At -c "SELECT count(*) FROM quarry.cache_entries") - before_entries))" >>"$dir/context.tsv"
    printf 'new_hits\t%s\n' "$(($(psql_db -At -c "SELECT coalesce(sum(hits), 0) FROM quarry.cache_entries") - before_hits))" >>"$dir/context.tsv"
    psql_db -At -F $'\t' -c "SELECT state, count(*), count(*) FILTER (WHERE (result->'meta'->>'cached')::boolean), count(*) FILTER (WHERE shared_from IS NOT NULL), round(avg(extract(epoch FROM started_at - submitted_at) * 1000)::numeric, 1), round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - submitted_at) * 1000)::numeric, 1) FROM quarry.job_queue WHERE id > $before_jobs GROUP BY 1 ORDER BY 1" >"$dir/jobs.tsv"
    psql_db -At -F $'\t' -c "SELECT tenant, count(*) FROM quarry.job_queue WHERE id > $before_jobs GROUP BY 1 ORDER BY 1" >"$dir/tenants.tsv"
    cat "$dir"/conc.* >"$dir/log.txt" 2>/dev/null || true
    rm -f "$dir"/conc.*
    # For comparison: the same clients with hits only (run_hit), nothing computed.
    if ((HITS_ONLY_SECONDS > 0)); then
        log "concurrent: pgbench, $CLIENTS clients, $HITS_ONLY_SECONDS s, run_hit only"
        (cd "$dir" && pgbench -n -c "$CLIENTS" -j 2 -T "$HITS_ONLY_SECONDS" -l --log-prefix=hits \
            -f run_hit.sql "$DB" >hits_only.out 2>hits_only.err) || true
        cat "$dir"/hits.* >"$dir/hits_only.log" 2>/dev/null || true
        rm -f "$dir"/hits.*
        printf 'hits_only_seconds\t%s\nload_end_hits_only\t%s\n' "$HITS_ONLY_SECONDS" "$(load_now)" >>"$dir/context.tsv"
    fi
}

# ---------------------------------------------------------------------------------------------
# supersede: the old job's remote statement gone after a superseding submit.

part_supersede() {
    local dir=$OUT/supersede old new
    rm -rf "$dir"
    mkdir -p "$dir"
    part_header >"$dir/context.tsv"
    old=$(psql_db -At -c "SELECT spec FROM bench.specs WHERE name = 'supersede_old'")
    new=$(psql_db -At -c "SELECT spec FROM bench.specs WHERE name = 'views_per_day'")
    psql_db -At -c "SELECT quarry.run('$new') IS NOT NULL" >/dev/null
    printf 'old_spec\t%s\n' "$old" >>"$dir/context.tsv"
    printf 'new_spec\t%s\n' "$new" >>"$dir/context.tsv"
    log "supersede: $TRIALS trials"
    printf '%s\n%s\n' "$old" "$new" |
        "$OUT/supersede_timer" "$TRIALS" "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$DB" \
            "$QUARRY_MY_HOST" "$QUARRY_MY_PORT" "$QUARRY_MY_USER" "$QUARRY_MY_PASSWORD" \
            >"$dir/trials.tsv" 2>"$dir/timer.err" || die "supersede_timer: $(cat "$dir/timer.err")"
    printf 'poll\t%s\n' "$(sed -n 's/.*mean processlist poll \([0-9.]*\) ms.*/\1/p' "$dir/timer.err")" >>"$dir/context.tsv"
    printf 'load_end\t%s\n' "$(load_now)" >>"$dir/context.tsv"
}

# ---------------------------------------------------------------------------------------------
# statements: the concurrent mix again, with pg_stat_statements counting quarry's own statements.

part_statements() {
    local dir=$OUT/statements
    rm -rf "$dir"
    mkdir -p "$dir"
    concurrent_scripts "$dir"
    part_header >"$dir/context.tsv"
    printf 'clients\t%s\nseconds\t%s\n' "$CLIENTS" "$STATEMENTS_SECONDS" >>"$dir/context.tsv"
    primary_up pg_stat_statements "-c pg_stat_statements.track=all -c pg_stat_statements.max=1000"
    psql_db -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
    psql_db -At -c "SELECT count(quarry.run(spec)) FROM bench.specs WHERE dashboard" >/dev/null
    local before_jobs weights=${QUARRY_BENCH_MIX:-run_hit@60 job_hit@20 run_live@10 job_live@10} args=() w
    for w in $weights; do args+=(-f "$dir/${w%@*}.sql@${w#*@}"); done
    printf 'mix\t%s\n' "$weights" >>"$dir/context.tsv"
    printf 'entries_before\t%s\n' "$(psql_db -At -c "SELECT count(*) FROM quarry.cache_entries")" >>"$dir/context.tsv"
    before_jobs=$(psql_db -At -c "SELECT coalesce(max(id), 0) FROM quarry.job_queue")
    psql_db -At -c "SELECT pg_stat_statements_reset()" >/dev/null
    log "statements: pgbench, $CLIENTS clients, $STATEMENTS_SECONDS s, with pg_stat_statements"
    (cd "$dir" && pgbench -n -c "$CLIENTS" -j 2 -T "$STATEMENTS_SECONDS" "${args[@]}" "$DB" \
        >pgbench.out 2>pgbench.err) || true
    printf 'load_end\t%s\n' "$(load_now)" >>"$dir/context.tsv"
    psql_db -At -F $'\t' -c "SELECT calls, round(total_exec_time::numeric), round(mean_exec_time::numeric, 3), toplevel, left(regexp_replace(query, '\s+', ' ', 'g'), 140) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 20" >"$dir/top.tsv"
    printf 'entries_after\t%s\n' "$(psql_db -At -c "SELECT count(*) FROM quarry.cache_entries")" >>"$dir/context.tsv"
    printf 'cache_heap\t%s\n' "$(psql_db -At -c "SELECT pg_size_pretty(pg_relation_size('quarry.cache'))")" >>"$dir/context.tsv"
    printf 'jobs\t%s\n' "$(psql_db -At -c "SELECT count(*) FROM quarry.job_queue WHERE id > $before_jobs")" >>"$dir/context.tsv"
    printf 'transactions\t%s\n' "$(awk '/^number of transactions actually processed/ { print $6 }' "$dir/pgbench.out")" >>"$dir/context.tsv"
    psql_db -c "DROP EXTENSION pg_stat_statements" >/dev/null
    primary_up
}
# ---------------------------------------------------------------------------------------------
# The report, from build/bench-worker/<part>/.

write_report() {
    ctx() { awk -F'\t' -v k="$2" '$1 == k { sub(/^[^\t]*\t/, ""); print; exit }' "$OUT/$1/context.tsv"; }
    machine="$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
    {
        echo "# The worker and the result cache over quarry_fdw (issue #4, acceptance 6)"
        echo
        echo "Command: \`bench/worker.sh\` (every part; the command of each part's run is given with it). It"
        echo "builds, installs quarry into the private tree build/pgroot, restarts the bench/fdw.sh servers'"
        echo "PostgreSQL primary from there with \`shared_preload_libraries = 'quarry'\` and \`jit = off\`,"
        echo "runs the parts and stops the servers."
        echo
        echo "Machine: $machine, **shared with other helpers' builds and tests** (load average"
        echo "given per part: the 1, 5 and 15 minute averages at its start and end)."
        echo "$(cat "$OUT/versions" 2>/dev/null)."
        echo
        echo "Data: bench/fdw.sh's, in MariaDB (bench/fdw_data.mysql.sql): \`page_views\` 10,000,000 rows"
        echo "over the 90 days before 2026-11-04 15:30 UTC, \`orders\` 1,000,000 rows over 400 days; InnoDB's"
        echo "buffer pool holds both. The primary reaches them through a \`quarry_fdw\` server (dialect"
        echo "mysql) and IMPORT FOREIGN SCHEMA; the sources and specs are in bench/worker_dashboard.sql."
        echo "Every spec passes \`options.now\` = $NOW."
        if [[ -f $OUT/hit/context.tsv ]]; then
            local d=$OUT/hit h50 h99 c50 cmax
            h50=$(pct "$d/hit.ms" 50)
            h99=$(pct "$d/hit.ms" 99)
            c50=$(pct "$d/cold.ms" 50)
            cmax=$(pct "$d/cold.ms" 100)
            echo
            echo "## 1. A cache hit of a 100-row result against the cold remote query"
            echo
            echo "\`$(ctx hit command)\`, $(ctx hit date), load $(ctx hit load_start) → $(ctx hit load_end); quarry $(ctx hit commit)."
            echo
            echo "Spec (\"top 100 pages, last 90 days\": the 90 days cover 9.9 of the 10 million rows):"
            echo
            echo '```json'
            ctx hit spec
            echo '```'
            echo
            echo "Remote SQL (\`meta.sql\`):"
            echo
            echo '```sql'
            ctx hit remote_sql
            echo '```'
            echo
            echo "Result: $(ctx hit rows) rows, $(ctx hit bytes) bytes of JSON; the second run says \`meta.cached\` = $(ctx hit cached)."
            echo
            echo "| | runs | p50 ms | p99 ms | max ms |"
            echo "|---|--:|--:|--:|--:|"
            echo "| cache hit: \`quarry.run\` (pgbench, 1 client, $(ctx hit seconds) s, latency per transaction from \`pgbench -l\`, client round trip included) | $(count_lines "$d/hit.ms") | **$h50** | **$h99** | $(pct "$d/hit.ms" 100) |"
            echo "| cold: the same spec with \`options.cache\` \"bypass\", computed by MariaDB through quarry_fdw (bench/fdw_timer.c, one session) | $(count_lines "$d/cold.ms") | **$c50** | $(pct "$d/cold.ms" 99) | $cmax |"
            echo
            local ratio
            ratio=$(awk -v a="$c50" -v b="$h50" 'BEGIN { printf "%.0f", a / b }')
            echo "Targets: hit p50 < 1 ms: $(awk -v v="$h50" 'BEGIN { print (v < 1) ? "**holds**" : "**MISSED**" }') ($h50 ms);"
            echo "hit p99 < 5 ms: $(awk -v v="$h99" 'BEGIN { print (v < 5) ? "**holds**" : "**MISSED**" }') ($h99 ms);"
            echo "≥ 100× faster than the cold query: $(awk -v r="$ratio" 'BEGIN { print (r >= 100) ? "**holds**" : "**MISSED**" }') (cold p50 / hit p50 = **${ratio}×**)."
        fi
        if [[ -f $OUT/dashboard/context.tsv ]]; then
            local d=$OUT/dashboard
            echo
            echo "## 2. A dashboard of 8 specs, cold and warm"
            echo
            echo "\`$(ctx dashboard command)\`, $(ctx dashboard date), load $(ctx dashboard load_start) → $(ctx dashboard load_end); quarry $(ctx dashboard commit)."
            echo
            echo "The 8 widgets (bench/worker_dashboard.sql, the demo's kind): $(awk -F'\t' '{ printf "%s`%s`", (NR > 1 ? ", " : ""), $1 }' "$d/specs.tsv")."
            echo "Cold: right after \`quarry.invalidate\` of both sources (every spec computed by MariaDB);"
            echo "warm: the same again at once (every spec a hit). Times in ms from fdw_timer (one session,"
            echo "statement sent to last row read); median of $(ctx dashboard rounds) rounds, min–max in brackets."
            echo
            echo "- **one after the other**: 8 \`quarry.run\` in one session;"
            echo "- **all at once**: one statement submitting the 8 specs (\`quarry.submit\`, committed together),"
            echo "  then one statement waiting for the 8 (\`quarry.wait\`), as a dashboard backend opening the"
            echo "  page does; the workers run them (pool of \`quarry.worker_pool_size\` = 4, at most"
            echo "  \`quarry.max_running_per_tenant\` = 3 at once for one tenant: this dashboard is one tenant)."
            echo
            med() { # mode state [name] -> "median (min–max)" of the per-round totals
                awk -F'\t' -v m="$1" -v s="$2" -v n="${3:-}" '$2 == m && $3 == s && (n == "" || $4 == n) { t[$1] += $5 }
                    END { k = 0; for (r in t) v[++k] = t[r]; asort(v)
                          med = (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
                          if (v[1] >= 100) printf "%.0f (%.0f–%.0f)", med, v[1], v[k]; else printf "%.2f (%.2f–%.2f)", med, v[1], v[k] }' "$d/times.tsv"
            }
            echo "| total for the 8 widgets, ms | cold | warm | cold / warm |"
            echo "|---|--:|--:|--:|"
            local mode label c w
            for mode in run submit; do
                label="one after the other (run)"
                [[ $mode == submit ]] && label="all at once (submit, then wait)"
                c=$(med "$mode" cold)
                w=$(med "$mode" warm)
                echo "| $label | **${c%% *}** ${c#* } | **${w%% *}** ${w#* } | $(awk -v a="${c%% *}" -v b="${w%% *}" 'BEGIN { printf "%.0f×", a / b }') |"
            done
            echo
            echo "Per widget, one after the other (run), median ms:"
            echo
            echo "| widget | cold | warm |"
            echo "|---|--:|--:|"
            while IFS=$'\t' read -r name _; do
                c=$(med run cold "$name")
                w=$(med run warm "$name")
                echo "| $name | ${c%% *} | ${w%% *} |"
            done <"$d/specs.tsv"
            echo
            echo "All at once, the two statements (median ms): submit cold $(med submit cold submit | cut -d' ' -f1), warm $(med submit warm submit | cut -d' ' -f1);"
            echo "wait cold $(med submit cold wait | cut -d' ' -f1), warm $(med submit warm wait | cut -d' ' -f1). The last warm round's 8 jobs"
            echo "were served from the cache: $(ctx dashboard warm_jobs_cached)."
        fi
        if [[ -f $OUT/concurrent/context.tsv ]]; then
            local d=$OUT/concurrent
            echo
            local clients seconds
            clients=$(ctx concurrent clients)
            seconds=$(ctx concurrent seconds)
            echo "## 3. $clients concurrent clients, $seconds s (pgbench)"
            echo
            echo "\`$(ctx concurrent command)\`, $(ctx concurrent date), load $(ctx concurrent load_start) → $(ctx concurrent load_end); quarry $(ctx concurrent commit)."
            echo "Settings: $(ctx concurrent settings)."
            echo
            echo "\`pgbench -n -c $clients -j 2 -T $seconds -r -P 10 -l\` with four scripts, weights \`$(ctx concurrent mix)\`"
            echo "(each transaction picks one script by weight; the scripts are written by bench/worker.sh into"
            echo "build/bench-worker/concurrent/):"
            echo
            echo "- \`run_hit\`: \`quarry.run\` of one of the 8 dashboard specs at random, at the fixed now (cached"
            echo "  before the run: a hit);"
            echo "- \`job_hit\`: \`quarry.submit\` of one of the 8 (channel \`client-<n>\`, one per client, so no"
            echo "  client supersedes another), then \`quarry.wait\` for it: a worker serves it from the cache;"
            echo "- \`run_live\`, \`job_live\`: the same with the live widget (\"views per minute, last 60"
            echo "  minutes\") at \`options.now\` = the fixed now minus a random 1 to 2,592,000 seconds: a new"
            echo "  window, hence a new cache key and a computation on MariaDB (a repeated draw is a hit)."
            echo
            echo "All clients are one role; the job scripts first set \`quarry.tenant\` to \`tenant-<n mod $(ctx concurrent tenants)>\`"
            echo "($(ctx concurrent tenants) tenants of $((clients / $(ctx concurrent tenants))) clients: \`max_running_per_tenant\` then bounds each tenant's running jobs,"
            echo "the pool of workers all of them). A superseding submit never happens here (one channel per"
            echo "client, and a client waits for its job before the next)."
            echo
            echo '```'
            sed -n '/^transaction type/,$p' "$d/pgbench.out"
            echo '```'
            echo
            local errs
            errs=$(grep -c -i 'error' "$d/pgbench.err" || true)
            echo "Errors: **$(awk '/^number of failed transactions/ { print $5; f = 1 } END { if (!f) print "?" }' "$d/pgbench.out")** failed transactions"
            echo "($errs error lines on pgbench's stderr$( ((errs > 0)) && printf ': `%s`' "$(grep -i error "$d/pgbench.err" | head -1 | cut -c1-200)"))."
            echo
            echo "Latency per transaction from the \`pgbench -l\` log (ms, client round trips included):"
            echo
            echo "| script | transactions | share | p50 | p90 | p99 | max |"
            echo "|---|--:|--:|--:|--:|--:|--:|"
            local names=() n=0 w total
            for w in $(ctx concurrent mix); do names+=("${w%@*}"); done
            total=$(count_lines "$d/log.txt")
            for ((n = 0; n < ${#names[@]}; n++)); do
                awk -v s="$n" '$4 == s { print $3 / 1000 }' "$d/log.txt" >"$d/lat.$n"
                echo "| ${names[$n]} | $(count_lines "$d/lat.$n") | $(awk -v a="$(count_lines "$d/lat.$n")" -v t="$total" 'BEGIN { printf "%.1f%%", 100 * a / t }') | $(pct "$d/lat.$n" 50) | $(pct "$d/lat.$n" 90) | $(pct "$d/lat.$n" 99) | $(pct "$d/lat.$n" 100) |"
            done
            awk '{ print $3 / 1000 }' "$d/log.txt" >"$d/lat.all"
            echo "| **all** | $total | 100% | $(pct "$d/lat.all" 50) | $(pct "$d/lat.all" 90) | **$(pct "$d/lat.all" 99)** | $(pct "$d/lat.all" 100) |"
            echo
            echo "Throughput: **$(awk -v t="$total" -v s="$seconds" 'BEGIN { printf "%.0f", t / s }') transactions/s** ($total in $seconds s)."
            echo
            echo "What was computed and what was served, counted on the server: $(ctx concurrent new_entries) new cache entries (computations"
            echo "stored), $(ctx concurrent new_hits) cache hits (\`quarry.cache_entries.hits\`, run and jobs alike). Jobs submitted"
            echo "during the run, by state (result cached; shared by single flight; mean and p99 ms from submit to"
            echo "start):"
            echo
            echo "| state | jobs | served from the cache | single flight | queued mean ms | queued p99 ms |"
            echo "|---|--:|--:|--:|--:|--:|"
            awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$d/jobs.tsv"
            echo
            echo "The mix, as it happened: $(ctx concurrent new_entries) of $total transactions ($(awk -v a="$(ctx concurrent new_entries)" -v t="$total" 'BEGIN { printf "%.1f%%", 100 * a / t }')) computed a result on"
            echo "MariaDB (the live widget at a new window), the others were served from the cache."
            echo
            echo "Jobs per tenant: $(awk -F'\t' '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' "$d/tenants.tsv")."
            if [[ -f $d/hits_only.log ]]; then
                local hs
                hs=$(ctx concurrent hits_only_seconds)
                awk '{ print $3 / 1000 }' "$d/hits_only.log" >"$d/lat.hits_only"
                echo
                echo "For comparison, right after: the same $clients clients with \`run_hit\` alone for $hs s"
                echo "(nothing computed, no jobs; load at its end $(ctx concurrent load_end_hits_only)):"
                echo "$(count_lines "$d/lat.hits_only") transactions, **$(awk -v t="$(count_lines "$d/lat.hits_only")" -v s="$hs" 'BEGIN { printf "%.0f", t / s }')/s**,"
                echo "$(awk '/^number of failed transactions/ { print $5 }' "$d/hits_only.out") failed; latency ms p50 $(pct "$d/lat.hits_only" 50), p90 $(pct "$d/lat.hits_only" 90),"
                echo "p99 **$(pct "$d/lat.hits_only" 99)**, max $(pct "$d/lat.hits_only" 100)."
            fi
        fi
        if [[ -f $OUT/supersede/context.tsv ]]; then
            local d=$OUT/supersede
            awk -F'\t' '{ print $3 }' "$d/trials.tsv" >"$d/gone.ms"
            awk -F'\t' '{ print $4 }' "$d/trials.tsv" >"$d/gone_after.ms"
            awk -F'\t' '{ print $2 }' "$d/trials.tsv" >"$d/submit.ms"
            echo
            echo "## 4. From a superseding submit to the old remote statement gone"
            echo
            echo "\`$(ctx supersede command)\`, $(ctx supersede date), load $(ctx supersede load_start) → $(ctx supersede load_end); quarry $(ctx supersede commit)."
            echo
            echo "bench/supersede_timer.c, $(count_lines "$d/trials.tsv") trials. Each: \`quarry.submit(old, channel)\` of a spec MariaDB takes"
            echo "seconds to answer (\`options.cache\` bypass, a per-trial filter value so that its SQL is"
            echo "recognizable: a \`count_distinct\` of visitors over the 10 million rows); the client polls"
            echo "\`information_schema.PROCESSLIST\` until that statement runs, waits 200 ms, then takes t0,"
            echo "calls \`quarry.submit(new, channel)\` on the same channel (autocommit: it returns after the"
            echo "commit), and polls the processlist in a tight loop (one round trip per poll: mean"
            echo "**$(ctx supersede poll) ms**, the resolution) until no statement holds the marker any more."
            echo
            echo "Old spec: \`$(ctx supersede old_spec)\`"
            echo
            echo "| ms | p50 | p99 | max |"
            echo "|---|--:|--:|--:|"
            echo "| the superseding \`quarry.submit\` (call to return, commit included) | $(pct "$d/submit.ms" 50) | $(pct "$d/submit.ms" 99) | $(pct "$d/submit.ms" 100) |"
            echo "| **submit called → old statement gone from the processlist** | **$(pct "$d/gone.ms" 50)** | **$(pct "$d/gone.ms" 99)** | $(pct "$d/gone.ms" 100) |"
            echo "| submit returned → old statement gone | $(pct "$d/gone_after.ms" 50) | $(pct "$d/gone_after.ms" 99) | $(pct "$d/gone_after.ms" 100) |"
            echo
            echo "The old jobs' states afterwards: $(awk -F'\t' '{ c[$6]++ } END { for (s in c) printf "%s %d ", s, c[s] }' "$d/trials.tsv")(\`quarry.jobs\`)."
            echo "Target (acceptance 1 of issue #4): gone within 1 second: $(awk -v v="$(pct "$d/gone.ms" 100)" 'BEGIN { print (v < 1000) ? "**holds** in every trial" : "**MISSED** in at least one trial" }')."
        fi
        if [[ -f $OUT/statements/context.tsv ]]; then
            local d=$OUT/statements
            echo
            echo "## 5. Where the server's time goes in the mix (pg_stat_statements)"
            echo
            echo "\`$(ctx statements command)\`, $(ctx statements date), load $(ctx statements load_start) → $(ctx statements load_end); quarry $(ctx statements commit)."
            echo
            echo "The primary restarted with \`pg_stat_statements\` (\`track = all\`: the statements quarry runs"
            echo "through SPI count too, nested in the calls that run them), then the mix of part 3"
            echo "(\`$(ctx statements mix)\`) with $(ctx statements clients) clients for $(ctx statements seconds) s: $(ctx statements transactions) transactions, $(ctx statements jobs) jobs;"
            echo "\`quarry.cache\` went from $(ctx statements entries_before) to $(ctx statements entries_after) entries (heap $(ctx statements cache_heap)). The statements with the"
            echo "most execution time (a nested statement's time is also in its caller's):"
            echo
            echo "| calls | total ms | mean ms | top level | statement |"
            echo "|--:|--:|--:|---|---|"
            awk -F'\t' '{ q = $5; gsub(/\|/, "\\|", q); printf "| %s | %s | %s | %s | `%s` |\n", $1, $2, $3, ($4 == "t" ? "yes" : "no"), q }' "$d/top.tsv"
        fi
        echo
        echo "## Notes"
        echo
        echo "- The machine's 2 cores are shared: other helpers' builds and test servers ran during these"
        echo "  runs (the load averages above, up to several times the core count). MariaDB, the primary,"
        echo "  its 4 job workers and the clients all compete for the same 2 cores, so the tails (p99, max)"
        echo "  mostly measure waiting for a CPU; the figures are pessimistic and vary from run to run."
        echo "- The cold query of part 1 groups 9.9 million rows by \`site\` and \`uri\` (with quarry's"
        echo "  exact-text grouping, \`CAST(... AS BINARY)\` beside each column, docs/dialects.md): on this"
        echo "  loaded machine MariaDB needs tens of seconds for it; the 100× target would hold against a"
        echo "  query of 30 ms."
        echo "  The cheapest cold widget of the dashboard (\`live_per_minute\`, an index range of an hour)"
        echo "  takes a few milliseconds: the cache saves least there, and it is the one a live"
        echo "  dashboard recomputes."
        echo "- A job's latency is mostly its time in the queue: a worker serves a cached spec in a few"
        echo "  milliseconds, but the database's \`quarry.worker_pool_size\` (4) workers are shared by every"
        echo "  job, computations included; \`quarry.run\` of a cached spec needs no worker at all."
        echo "- Every result stored (a computation) runs, in src/worker/cache.cpp's \`evict_locked\`, a"
        echo "  \`DELETE FROM quarry.cache WHERE expires_at <= now\` (no index on \`expires_at\`) and a"
        echo "  \`SELECT sum(bytes) FROM quarry.cache\`: two sequential scans of the whole cache table per"
        echo "  store, whose cost grows with the number of entries (part 5 shows them beside the"
        echo "  computations they follow)."
        echo "- \`quarry.wait\` sleeps on one condition variable shared by all jobs (src/worker/functions.cpp):"
        echo "  every finished job wakes every waiter, and each re-reads its job's row (one SPI statement:"
        echo "  part 5 counts them against the number of \`quarry.wait\` calls)."
        echo
        echo "Raw files of the last run: build/bench-worker/ (pgbench logs, fdw_timer output, trials)."
    } >"$RESULTS"
    log "results in $RESULTS"
}

# ---------------------------------------------------------------------------------------------

PARTS=()
case ${1:-} in
stop)
    servers_down
    exit 0
    ;;
report)
    write_report
    exit 0
    ;;
"") PARTS=("${ALL_PARTS[@]}") ;;
*)
    for p in "$@"; do
        [[ " ${ALL_PARTS[*]} " == *" $p "* ]] || die "unknown part $p (usage: bench/worker.sh [PART...|report|stop]; parts: ${ALL_PARTS[*]})"
        PARTS+=("$p")
    done
    ;;
esac

knobs=""
for k in HIT_SECONDS COLD_RUNS ROUNDS CLIENTS SECONDS TENANTS HITS_ONLY_SECONDS TRIALS STATEMENTS_SECONDS MIX; do
    v=QUARRY_BENCH_$k
    [[ -n ${!v:-} ]] && knobs+="$v=${!v} "
done
echo "${knobs}bench/worker.sh${*:+ $*}" >"$OUT/command"

if [[ $BUILD == 1 ]]; then
    log "build, and install into $PGROOT"
    mkdir -p "$PGROOT/usr/lib/postgresql" "$PGROOT/usr/share/postgresql"
    [[ -d $PGROOT/usr/lib/postgresql/15 ]] || cp -a /usr/lib/postgresql/15 "$PGROOT/usr/lib/postgresql/"
    [[ -d $PGROOT/usr/share/postgresql/15 ]] || cp -a /usr/share/postgresql/15 "$PGROOT/usr/share/postgresql/"
    make -s -j2 >/dev/null
    make -s install DESTDIR="$PGROOT" >/dev/null
fi
[[ -x $PG_BIN/pg_ctl ]] || die "no PostgreSQL in $PG_BIN (the private tree: run without QUARRY_BENCH_BUILD=0 once)"
cc=(gcc -O2 -Wall -Wextra $(pkg-config --cflags libmariadb) -I"$(pg_config --includedir)")
libs=($(pkg-config --libs libmariadb) -lpq)
"${cc[@]}" bench/fdw_timer.c -o "$OUT/fdw_timer" "${libs[@]}"
"${cc[@]}" bench/supersede_timer.c -o "$OUT/supersede_timer" "${libs[@]}"

on_exit() {
    local rc=$?
    if [[ ${QUARRY_KEEP_SERVERS:-0} != 1 ]]; then
        servers_down || rc=1
    else
        log "servers left running: . $QUARRY_SERVERS_DIR/env; bench/worker.sh stop"
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

servers_up
database_up
printf 'MariaDB %s, PostgreSQL %s, pgbench %s' "$(my_root -N -e 'SELECT VERSION()')" \
    "$(psql -X -At -d "$DB" -c 'SHOW server_version' | cut -d' ' -f1)" \
    "$(pgbench --version | awk '{print $3}')" >"$OUT/versions"
for p in "${PARTS[@]}"; do "part_$p"; done
write_report
