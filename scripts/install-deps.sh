#!/usr/bin/env bash
# Installs what quarry needs to build and test, from Debian 12's apt repositories.
# Idempotent: only the missing packages are installed (and apt-get update runs only then).
# System PostgreSQL / MariaDB services are kept from starting (or stopped): the tests use their
# own throwaway servers (scripts/servers.sh), and ports 5432/3306 stay free.
set -euo pipefail

PACKAGES=(
    build-essential cmake pkg-config
    postgresql-15 postgresql-server-dev-15 postgresql-contrib libpq-dev postgresql-15-mysql-fdw
    mariadb-server mariadb-client libmariadb-dev
    nlohmann-json3-dev googletest libgtest-dev libbenchmark-dev
    tzdata clang-format clang-tidy
)

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"

SUDO=()
if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || {
        echo "install-deps: missing packages and not root (no sudo): ${missing[*]}" >&2
        exit 1
    }
    SUDO=(sudo)
fi

# Keep services from starting on install (Debian's maintainer scripts honour policy-rc.d).
POLICY=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\n# quarry scripts/install-deps.sh: no service starts during install\nexit 101\n' |
        "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    created_policy=1
fi
cleanup() {
    if ((created_policy)); then "${SUDO[@]}" rm -f "$POLICY"; fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o DPkg::Lock::Timeout=900 -o Dpkg::Options::=--force-confdef
    -o Dpkg::Options::=--force-confold)
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=900 update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install "${APT_OPTS[@]}" "${missing[@]}"

# Should a service have been started anyway (systemd without policy-rc.d, an earlier install):
# stop the system clusters/servers so they do not hold 5432/3306.
if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters --no-header 2>/dev/null | while read -r ver name port status _; do
        if [[ $status == online* ]]; then
            echo "install-deps: stopping system PostgreSQL cluster $ver/$name (port $port)"
            "${SUDO[@]}" pg_ctlcluster "$ver" "$name" stop || true
        fi
    done
fi
if [[ -S /run/mysqld/mysqld.sock ]] && command -v mariadb-admin >/dev/null &&
    "${SUDO[@]}" mariadb-admin --socket=/run/mysqld/mysqld.sock ping >/dev/null 2>&1; then
    echo "install-deps: stopping the system MariaDB service"
    if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
        "${SUDO[@]}" systemctl stop mariadb || true
    else
        "${SUDO[@]}" mariadb-admin --socket=/run/mysqld/mysqld.sock shutdown || true
    fi
fi
if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    "${SUDO[@]}" systemctl disable --now postgresql mariadb >/dev/null 2>&1 || true
fi

for p in "${PACKAGES[@]}"; do
    installed "$p" || {
        echo "install-deps: $p is still missing" >&2
        exit 1
    }
done
echo "install-deps: done"
