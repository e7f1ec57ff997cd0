#!/usr/bin/env bash
# quarry_fdw against the remote database's own client and the usual FDWs (issue #3, acceptance
# 2). Not a test: a measurement, written to bench/results/fdw.md.
#
#   bench/fdw.sh          servers (reused when present), data (generated once), build, install,
#                         the whole comparison, results; stops the servers at the end
#   bench/fdw.sh data     only the servers and the data (no quarry needed); leaves them running
#   bench/fdw.sh explain  servers, data, FDWs and the EXPLAIN of every query through each, no
#                         timing (build/bench-fdw/explain.*); leaves the servers running
#   bench/fdw.sh report   writes the results file again from the last run's files (build/bench-fdw)
#   bench/fdw.sh stop     stops the servers (their data stays for the next run)
#
# Side by side, in one go, on the throwaway servers of scripts/servers.sh under
# build/bench-fdw-servers (QUARRY_SERVERS_DIR):
#
#   MariaDB                 10,000,000 page_views, 1,000,000 orders (bench/fdw_data.mysql.sql)
#     direct client         the hand-written MySQL query (bench/fdw_queries.sql), libmariadb
#     mysql_fdw             Debian's postgresql-15-mysql-fdw
#     quarry_fdw            dialect 'mysql'
#   Redshift stand-in       the same rows in PostgreSQL 15
#     direct client         the PostgreSQL query on the stand-in itself, libpq
#     postgres_fdw          contrib
#     quarry_fdw            dialect 'redshift'
#
# The FDWs run on the primary with their default options (fetch sizes included) and jit = off,
# each on the foreign tables of its own IMPORT FOREIGN SCHEMA.
# Every client is bench/fdw_timer.c: one session per engine and round, each statement timed
# from sending it to its last row read by the client. A warm-up round (not counted) and then
# QUARRY_BENCH_ROUNDS rounds (default 5), the engines taking turns within each round; the
# report gives the median. Then, per FDW, the peak memory (VmHWM) of the backend while
# COPY (SELECT * FROM page_views) TO '/dev/null' pulls all 10,000,000 rows through it, minus
# the same backend's VmHWM before (connected, remote connection open).
#
# quarry.so is installed into the system's PostgreSQL (make install): on a shared machine run
# it under the installation lock, e.g. `flock /work/quarry-install.lock bench/fdw.sh`.
# QUARRY_BENCH_QUARRY=0 leaves quarry_fdw out (and does not install quarry).
# QUARRY_KEEP_SERVERS=1 leaves the servers running at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Servers started from here must not inherit a file descriptor of the caller, such as the lock
# of `flock FILE bench/fdw.sh`: a server left running would hold that lock for as long as it runs.
for fd_path in /proc/$$/fd/*; do
    fd=${fd_path##*/}
    if ((fd > 2 && fd < 255)); then eval "exec $fd>&-"; fi
done
cd "$ROOT"
ROUNDS=${QUARRY_BENCH_ROUNDS:-5}
WITH_QUARRY=${QUARRY_BENCH_QUARRY:-1}
export QUARRY_SERVERS_DIR=${QUARRY_SERVERS_DIR:-$ROOT/build/bench-fdw-servers}
OUT=$ROOT/build/bench-fdw
RESULTS=${QUARRY_BENCH_RESULTS:-bench/results/fdw.md}
GENERATOR=fdw-v2 # bump when bench/fdw_data.* change: the data is then generated again
PAGE_VIEWS=10000000
ORDERS=1000000
COMMAND="bench/fdw.sh${*:+ $*}"
LOCKED_COMMAND="flock /work/quarry-install.lock $COMMAND"
if [[ $ROUNDS != 5 ]]; then
    COMMAND="QUARRY_BENCH_ROUNDS=$ROUNDS $COMMAND"
    LOCKED_COMMAND="QUARRY_BENCH_ROUNDS=$ROUNDS $LOCKED_COMMAND"
fi

log() { printf 'bench/fdw: %s\n' "$*" >&2; }
die() {
    printf 'bench/fdw: ERROR: %s\n' "$*" >&2
    exit 1
}

mkdir -p "$OUT"

# ---------------------------------------------------------------------------------------------
# Servers: reused when they run; restarted on their old data directories and ports when they
# were stopped (the data survives); created by scripts/servers.sh start otherwise.

load_env() {
    set -a
    # shellcheck source=/dev/null
    . "$QUARRY_SERVERS_DIR/env"
    set +a
}

as_pg() {
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

restart_stopped_servers() {
    load_env
    local data
    for data in "$QUARRY_PG_DATA" "$QUARRY_RS_DATA"; do
        [[ -d $data ]] || return 1
        if ! as_pg "$QUARRY_PG_BINDIR/pg_ctl" -D "$data" status >/dev/null 2>&1; then
            log "restarting PostgreSQL in $data"
            # 9>&-: do not hand an inherited lock (flock) to the server.
            as_pg setsid "$QUARRY_PG_BINDIR/pg_ctl" -D "$data" -l "$data/../server.log" -w -t 60 \
                start >/dev/null 9>&- || return 1
        fi
    done
    if ! mariadb-admin --no-defaults --socket="$QUARRY_MY_SOCKET" -uroot ping >/dev/null 2>&1; then
        log "restarting MariaDB on 127.0.0.1:$QUARRY_MY_PORT"
        local my=$QUARRY_SERVERS_DIR/mariadb user=mysql
        [[ $EUID -eq 0 ]] || user=$(id -un)
        mkdir -p "$(dirname "$QUARRY_MY_SOCKET")"
        # The options of scripts/servers.sh (my_init_and_start).
        setsid mariadbd --no-defaults --datadir="$my/data" --socket="$QUARRY_MY_SOCKET" \
            --port="$QUARRY_MY_PORT" --bind-address=127.0.0.1 --user="$user" \
            --pid-file="$my/mariadbd.pid" --log-error="$my/error.log" --tmpdir="$my/tmp" \
            --skip-log-bin --skip-name-resolve --character-set-server=utf8mb4 \
            --collation-server=utf8mb4_general_ci --default-time-zone='+00:00' \
            --innodb-buffer-pool-size=1G --innodb-flush-log-at-trx-commit=0 \
            --max-connections=200 </dev/null >/dev/null 2>&1 9>&- &
        local i
        for ((i = 0; i < 300; i++)); do
            mariadb-admin --no-defaults --socket="$QUARRY_MY_SOCKET" -uroot ping >/dev/null 2>&1 &&
                return 0
            sleep 0.2
        done
        return 1
    fi
}

# The primary preloads quarry (shared_preload_libraries), so a server left running by an earlier
# run still maps the quarry.so of then: after an install it is restarted on the new one.
restart_primary() {
    log "restarting the primary on the quarry.so just installed"
    as_pg setsid "$QUARRY_PG_BINDIR/pg_ctl" -D "$QUARRY_PG_DATA" -l "$QUARRY_PG_DATA/../server.log" \
        -m fast -w -t 60 restart >/dev/null 9>&-
}

servers_up() {
    if scripts/servers.sh status >/dev/null 2>&1; then
        log "reusing the running servers of $QUARRY_SERVERS_DIR"
    elif [[ -f $QUARRY_SERVERS_DIR/env && -d $QUARRY_SERVERS_DIR/mariadb/data ]] &&
        restart_stopped_servers; then
        log "restarted the servers of $QUARRY_SERVERS_DIR on their data"
    else
        log "starting new servers in $QUARRY_SERVERS_DIR"
        scripts/servers.sh start >/dev/null
    fi
    load_env
    # The page_views table and its indexes (about 2 GB) stay in memory between the queries.
    my_root -e "SET GLOBAL innodb_buffer_pool_size = 3221225472"
}

my_root() { mariadb --no-defaults --socket="$QUARRY_MY_SOCKET" -uroot "$QUARRY_MY_DB" "$@"; }
rs_psql() {
    PGPASSWORD=$QUARRY_RS_PASSWORD psql -X -q -v ON_ERROR_STOP=1 -h "$QUARRY_RS_HOST" \
        -p "$QUARRY_RS_PORT" -U "$QUARRY_RS_USER" -d "$QUARRY_RS_DB" "$@"
}

# ---------------------------------------------------------------------------------------------
# Data: generated once (in MariaDB, with the Sequence engine), then copied to the stand-in;
# skipped when the marker row bench_data says it is complete.

data_up() {
    local have
    have=$(my_root -N -e "SELECT CONCAT(page_views, ' ', orders) FROM bench_data WHERE generator = '$GENERATOR'" 2>/dev/null || true)
    if [[ $have == "$PAGE_VIEWS $ORDERS" ]]; then
        log "MariaDB data present ($GENERATOR)"
    else
        log "generating $PAGE_VIEWS page_views and $ORDERS orders in MariaDB (a few minutes)"
        local t0=$SECONDS
        my_root <bench/fdw_data.mysql.sql >/dev/null
        log "MariaDB data generated in $((SECONDS - t0)) s"
        rs_psql -c "DROP TABLE IF EXISTS bench_data" 2>/dev/null || true
    fi
    have=$(rs_psql -At -c "SELECT page_views || ' ' || orders FROM bench_data WHERE generator = '$GENERATOR'" 2>/dev/null || true)
    if [[ $have == "$PAGE_VIEWS $ORDERS" ]]; then
        log "Redshift stand-in data present ($GENERATOR)"
    else
        log "copying the rows to the Redshift stand-in"
        local t0=$SECONDS table
        rs_psql -f bench/fdw_data.redshift.sql 2>/dev/null
        for table in page_views orders; do
            # MariaDB's batch output is COPY's text format (tab-separated, backslash escapes),
            # with NULL written as NULL.
            my_root --quick -B -N -e "SELECT * FROM $table ORDER BY 1" |
                rs_psql -c "COPY $table FROM STDIN (NULL 'NULL')"
        done
        rs_psql -v phase=index -f bench/fdw_data.redshift.sql
        log "Redshift stand-in loaded in $((SECONDS - t0)) s"
    fi
}

# The stand-in plays Redshift, which has no PostgreSQL parallel query. Left at PostgreSQL's
# default, plain statements (the direct client, quarry_fdw) get Gather plans while postgres_fdw's
# cursors cannot, and on this machine's 2 shared cores the Gather costs more than it gains: the
# comparison would then measure PostgreSQL's cursor rule rather than the FDWs.
# QUARRY_BENCH_RS_PARALLEL sets max_parallel_workers_per_gather on the stand-in (default 0).
RS_PARALLEL=${QUARRY_BENCH_RS_PARALLEL:-0}
standin_settings() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$QUARRY_RS_HOST" -p "$QUARRY_RS_PORT" -U postgres \
        -d "$QUARRY_RS_DB" -c "ALTER DATABASE $QUARRY_RS_DB SET max_parallel_workers_per_gather = $RS_PARALLEL"
}

# ---------------------------------------------------------------------------------------------
# The report, from the files of a run in $OUT (times.tsv, explain.tsv, memory.tsv, context.tsv):
# also `bench/fdw.sh report`, which runs nothing.

write_report() {
    local context=$OUT/context.tsv
    ctx() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$context"; }
    COMMAND=$(ctx command)
    ROUNDS=$(ctx rounds)
    ENGINES=()
    local engine
    while read -r engine; do ENGINES+=("$engine"); done < <(awk -F'\t' '!seen[$1]++ { print $1 }' "$OUT/times.tsv")
    WITH_QUARRY=0
    printf '%s\n' "${ENGINES[@]}" | grep -qx quarry_mysql && WITH_QUARRY=1

    stat_of() { # median|min engine name -> ms over the counted rounds, or ERROR / -
        awk -F'\t' -v s="$1" -v e="$2" -v q="$3" '$1 == e && $3 == q && $2 > 0 {
                if ($4 == "ERROR") err = 1; else v[++n] = $4 }
            END { if (err) { print "ERROR"; exit }
                  if (n == 0) { print "-"; exit }
                  asort(v); m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
                  printf "%.1f\n", s == "min" ? v[1] : m }' "$OUT/times.tsv"
    }
    median_of() { stat_of median "$@"; }
    min_of() { stat_of min "$@"; }
    cell() { # engine name -> "median *(best)*"
        local m b
        m=$(median_of "$1" "$2")
        b=$(min_of "$1" "$2")
        if [[ $m == "$b" || $m == ERROR || $m == - ]]; then echo "$m"; else echo "**$m** *($b)*"; fi
    }
    ratio_cell() { # engine-a engine-b name -> "median ratio *(best ratio)*"
        echo "**$(ratio "$(median_of "$1" "$3")" "$(median_of "$2" "$3")")** *($(ratio "$(min_of "$1" "$3")" "$(min_of "$2" "$3")"))*"
    }
    rows_of() { # engine name -> rows returned (first counted round)
        awk -F'\t' -v e="$1" -v q="$2" '$1 == e && $3 == q && $2 > 0 && $4 != "ERROR" { print $5; exit }' "$OUT/times.tsv"
    }
    error_of() {
        awk -F'\t' -v e="$1" -v q="$2" '$1 == e && $3 == q && $4 == "ERROR" { print $5; exit }' "$OUT/times.tsv"
    }
    ratio() { # a b -> a / b with 2 decimals, or -
        awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'
    }
    pushed() { # engine name -> yes / no (local nodes)
        awk -F'\t' -v e="$1" -v q="$2" '$1 == e && $2 == q {
                if ($3 == "Foreign Scan") print "yes"; else { n = $3; gsub(/>/, " > ", n); print "no: " n }; exit }' "$OUT/explain.tsv"
    }
    kind_of() { awk -F'\t' -v q="$1" '$1 == q { print $2 }' "$OUT/kinds.tsv"; }
    title_of() { awk -F'\t' -v q="$1" '$1 == q { print $2 }' "$OUT/titles.tsv"; }
    QUERIES=()
    while IFS=$'\t' read -r name _; do QUERIES+=("$name"); done <"$OUT/queries.postgres.tsv"

    TARGETS=()
    HELD=0
    HELD_BEST=0
    target() { # what median-ratio best-ratio limit
        local v vb
        v=$(awk -v r="$2" -v l="$4" 'BEGIN { print (r != "-" && r <= l) ? "holds" : "MISSED" }')
        vb=$(awk -v r="$3" -v l="$4" 'BEGIN { print (r != "-" && r <= l) ? "holds" : "MISSED" }')
        [[ $v == holds ]] && HELD=$((HELD + 1))
        [[ $vb == holds ]] && HELD_BEST=$((HELD_BEST + 1))
        TARGETS+=("$1: median $v ($2); best round $vb ($3)")
    }

    side_table() { # direct fdw quarry label-of-fdw
        local direct=$1 fdw=$2 quarry=$3 fdw_label=$4 q k
        if [[ $WITH_QUARRY == 1 ]]; then
            echo "| query | kind | direct client | $fdw_label | quarry_fdw | quarry / direct | quarry / $fdw_label | all pushed down: $fdw_label | all pushed down: quarry_fdw | rows |"
            echo "|---|---|--:|--:|--:|--:|--:|---|---|--:|"
        else
            echo "| query | kind | direct client | $fdw_label | $fdw_label / direct | all pushed down: $fdw_label | rows |"
            echo "|---|---|--:|--:|--:|---|--:|"
        fi
        for q in "${QUERIES[@]}"; do
            k=$(kind_of "$q")
            local rows_d rows_f rows_q rows
            rows_d=$(rows_of "$direct" "$q")
            rows_f=$(rows_of "$fdw" "$q")
            rows=$rows_d
            [[ $rows_f == "$rows_d" ]] || rows="$rows_d (${fdw_label}: ${rows_f:-error})"
            if [[ $WITH_QUARRY == 1 ]]; then
                rows_q=$(rows_of "$quarry" "$q")
                [[ $rows_q == "$rows_d" ]] || rows="$rows (quarry: ${rows_q:-error})"
                echo "| $q | $k | $(cell "$direct" "$q") | $(cell "$fdw" "$q") | $(cell "$quarry" "$q") | $(ratio_cell "$quarry" "$direct" "$q") | $(ratio_cell "$quarry" "$fdw" "$q") | $(pushed "$fdw" "$q") | $(pushed "$quarry" "$q") | $rows |"
                if [[ $k == aggregate ]]; then
                    target "$fdw_label side, $q: quarry within 1.10x of the direct client" \
                        "$(ratio "$(median_of "$quarry" "$q")" "$(median_of "$direct" "$q")")" \
                        "$(ratio "$(min_of "$quarry" "$q")" "$(min_of "$direct" "$q")")" 1.10
                fi
                target "$fdw_label side, $q: quarry not slower than $fdw_label" \
                    "$(ratio "$(median_of "$quarry" "$q")" "$(median_of "$fdw" "$q")")" \
                    "$(ratio "$(min_of "$quarry" "$q")" "$(min_of "$fdw" "$q")")" 1.00
            else
                echo "| $q | $k | $(cell "$direct" "$q") | $(cell "$fdw" "$q") | $(ratio_cell "$fdw" "$direct" "$q") | $(pushed "$fdw" "$q") | $rows |"
            fi
        done
    }

    mem_row() { # engine label
        awk -F'\t' -v e="$1" -v l="$2" '$1 == e {
            if ($2 == "" || $3 == "") { printf "| %s | - | - | - | failed (see build/bench-fdw/memory.%s.txt) |\n", l, e; exit }
            printf "| %s | %.1f | %.1f | %.1f | %.1f |\n", l, $2 / 1024, $3 / 1024, ($3 - $2) / 1024, $4 / 1000 }' "$OUT/memory.tsv"
    }
    mem_target() { # engine label
        local above
        above=$(awk -F'\t' -v e="$1" '$1 == e && $2 != "" && $3 != "" { printf "%.1f", ($3 - $2) / 1024 }' "$OUT/memory.tsv")
        if [[ -z $above ]]; then
            target "$2: peak memory for 10,000,000 rows under 64 MB above idle (the fetch failed)" - - 64
        else
            target "$2: peak memory for 10,000,000 rows under 64 MB above idle (MB)" "$above" "$above" 64
        fi
    }

    remote_sql_section() { # engine label
        local q nodes remote
        echo
        echo "### $2"
        echo
        for q in "${QUERIES[@]}"; do
            nodes=$(awk -F'\t' -v e="$1" -v q="$q" '$1 == e && $2 == q { print $3 }' "$OUT/explain.tsv")
            remote=$(awk -F'\t' -v e="$1" -v q="$q" '$1 == e && $2 == q { print $4 }' "$OUT/explain.tsv")
            echo "- **$q** — plan: ${nodes//>/ > }"
            if [[ -n $remote ]]; then
                echo
                echo '  ```sql'
                echo "  $remote"
                echo '  ```'
            else
                echo "  (no remote SQL: $(head -c 300 "$OUT/explain.$1.$q.txt" | tr '\n' ' '))"
            fi
        done
    }

    {
        echo "# quarry_fdw against the direct client, mysql_fdw and postgres_fdw"
        echo
        echo "Command: \`$COMMAND\` (on this machine: \`$(ctx locked_command)\`),"
        echo "$ROUNDS rounds after a warm-up round, the engines taking turns in each round; times in"
        echo "milliseconds from sending the statement to the last row read by the client"
        echo "(bench/fdw_timer.c; libmariadb or libpq): **median** of the rounds, and *(best round)*."
        echo
        echo "Machine: $(ctx machine), shared with other work (load average $(ctx load_start) at the"
        echo "start, $(ctx load_end) at the end of the timed rounds); $(ctx date)."
        echo "$(ctx versions)."
        echo
        echo "Data (bench/fdw_data.mysql.sql, generated once in MariaDB and copied to the stand-in):"
        echo "\`page_views\` 10,000,000 rows over 90 days (indexes on \`visited_at\` and \`uri\`), \`orders\`"
        echo "1,000,000 rows over 400 days (index on \`ordered_at\`); MariaDB's InnoDB buffer pool holds"
        echo "both. The queries: bench/fdw_queries.sql (the direct MySQL client runs the hand-written"
        echo "MySQL form, everything else the PostgreSQL form). The FDWs run with their default options"
        echo "(fetch sizes included) and \`jit = off\` on the primary; every FDW's foreign tables come"
        echo "from its IMPORT FOREIGN SCHEMA. The Redshift stand-in runs with"
        echo "\`max_parallel_workers_per_gather = $(ctx rs_parallel)\` (bench/fdw.sh, standin_settings: Redshift has"
        echo "no PostgreSQL parallel query, and postgres_fdw's cursors get none while plain statements"
        echo "would)."
        echo
        echo "## MariaDB: direct client, mysql_fdw, quarry_fdw (dialect mysql)"
        echo
        side_table mysql_direct mysql_fdw quarry_mysql mysql_fdw
        if [[ $WITH_QUARRY == 1 ]]; then
            echo
            echo "quarry's remote SQL (below) run by the direct client, to tell the cost of the SQL from"
            echo "the cost of the trip through PostgreSQL:"
            echo
            echo "| query | direct client, hand-written SQL | direct client, quarry's remote SQL | ratio |"
            echo "|---|--:|--:|--:|"
            for q in "${QUERIES[@]}"; do
                d=$(median_of mysql_direct "$q")
                s=$(median_of mysql_quarry_sql "$q")
                echo "| $q | $(cell mysql_direct "$q") | $(cell mysql_quarry_sql "$q") | $(ratio_cell mysql_quarry_sql mysql_direct "$q") |"
            done
        fi
        echo
        echo "## Redshift stand-in (PostgreSQL 15): direct client, postgres_fdw, quarry_fdw (dialect redshift)"
        echo
        side_table pg_direct postgres_fdw quarry_redshift postgres_fdw
        echo
        echo "## Peak backend memory, 10,000,000 rows through the FDW"
        echo
        echo "\`COPY (SELECT * FROM page_views) TO '/dev/null'\` on the primary; VmHWM of the backend"
        echo "(/proc/self/status) before (connected, the remote connection open) and after."
        echo
        echo "| FDW | idle VmHWM (MB) | peak VmHWM (MB) | above idle (MB) | time (s) |"
        echo "|---|--:|--:|--:|--:|"
        mem_row mysql_fdw mysql_fdw
        [[ $WITH_QUARRY == 1 ]] && mem_row quarry_mysql "quarry_fdw (mysql)"
        mem_row postgres_fdw postgres_fdw
        [[ $WITH_QUARRY == 1 ]] && mem_row quarry_redshift "quarry_fdw (redshift)"
        if [[ $WITH_QUARRY == 1 ]]; then
            mem_target quarry_mysql "quarry_fdw (mysql)"
            mem_target quarry_redshift "quarry_fdw (redshift)"
            echo
            echo "## Targets (issue #3, acceptance 2)"
            echo
            echo "By the medians, $HELD of ${#TARGETS[@]} hold; by the best rounds, $HELD_BEST. Ratios are"
            echo "quarry_fdw's time over the other's: at most 1.10 against the direct client (aggregate"
            echo "queries), at most 1.00 against mysql_fdw / postgres_fdw (every query)."
            echo
            printf -- '- %s\n' "${TARGETS[@]}"
        fi
        echo
        echo "## Remote SQL (EXPLAIN (VERBOSE, COSTS OFF)); \"plan\" lists the plan's nodes, top first"
        echo
        echo "Errors, if any:"
        echo
        for engine in "${ENGINES[@]}"; do
            for q in "${QUERIES[@]}"; do
                e=$(error_of "$engine" "$q")
                [[ -n $e ]] && echo "- $engine, $q: $e"
            done
        done
        remote_sql_section mysql_fdw mysql_fdw
        [[ $WITH_QUARRY == 1 ]] && remote_sql_section quarry_mysql "quarry_fdw (mysql)"
        remote_sql_section postgres_fdw postgres_fdw
        [[ $WITH_QUARRY == 1 ]] && remote_sql_section quarry_redshift "quarry_fdw (redshift)"
        echo
        echo "Raw timings of every round: build/bench-fdw/times.tsv (engine, round, query, ms, rows)."
    } >"$RESULTS"
    log "results in $RESULTS"
}

case ${1:-} in
data)
    servers_up
    data_up
    log "servers left running: . $QUARRY_SERVERS_DIR/env"
    exit 0
    ;;
stop)
    scripts/servers.sh stop
    exit 0
    ;;
report)
    write_report
    exit 0
    ;;
"" | explain) ;;
*)
    echo "usage: bench/fdw.sh [data|explain|report|stop]" >&2
    exit 2
    ;;
esac

# ---------------------------------------------------------------------------------------------
# The whole run.

if [[ $WITH_QUARRY == 1 ]]; then
    make -s -j2 >/dev/null
    make -s install >/dev/null
fi
gcc -O2 -Wall -Wextra $(pkg-config --cflags libmariadb) -I"$(pg_config --includedir)" \
    bench/fdw_timer.c -o "$OUT/fdw_timer" $(pkg-config --libs libmariadb) -lpq

[[ ${1:-} == explain ]] && QUARRY_KEEP_SERVERS=1
on_exit() {
    local rc=$?
    if [[ ${QUARRY_KEEP_SERVERS:-0} != 1 ]]; then
        scripts/servers.sh stop >/dev/null 2>&1 || rc=1
    else
        log "servers left running: . $QUARRY_SERVERS_DIR/env; bench/fdw.sh stop"
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

servers_up
[[ $WITH_QUARRY == 1 ]] && restart_primary
data_up
standin_settings

# The queries, one line each: $OUT/queries.{mysql,postgres}.tsv (name<TAB>sql), kinds.tsv and
# titles.tsv (name<TAB>kind | title).
awk -v out="$OUT" '
/^-- name: / { name = $3; kind = $4; gsub(/[()]/, "", kind); mode = ""; titled = 0
               print name "\t" kind > (out "/kinds.tsv"); names[++n] = name; next }
/^-- mysql:/ { mode = "mysql"; next }
/^-- postgres:/ { mode = "postgres"; next }
/^--/ { if (name != "" && mode == "" && !titled) { print name "\t" substr($0, 4) > (out "/titles.tsv"); titled = 1 }
        next }
/^[[:space:]]*$/ { next }
mode != "" { line = $0; gsub(/[[:space:]]+/, " ", line); sub(/^ /, "", line)
             sql[mode, name] = sql[mode, name] (sql[mode, name] == "" ? "" : " ") line }
END { for (i = 1; i <= n; i++) {
          print names[i] "\t" sql["mysql", names[i]] > (out "/queries.mysql.tsv")
          print names[i] "\t" sql["postgres", names[i]] > (out "/queries.postgres.tsv") } }
' bench/fdw_queries.sql

# The primary: a database with the three FDWs and their foreign tables.
PRIMARY_DB=bench_fdw
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $PRIMARY_DB" \
    -c "CREATE DATABASE $PRIMARY_DB"
{
    cat <<SQL
SET client_min_messages = warning;
CREATE EXTENSION mysql_fdw;
CREATE SERVER mysql_srv FOREIGN DATA WRAPPER mysql_fdw
    OPTIONS (host '$QUARRY_MY_HOST', port '$QUARRY_MY_PORT');
CREATE USER MAPPING FOR CURRENT_USER SERVER mysql_srv
    OPTIONS (username '$QUARRY_MY_USER', password '$QUARRY_MY_PASSWORD');
CREATE SCHEMA mysqlfdw;
IMPORT FOREIGN SCHEMA $QUARRY_MY_DB LIMIT TO (page_views, orders) FROM SERVER mysql_srv INTO mysqlfdw;

CREATE EXTENSION postgres_fdw;
CREATE SERVER rs_srv FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$QUARRY_RS_HOST', port '$QUARRY_RS_PORT', dbname '$QUARRY_RS_DB');
CREATE USER MAPPING FOR CURRENT_USER SERVER rs_srv
    OPTIONS (user '$QUARRY_RS_USER', password '$QUARRY_RS_PASSWORD');
CREATE SCHEMA pgfdw;
IMPORT FOREIGN SCHEMA public LIMIT TO (page_views, orders) FROM SERVER rs_srv INTO pgfdw;
SQL
    if [[ $WITH_QUARRY == 1 ]]; then
        cat <<SQL
CREATE EXTENSION quarry;
CREATE SERVER quarry_my_srv FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host '$QUARRY_MY_HOST', port '$QUARRY_MY_PORT', dbname '$QUARRY_MY_DB');
CREATE USER MAPPING FOR CURRENT_USER SERVER quarry_my_srv
    OPTIONS (user '$QUARRY_MY_USER', password '$QUARRY_MY_PASSWORD');
CREATE SERVER quarry_rs_srv FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'redshift', host '$QUARRY_RS_HOST', port '$QUARRY_RS_PORT', dbname '$QUARRY_RS_DB');
CREATE USER MAPPING FOR CURRENT_USER SERVER quarry_rs_srv
    OPTIONS (user '$QUARRY_RS_USER', password '$QUARRY_RS_PASSWORD');
CREATE SCHEMA quarry_my;
IMPORT FOREIGN SCHEMA $QUARRY_MY_DB LIMIT TO (page_views, orders) FROM SERVER quarry_my_srv INTO quarry_my;
CREATE SCHEMA quarry_rs;
IMPORT FOREIGN SCHEMA public LIMIT TO (page_views, orders) FROM SERVER quarry_rs_srv INTO quarry_rs;
SQL
    fi
} | psql -X -q -v ON_ERROR_STOP=1 -d "$PRIMARY_DB"

# Engines: name, side, client, schema on the primary (the FDWs).
ENGINES=(mysql_direct mysql_fdw)
[[ $WITH_QUARRY == 1 ]] && ENGINES+=(quarry_mysql)
ENGINES+=(pg_direct postgres_fdw)
[[ $WITH_QUARRY == 1 ]] && ENGINES+=(quarry_redshift)
schema_of() {
    case $1 in
    mysql_fdw) echo mysqlfdw ;; quarry_mysql) echo quarry_my ;;
    postgres_fdw) echo pgfdw ;; quarry_redshift) echo quarry_rs ;;
    esac
}
PRIMARY_CONNINFO="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PRIMARY_DB"
RS_CONNINFO="host=$QUARRY_RS_HOST port=$QUARRY_RS_PORT user=$QUARRY_RS_USER password=$QUARRY_RS_PASSWORD dbname=$QUARRY_RS_DB"

# EXPLAIN (VERBOSE, COSTS OFF) of every query through every FDW: the plan's nodes and the
# remote SQL. Fully pushed down = the plan is one Foreign Scan.
: >"$OUT/explain.tsv"
for engine in "${ENGINES[@]}"; do
    schema=$(schema_of "$engine")
    [[ -n $schema ]] || continue
    while IFS=$'\t' read -r name sql; do
        plan=$(PGOPTIONS="-c search_path=$schema -c jit=off" psql -X -At -d "$PRIMARY_DB" \
            -c "EXPLAIN (VERBOSE, COSTS OFF) $sql" 2>&1) || plan="ERROR: $plan"
        printf '%s\n' "$plan" >"$OUT/explain.$engine.$name.txt"
        # Node lines: the first line, and those starting with "->"; the name without " on
        # <relation>" / " using <index>" and the details in parentheses.
        nodes=$(printf '%s\n' "$plan" | sed -nE '1p; s/^ *->  //p' | grep -v '^ERROR' |
            sed -E 's/  \(.*//; s/ (on|using) .*//' | paste -sd '>' -)
        remote=$(printf '%s\n' "$plan" | sed -nE 's/^ *Remote (SQL|query): //p' | head -1)
        printf '%s\t%s\t%s\t%s\n' "$engine" "$name" "$nodes" "$remote" >>"$OUT/explain.tsv"
    done <"$OUT/queries.postgres.tsv"
done

if [[ ${1:-} == explain ]]; then
    awk -F'\t' '{ printf "%-16s %-22s %s\n    %s\n", $1, $2, $3, $4 }' "$OUT/explain.tsv"
    exit 0
fi

# quarry's remote SQL for MariaDB, run by the direct client: what the remote costs by itself.
if [[ $WITH_QUARRY == 1 ]]; then
    awk -F'\t' '$1 == "quarry_mysql" && $4 != "" { print $2 "\t" $4 }' "$OUT/explain.tsv" \
        >"$OUT/queries.quarry_sql.tsv"
    ENGINES=(mysql_direct mysql_quarry_sql "${ENGINES[@]:1}")
fi

run_engine() { # engine -> timer output on stdout
    local engine=$1 schema
    schema=$(schema_of "$engine")
    case $engine in
    mysql_direct | mysql_quarry_sql)
        local file=$OUT/queries.mysql.tsv
        [[ $engine == mysql_quarry_sql ]] && file=$OUT/queries.quarry_sql.tsv
        "$OUT/fdw_timer" mysql "$QUARRY_MY_HOST" "$QUARRY_MY_PORT" "$QUARRY_MY_USER" \
            "$QUARRY_MY_PASSWORD" "$QUARRY_MY_DB" <"$file"
        ;;
    pg_direct)
        "$OUT/fdw_timer" pg "$RS_CONNINFO" <"$OUT/queries.postgres.tsv"
        ;;
    *)
        {
            printf '!path\tSET search_path = %s\n' "$schema"
            printf '!jit\tSET jit = off\n'
            printf '!connect\tSELECT id FROM page_views WHERE id = 1\n'
            cat "$OUT/queries.postgres.tsv"
        } | "$OUT/fdw_timer" pg "$PRIMARY_CONNINFO"
        ;;
    esac
}

{
    printf 'command\t%s\n' "$COMMAND"
    printf 'locked_command\t%s\n' "$LOCKED_COMMAND"
    printf 'rounds\t%s\n' "$ROUNDS"
    printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
    printf 'machine\t%s cores (%s), %s GiB RAM\n' "$(nproc)" \
        "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" "$(free -g | awk '/Mem:/ {print $2}')"
    printf 'versions\tMariaDB %s, PostgreSQL %s, mysql_fdw %s, quarry %s\n' \
        "$(my_root -N -e 'SELECT VERSION()')" \
        "$(psql -X -At -d postgres -c 'SHOW server_version' | cut -d' ' -f1)" \
        "$(dpkg-query -W -f='${Version}' postgresql-15-mysql-fdw 2>/dev/null || echo '?')" \
        "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src dialects control 2>/dev/null || echo ' (with uncommitted changes)')"
    printf 'rs_parallel\t%s\n' "$RS_PARALLEL"
    printf 'load_start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/context.tsv"
: >"$OUT/times.tsv"
for ((round = 0; round <= ROUNDS; round++)); do
    log "round $round of $ROUNDS$( ((round == 0)) && echo ' (warm-up, not counted)')"
    for engine in "${ENGINES[@]}"; do
        run_engine "$engine" | awk -v e="$engine" -v r="$round" -F'\t' -v OFS='\t' \
            '{ print e, r, $1, $2, $3 }' >>"$OUT/times.tsv"
    done
done

printf 'load_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/context.tsv"

# Peak memory of a backend pulling 10,000,000 rows through each FDW.
: >"$OUT/memory.tsv"
for engine in "${ENGINES[@]}"; do
    schema=$(schema_of "$engine")
    [[ -n $schema ]] || continue
    log "memory: 10,000,000 rows through $engine"
    psql -X -At -F $'\t' -v ON_ERROR_STOP=1 -d "$PRIMARY_DB" >"$OUT/memory.$engine.txt" 2>&1 <<SQL || true
SET search_path = $schema;
SET jit = off;
SELECT id FROM page_views WHERE id = 1;
SELECT 'idle', (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+) kB'))[1];
SELECT clock_timestamp() AS t0 \gset
COPY (SELECT * FROM page_views) TO '/dev/null';
SELECT 'elapsed', round(extract(epoch FROM clock_timestamp() - :'t0') * 1000);
SELECT 'peak', (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+) kB'))[1];
SQL
    idle=$(awk -F'\t' '$1 == "idle" {print $2}' "$OUT/memory.$engine.txt")
    peak=$(awk -F'\t' '$1 == "peak" {print $2}' "$OUT/memory.$engine.txt")
    elapsed=$(awk -F'\t' '$1 == "elapsed" {print $2}' "$OUT/memory.$engine.txt")
    printf '%s\t%s\t%s\t%s\n' "$engine" "${idle:-}" "${peak:-}" "${elapsed:-}" >>"$OUT/memory.tsv"
done

write_report
