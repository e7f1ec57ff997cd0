#!/usr/bin/env bash
# quarry_fdw under cancellation and faults, against the real MariaDB and the PostgreSQL Redshift
# stand-in of scripts/servers.sh (environment from build/servers/env):
#
#  - a 30-second remote statement cancelled locally (statement_timeout, pg_cancel_backend) is
#    gone from the remote (MariaDB processlist, pg_stat_activity) by the time the local ERROR
#    returns, and the next query on the same backend works;
#  - remote server down, session killed mid-query, session gone between queries (MariaDB KILL
#    CONNECTION; a real restart of the stand-in), wrong password, unknown remote table, a value
#    the local type cannot hold: each is an ERROR with its SQLSTATE that names the server and
#    never the password, the backend keeps working, and after a restart the next query
#    reconnects by itself.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/verdicts.sh"

: "${QUARRY_PG_PORT:?run through scripts/test.sh (needs the servers environment)}"
db=quarry_fdw_faults
secret=$QUARRY_MY_PASSWORD
rs_secret=$QUARRY_RS_PASSWORD
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT


rs_super() { psql -X -q -At -h "$QUARRY_RS_HOST" -p "$QUARRY_RS_PORT" -U postgres -d "$QUARRY_RS_DB" "$@"; }
# One psql session of the primary, verbose errors (with SQLSTATE), output and errors together.
session() { psql -X -At -v VERBOSITY=verbose -d "$db" 2>&1; }

dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"

mysql_root <<'SQL'
DROP VIEW IF EXISTS fault_slow;
DROP TABLE IF EXISTS fault_items;
CREATE TABLE fault_items (id INT PRIMARY KEY, label VARCHAR(20));
INSERT INTO fault_items VALUES (1, 'one'), (2, 'two'), (3, 'not a point');
CREATE VIEW fault_slow AS SELECT SLEEP(30) AS s;
SQL
rs_super <<'SQL'
DROP VIEW IF EXISTS fault_slow;
DROP TABLE IF EXISTS fault_items;
CREATE TABLE fault_items (id int PRIMARY KEY, label text);
INSERT INTO fault_items VALUES (1, 'one'), (2, 'two');
CREATE VIEW fault_slow AS SELECT 1 AS s FROM pg_sleep(30);
GRANT SELECT ON fault_items, fault_slow TO rs_user;
SQL

psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
CREATE EXTENSION quarry;
CREATE SERVER my FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host '$QUARRY_MY_HOST', port '$QUARRY_MY_PORT', dbname '$QUARRY_MY_DB');
CREATE USER MAPPING FOR CURRENT_USER SERVER my
    OPTIONS (user '$QUARRY_MY_USER', password '$secret');
CREATE FOREIGN TABLE my_items (id int, label text) SERVER my OPTIONS (table_name 'fault_items');
CREATE FOREIGN TABLE my_points (id int, label point) SERVER my OPTIONS (table_name 'fault_items');
CREATE FOREIGN TABLE my_slow (s int) SERVER my OPTIONS (table_name 'fault_slow');
CREATE FOREIGN TABLE my_missing (id int) SERVER my OPTIONS (table_name 'no_such_table');

CREATE SERVER rs FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'redshift', host '$QUARRY_RS_HOST', port '$QUARRY_RS_PORT', dbname '$QUARRY_RS_DB');
CREATE USER MAPPING FOR CURRENT_USER SERVER rs
    OPTIONS (user '$QUARRY_RS_USER', password '$rs_secret');
CREATE FOREIGN TABLE rs_items (id int, label text) SERVER rs
    OPTIONS (schema_name 'public', table_name 'fault_items');
CREATE FOREIGN TABLE rs_slow (s int) SERVER rs OPTIONS (schema_name 'public', table_name 'fault_slow');

CREATE SERVER down FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host '127.0.0.1', port '1', dbname 'shop', connect_timeout '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER down OPTIONS (user 'quarry', password '$secret');
CREATE FOREIGN TABLE down_items (id int) SERVER down;

CREATE SERVER wrongpw FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host '$QUARRY_MY_HOST', port '$QUARRY_MY_PORT', dbname '$QUARRY_MY_DB');
CREATE USER MAPPING FOR CURRENT_USER SERVER wrongpw
    OPTIONS (user '$QUARRY_MY_USER', password 'Wr0ngSecret');
CREATE FOREIGN TABLE wrongpw_items (id int) SERVER wrongpw OPTIONS (table_name 'fault_items');
CREATE SERVER rs_wrongpw FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'redshift', host '$QUARRY_RS_HOST', port '$QUARRY_RS_PORT', dbname '$QUARRY_RS_DB');
CREATE USER MAPPING FOR CURRENT_USER SERVER rs_wrongpw
    OPTIONS (user '$QUARRY_RS_USER', password 'Wr0ngSecret');
CREATE FOREIGN TABLE rs_wrongpw_items (id int) SERVER rs_wrongpw OPTIONS (table_name 'fault_items');
SQL

mysql_sleepers() { mysql_root -e "SELECT count(*) FROM information_schema.processlist WHERE info LIKE '%fault_slow%' AND info NOT LIKE '%processlist%'"; }
rs_sleepers() { rs_super -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%fault_slow%' AND state = 'active' AND pid <> pg_backend_pid()"; }

# ---- cancellation by statement_timeout: the remote statement is gone when the ERROR returns --
for kind in my rs; do
    out=$(session <<SQL
SET statement_timeout = '1s';
SELECT * FROM ${kind}_slow;
SELECT count(*) FROM ${kind}_items;
SQL
)
    contains "$kind: statement_timeout cancels the query (57014)" "$out" "57014"
    if [[ $kind == my ]]; then left=$(mysql_sleepers); else left=$(rs_sleepers); fi
    check "$kind: no remote statement left after the timeout" "0" "$left"
    contains "$kind: the next query on the same backend works" "$out" $'\n'"$( [[ $kind == my ]] && echo 3 || echo 2)"
done

# ---- cancellation by pg_cancel_backend from another session --------------------------------
for kind in my rs; do
    out_file=$(mktemp)
    psql -X -At -v VERBOSITY=verbose -d "$db" \
        -c "SELECT * FROM ${kind}_slow" -c "SELECT 'after', count(*) FROM ${kind}_items" \
        >"$out_file" 2>&1 &
    client=$!
    for _ in $(seq 1 100); do
        if [[ $kind == my ]]; then running=$(mysql_sleepers); else running=$(rs_sleepers); fi
        [[ $running == 1 ]] && break
        sleep 0.1
    done
    check "$kind: the slow statement runs remotely" "1" "$running"
    started=$(date +%s%N)
    psql -X -q -At -d "$db" -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
        WHERE datname = '$db' AND query LIKE '%${kind}_slow%' AND pid <> pg_backend_pid()" >/dev/null
    # How long the remote statement outlives the cancel, for the record (not asserted).
    for _ in $(seq 1 500); do
        if [[ $kind == my ]]; then left=$(mysql_sleepers); else left=$(rs_sleepers); fi
        [[ $left == 0 ]] && break
        sleep 0.01
    done
    gone_ms=$((($(date +%s%N) - started) / 1000000))
    wait "$client" || true
    # The local ERROR is raised only once the remote statement was stopped.
    if [[ $kind == my ]]; then left=$(mysql_sleepers); else left=$(rs_sleepers); fi
    out=$(cat "$out_file")
    rm -f "$out_file"
    contains "$kind: pg_cancel_backend cancels the query (57014)" "$out" "57014"
    check "$kind: the remote statement is gone after the cancel" "0" "$left"
    echo "     ($kind: remote statement gone ${gone_ms} ms after pg_cancel_backend)"
    contains "$kind: the same backend answers the next query" "$out" "after|"
done

# ---- faults ---------------------------------------------------------------------------------
out=$(session <<'SQL'
SELECT * FROM down_items;
SELECT 'alive';
SQL
)
contains "server down: 08001" "$out" "08001"
contains "server down: names the server" "$out" 'server "down"'
lacks "server down: no password" "$out" "$secret"
contains "server down: backend keeps working" "$out" "alive"

for server in wrongpw rs_wrongpw; do
    out=$(session <<SQL
SELECT * FROM ${server}_items;
SELECT 'alive';
SQL
)
    contains "$server: wrong password is a connection error (08001)" "$out" "08001"
    contains "$server: names the server" "$out" "server \"$server\""
    lacks "$server: the wrong password is not shown" "$out" "Wr0ngSecret"
    contains "$server: backend keeps working" "$out" "alive"
done

out=$(session <<'SQL'
SELECT * FROM my_missing;
SELECT 'alive';
SQL
)
contains "unknown remote table: the remote's SQLSTATE (42S02)" "$out" "42S02"
contains "unknown remote table: names the server" "$out" 'server "my"'
contains "unknown remote table: backend keeps working" "$out" "alive"

out=$(session <<'SQL'
SELECT * FROM my_points ORDER BY id;
SELECT 'alive';
SQL
)
contains "a value the local type cannot hold: 22P02" "$out" "22P02"
contains "a value the local type cannot hold: backend keeps working" "$out" "alive"

# Session killed mid-query: KILL CONNECTION of the FDW's MariaDB session while it runs.
out_file=$(mktemp)
psql -X -At -v VERBOSITY=verbose -d "$db" -c "SELECT * FROM my_slow" \
    -c "SELECT 'after', count(*) FROM my_items" >"$out_file" 2>&1 &
client=$!
for _ in $(seq 1 100); do
    thread=$(mysql_root -e "SELECT id FROM information_schema.processlist WHERE info LIKE '%fault_slow%' AND info NOT LIKE '%processlist%'")
    [[ -n $thread ]] && break
    sleep 0.1
done
mysql_root -e "KILL CONNECTION $thread"
wait "$client" || true
out=$(cat "$out_file")
rm -f "$out_file"
contains "killed mid-query: a connection error (class 08)" "$out" "ERROR:  08"
contains "killed mid-query: names the server" "$out" 'server "my"'
contains "killed mid-query: the next query reconnects" "$out" "after|3"

# Session gone between queries: the next query reconnects by itself. The stand-in restarts for
# real (as postgres when run as root: pg_ctl refuses root).
pg_ctl_restart="$QUARRY_PG_BINDIR/pg_ctl restart -D '$QUARRY_RS_DATA' -m fast -w -l '$QUARRY_RS_DATA/../server.log'"
if [[ $(id -u) == 0 ]]; then
    restart_stand_in="su postgres -c \"$pg_ctl_restart\" >/dev/null 2>&1"
else
    restart_stand_in="$pg_ctl_restart >/dev/null 2>&1"
fi
out_file=$(mktemp)
{
    echo "SELECT 'first', count(*) FROM my_items;"
    echo "SELECT 'first', count(*) FROM rs_items;"
    echo "\\! mariadb --protocol=socket -S '$QUARRY_MY_SOCKET' -u root -N -B -e \"SELECT concat('KILL CONNECTION ', id, ';') FROM information_schema.processlist WHERE user = '$QUARRY_MY_USER'\" | mariadb --protocol=socket -S '$QUARRY_MY_SOCKET' -u root"
    echo "\\! $restart_stand_in"
    echo "SELECT 'second', count(*) FROM my_items;"
    echo "SELECT 'second', count(*) FROM rs_items;"
} | session >"$out_file"
out=$(cat "$out_file")
rm -f "$out_file"
contains "MariaDB session killed between queries: reconnects" "$out" "second|3"
contains "stand-in restarted between queries: reconnects" "$out" "second|2"
lacks "no error after the restart" "$out" "ERROR"

exit "$fail"
