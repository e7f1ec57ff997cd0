#!/usr/bin/env bash
# Throwaway servers for quarry's tests, all under build/servers/ (or $QUARRY_SERVERS_DIR):
#
#   PostgreSQL 15 "primary"            where quarry.so is installed and pg_regress runs
#   PostgreSQL 15 "redshift stand-in"  database warehouse, password user rs_user/rs_pass
#   MariaDB                            database shop, password user quarry/quarry_pass
#
# All bound to 127.0.0.1 on free ports picked at start; the coordinates are written to
# build/servers/env (shell-sourceable: `. build/servers/env` or `eval "$(scripts/servers.sh env)"`).
#
#   scripts/servers.sh start    stop whatever runs, wipe build/servers, create and start all three
#   scripts/servers.sh stop     stop all three (safe when nothing runs)
#   scripts/servers.sh status   exit 0 when all three run
#   scripts/servers.sh env      print the env file
#
# Authentication: the PostgreSQL superuser `postgres` is trusted on the unix socket and on
# 127.0.0.1 (PGUSER=postgres in the env file, so plain `psql` works after sourcing it); the OS
# user that ran `start` (e.g. root) also gets a superuser role of its name, peer-authenticated on
# the unix socket. Every other role needs a password (scram-sha-256). MariaDB's root has no
# password (throwaway server), the tests use quarry/quarry_pass.
#
# When run as root, PostgreSQL runs as the OS user `postgres` (initdb and pg_ctl refuse root)
# and MariaDB as `mysql`; otherwise both run as the calling user.
set -euo pipefail

# The servers must not inherit a file descriptor of the caller (a `flock FILE ...` lock, a
# pipe): a server left running would hold it for as long as it runs.
for fd_path in /proc/$$/fd/*; do
    fd=${fd_path##*/}
    if ((fd > 2 && fd < 255)); then eval "exec $fd>&-"; fi
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF=$ROOT/scripts/$(basename "${BASH_SOURCE[0]}")
SERVERS_DIR=${QUARRY_SERVERS_DIR:-$ROOT/build/servers}
PG_BINDIR=${QUARRY_PG_BINDIR:-/usr/lib/postgresql/15/bin}
WAIT_SECONDS=${QUARRY_SERVERS_WAIT:-60}

# QUARRY_PRELOAD: the primary's shared_preload_libraries: quarry, for its background worker
# (docs/worker.md). quarry.so must be installed before start (scripts/test.sh does).
# QUARRY_PG_PRELOAD= (empty) starts the primary without it.
PG_PRELOAD=${QUARRY_PG_PRELOAD-quarry}

RS_DB=warehouse
RS_USER=rs_user
RS_PASSWORD=rs_pass
MY_DB=shop
MY_USER=quarry
MY_PASSWORD=quarry_pass

PRIMARY=$SERVERS_DIR/pg-primary
REDSHIFT=$SERVERS_DIR/pg-redshift
MARIADB=$SERVERS_DIR/mariadb
ENV_FILE=$SERVERS_DIR/env

log() { printf 'servers: %s\n' "$*" >&2; }
die() {
    printf 'servers: ERROR: %s\n' "$*" >&2
    exit 1
}

if [[ ! -x $PG_BINDIR/pg_ctl ]]; then
    if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/pg_ctl ]]; then
        PG_BINDIR=$(pg_config --bindir)
    else
        die "PostgreSQL 15 binaries not found in $PG_BINDIR (run scripts/install-deps.sh)"
    fi
fi

if [[ $EUID -eq 0 ]]; then
    PG_OS_USER=postgres
    MY_OS_USER=mysql
else
    PG_OS_USER=$(id -un)
    MY_OS_USER=$(id -un)
fi
ME=$(id -un)

# Run a command as the OS user owning the PostgreSQL data directories.
as_pg() {
    if [[ $(id -un) == "$PG_OS_USER" ]]; then
        "$@"
    else
        runuser -u "$PG_OS_USER" -- "$@"
    fi
}

# ---------------------------------------------------------------------------------------------
# Ports

port_in_use() {
    local port=$1
    if command -v ss >/dev/null; then
        if ss -Htan "( sport = :$port )" 2>/dev/null | grep -q .; then
            return 0
        fi
    fi
    # Something answering on it?
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        return 0
    fi
    return 1
}

# Each server is listening before the next port is picked, so picks cannot collide; a port taken
# by someone else between the pick and the bind is retried by the callers.
free_port() {
    local port tries=0
    while ((tries < 200)); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        tries=$((tries + 1))
        port_in_use "$port" && continue
        echo "$port"
        return 0
    done
    die "no free TCP port found"
}

# ---------------------------------------------------------------------------------------------
# Unix sockets: sun_path holds 107 bytes. Deep checkouts get a short directory under /tmp.

sock_base() {
    local want=$SERVERS_DIR/sock
    if [[ -f $SERVERS_DIR/sockbase ]]; then
        cat "$SERVERS_DIR/sockbase"
        return
    fi
    if ((${#want} > 70)); then
        want=$(mktemp -d /tmp/quarry-sock.XXXXXX)
    else
        mkdir -p "$want"
    fi
    chmod 755 "$want"
    echo "$want" >"$SERVERS_DIR/sockbase"
    echo "$want"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_running() { # datadir
    [[ -f $1/postmaster.pid ]] && as_pg "$PG_BINDIR/pg_ctl" -D "$1" status >/dev/null 2>&1
}

pg_stop() { # name datadir
    local name=$1 data=$2
    [[ -d $data ]] || return 0
    if pg_running "$data"; then
        log "stopping PostgreSQL $name"
        if ! as_pg "$PG_BINDIR/pg_ctl" -D "$data" -m fast -w -t "$WAIT_SECONDS" stop >/dev/null; then
            log "PostgreSQL $name did not stop in ${WAIT_SECONDS}s; stopping it immediately"
            as_pg "$PG_BINDIR/pg_ctl" -D "$data" -m immediate -w -t "$WAIT_SECONDS" stop >/dev/null ||
                die "could not stop PostgreSQL $name ($data)"
        fi
    fi
}

pg_init() { # name dir sockdir
    local name=$1 dir=$2 sockdir=$3 data=$2/data
    mkdir -p "$dir" "$sockdir"
    chown "$PG_OS_USER" "$dir" "$sockdir"
    chmod 700 "$dir"
    log "initdb PostgreSQL $name"
    as_pg "$PG_BINDIR/initdb" -D "$data" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 -N >"$dir/initdb.log" 2>&1 ||
        {
            cat "$dir/initdb.log" >&2
            die "initdb failed for PostgreSQL $name"
        }

    local preload=''
    [[ $name == primary ]] && preload=$PG_PRELOAD
    cat >>"$data/postgresql.conf" <<EOF

# ---- quarry throwaway server ($name), written by scripts/servers.sh ----
port = 5432                                 # replaced at start by a free port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockdir'
max_connections = 100
timezone = 'UTC'
log_timezone = 'UTC'
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
# QUARRY_PRELOAD (see scripts/servers.sh): quarry's background worker
shared_preload_libraries = '$preload'
EOF

    {
        echo "# quarry throwaway server: trust only for the superuser postgres; passwords for others"
        echo "local   all   postgres                 trust"
        echo "host    all   postgres   127.0.0.1/32  trust"
        if [[ $ME != postgres ]]; then
            echo "local   all   $ME                     peer"
        fi
        echo "local   all   all                      scram-sha-256"
        echo "host    all   all        127.0.0.1/32  scram-sha-256"
    } >"$data/pg_hba.conf"
}

pg_psql() { # sockdir port db sql...
    local sockdir=$1 port=$2 db=$3
    shift 3
    as_pg "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$sockdir" -p "$port" -U postgres -d "$db" "$@"
}

# ---------------------------------------------------------------------------------------------
# MariaDB

my_pid() {
    [[ -f $MARIADB/mariadbd.pid ]] || return 1
    local pid
    pid=$(cat "$MARIADB/mariadbd.pid" 2>/dev/null) || return 1
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

my_stop() {
    local pid sock
    pid=$(my_pid) || return 0
    log "stopping MariaDB"
    sock=$(cat "$MARIADB/socket" 2>/dev/null || true)
    if [[ -n $sock ]]; then
        mariadb-admin --no-defaults --socket="$sock" -uroot --connect-timeout=5 shutdown \
            >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    local i
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.2
    done
    log "MariaDB did not stop in ${WAIT_SECONDS}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
    kill -0 "$pid" 2>/dev/null && die "could not stop MariaDB (pid $pid)"
    return 0
}

my_sql() { # sql on stdin, as root over the socket
    mariadb --no-defaults --socket="$1" -uroot "${@:2}"
}

my_init_and_start() { # port sockdir
    local port=$1 sock=$2/mysqld.sock data=$MARIADB/data
    mkdir -p "$data" "$MARIADB/tmp" "$2"
    echo "$sock" >"$MARIADB/socket"
    chown -R "$MY_OS_USER" "$MARIADB"
    chown "$MY_OS_USER" "$2"
    log "mariadb-install-db"
    mariadb-install-db --no-defaults --datadir="$data" --user="$MY_OS_USER" \
        --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
        >"$MARIADB/install.log" 2>&1 || {
        cat "$MARIADB/install.log" >&2
        die "mariadb-install-db failed"
    }
    log "starting MariaDB on 127.0.0.1:$port"
    setsid mariadbd --no-defaults --datadir="$data" --socket="$sock" --port="$port" \
        --bind-address=127.0.0.1 --user="$MY_OS_USER" --pid-file="$MARIADB/mariadbd.pid" \
        --log-error="$MARIADB/error.log" --tmpdir="$MARIADB/tmp" --skip-log-bin \
        --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
        --default-time-zone='+00:00' --innodb-buffer-pool-size=1G \
        --innodb-flush-log-at-trx-commit=0 --max-connections=200 \
        </dev/null >/dev/null 2>&1 9>&- &
    local i
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        if mariadb-admin --no-defaults --socket="$sock" -uroot --connect-timeout=2 ping \
            >/dev/null 2>&1; then
            return 0
        fi
        if ((i > 10)) && ! my_pid >/dev/null && [[ -f $MARIADB/error.log ]] &&
            grep -q -E 'Do you already have another|Can.t start server|\[ERROR\] Aborting' "$MARIADB/error.log"; then
            break
        fi
        sleep 0.2
    done
    tail -n 30 "$MARIADB/error.log" >&2 || true
    return 1
}

# ---------------------------------------------------------------------------------------------

cmd_stop() {
    pg_stop primary "$PRIMARY/data"
    pg_stop redshift "$REDSHIFT/data"
    my_stop
}

lock() {
    mkdir -p "$(dirname "$SERVERS_DIR")"
    exec 9>"$(dirname "$SERVERS_DIR")/.servers.lock"
    flock -w 600 9 || die "another scripts/servers.sh holds $(dirname "$SERVERS_DIR")/.servers.lock"
}

start_pg_with_retries() { # name dir sockdir -> echoes port
    local name=$1 dir=$2 sockdir=$3 port attempt
    for attempt in 1 2 3; do
        port=$(free_port)
        sed -i "s/^port = [0-9]*  /port = $port  /" "$dir/data/postgresql.conf"
        log "starting PostgreSQL $name on 127.0.0.1:$port"
        # setsid: the postmaster must not belong to the caller's process group or terminal.
        # 9>&-: the server must not inherit (and hold forever) the lock of this script.
        if setsid -w "$SELF" __pg_ctl_start "$dir" >/dev/null 9>&-; then
            echo "$port"
            return 0
        fi
        if grep -q 'could not bind\|Address already in use' "$dir/server.log" 2>/dev/null; then
            log "port $port was taken meanwhile; retrying"
            continue
        fi
        break
    done
    tail -n 30 "$dir/server.log" >&2 || true
    die "PostgreSQL $name did not start"
}

cmd_start() {
    case $SERVERS_DIR in
    / | "$ROOT" | "$HOME" | "") die "refusing to use $SERVERS_DIR as the servers directory" ;;
    esac
    cmd_stop
    local oldsock
    oldsock=$(cat "$SERVERS_DIR/sockbase" 2>/dev/null || true)
    [[ $oldsock == /tmp/quarry-sock.* ]] && rm -rf "$oldsock"
    rm -rf "$SERVERS_DIR"
    mkdir -p "$SERVERS_DIR"
    chmod 755 "$SERVERS_DIR"

    local sockbase
    sockbase=$(sock_base)
    local pg_sock=$sockbase/pg rs_sock=$sockbase/rs my_sock=$sockbase/my

    pg_init primary "$PRIMARY" "$pg_sock"
    pg_init redshift "$REDSHIFT" "$rs_sock"

    local pg_port rs_port my_port
    pg_port=$(start_pg_with_retries primary "$PRIMARY" "$pg_sock")
    rs_port=$(start_pg_with_retries redshift "$REDSHIFT" "$rs_sock")

    # The OS user running this (e.g. root) may use psql without -U postgres.
    if [[ $ME != postgres ]]; then
        pg_psql "$pg_sock" "$pg_port" postgres -c "CREATE ROLE \"$ME\" SUPERUSER LOGIN"
        pg_psql "$rs_sock" "$rs_port" postgres -c "CREATE ROLE \"$ME\" SUPERUSER LOGIN"
    fi
    pg_psql "$rs_sock" "$rs_port" postgres <<EOF
CREATE ROLE $RS_USER LOGIN PASSWORD '$RS_PASSWORD';
CREATE DATABASE $RS_DB OWNER $RS_USER;
EOF

    local attempt
    for attempt in 1 2 3; do
        my_port=$(free_port)
        if my_init_and_start "$my_port" "$my_sock"; then
            break
        fi
        my_stop
        if ((attempt < 3)) && grep -q 'Address already in use\|Do you already have another' "$MARIADB/error.log" 2>/dev/null; then
            log "port $my_port was taken meanwhile; retrying"
            rm -rf "$MARIADB"
            continue
        fi
        die "MariaDB did not start"
    done

    log "loading MariaDB time zone tables"
    mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | my_sql "$my_sock/mysqld.sock" mysql ||
        die "loading the time zone tables failed"
    my_sql "$my_sock/mysqld.sock" <<EOF
DROP USER IF EXISTS ''@'localhost';
DROP USER IF EXISTS ''@'$(hostname)';
CREATE DATABASE $MY_DB CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
CREATE USER '$MY_USER'@'127.0.0.1' IDENTIFIED BY '$MY_PASSWORD';
CREATE USER '$MY_USER'@'localhost' IDENTIFIED BY '$MY_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$MY_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$MY_USER'@'localhost';
GRANT PROCESS ON *.* TO '$MY_USER'@'127.0.0.1';
GRANT PROCESS ON *.* TO '$MY_USER'@'localhost';
FLUSH PRIVILEGES;
EOF

    write_env "$pg_port" "$pg_sock" "$rs_port" "$rs_sock" "$my_port" "$my_sock/mysqld.sock"
    log "all servers up; environment in $ENV_FILE"
    cat "$ENV_FILE"
}

write_env() {
    local pg_port=$1 pg_sock=$2 rs_port=$3 rs_sock=$4 my_port=$5 my_sock=$6
    {
        echo "# quarry throwaway servers, written by scripts/servers.sh start; source this file."
        v() { printf 'export %s=%q\n' "$1" "$2"; }
        v QUARRY_SERVERS_DIR "$SERVERS_DIR"
        v QUARRY_PG_BINDIR "$PG_BINDIR"
        echo "# PostgreSQL primary (quarry.so installed here; superuser postgres, trusted)"
        v QUARRY_PG_HOST 127.0.0.1
        v QUARRY_PG_PORT "$pg_port"
        v QUARRY_PG_USER postgres
        v QUARRY_PG_SOCKDIR "$pg_sock"
        v QUARRY_PG_DATA "$PRIMARY/data"
        echo "# PostgreSQL redshift stand-in (database $RS_DB, password user; superuser postgres trusted)"
        v QUARRY_RS_HOST 127.0.0.1
        v QUARRY_RS_PORT "$rs_port"
        v QUARRY_RS_DB "$RS_DB"
        v QUARRY_RS_USER "$RS_USER"
        v QUARRY_RS_PASSWORD "$RS_PASSWORD"
        v QUARRY_RS_SOCKDIR "$rs_sock"
        v QUARRY_RS_DATA "$REDSHIFT/data"
        echo "# MariaDB (database $MY_DB; user with all privileges; root has no password, socket)"
        v QUARRY_MY_HOST 127.0.0.1
        v QUARRY_MY_PORT "$my_port"
        v QUARRY_MY_USER "$MY_USER"
        v QUARRY_MY_PASSWORD "$MY_PASSWORD"
        v QUARRY_MY_DB "$MY_DB"
        v QUARRY_MY_SOCKET "$my_sock"
        echo "# libpq defaults: the primary"
        v PGHOST 127.0.0.1
        v PGPORT "$pg_port"
        v PGUSER postgres
        v PGDATABASE postgres
    } >"$ENV_FILE"
    chmod 644 "$ENV_FILE"
}

cmd_status() {
    local ok=0
    if pg_running "$PRIMARY/data"; then echo "primary:  running"; else
        echo "primary:  stopped"
        ok=3
    fi
    if pg_running "$REDSHIFT/data"; then echo "redshift: running"; else
        echo "redshift: stopped"
        ok=3
    fi
    if my_pid >/dev/null; then echo "mariadb:  running"; else
        echo "mariadb:  stopped"
        ok=3
    fi
    [[ -f $ENV_FILE && $ok -eq 0 ]] && echo "env:      $ENV_FILE"
    return $ok
}

cmd_env() {
    [[ -f $ENV_FILE ]] || die "$ENV_FILE does not exist (run scripts/servers.sh start)"
    cat "$ENV_FILE"
}

case ${1:-} in
start)
    lock
    cmd_start
    ;;
stop)
    lock
    cmd_stop
    ;;
status) cmd_status ;;
env) cmd_env ;;
__pg_ctl_start) # private: run under setsid by start_pg_with_retries
    dir=$2
    as_pg "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$WAIT_SECONDS" start
    ;;
*)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
