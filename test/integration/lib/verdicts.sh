# Sourced by the integration scripts (test/integration/*.sh): how they report. Each verdict
# prints "ok   label" or "FAIL label: why"; a failure sets fail=1, the script's exit status.
# (In a folder of its own: scripts/test.sh runs every test/integration/*.sh as a suite.)
fail=0
ok() { echo "ok   $1"; }
bad() {
    echo "FAIL $1"
    fail=1
}
check() { # label expected actual
    if [[ $2 == "$3" ]]; then ok "$1"; else bad "$1: expected [$2], got [$3]"; fi
}
contains() { # label haystack needle
    if [[ $2 == *"$3"* ]]; then ok "$1"; else bad "$1: [$3] not in [$2]"; fi
}
lacks() { # label haystack needle
    if [[ $2 != *"$3"* ]]; then ok "$1"; else bad "$1: [$3] found in [$2]"; fi
}
# MariaDB as root over its socket, in the test database, rows as tab-separated values.
mysql_root() { mariadb --protocol=socket -S "$QUARRY_MY_SOCKET" -u root -N -B "$QUARRY_MY_DB" "$@"; }
