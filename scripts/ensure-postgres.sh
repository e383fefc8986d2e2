#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with the access the tests use
# (user postgres, no password, from loopback only). A no-op where one already answers.
# Otherwise it installs Debian's postgresql when the server binaries are missing and starts
# a throwaway cluster of the project's own, with trust authentication on loopback, outside
# the repository (the machine's own cluster and its settings are left alone).
set -euo pipefail
HOST=127.0.0.1
PORT=${OPI_TEST_POSTGRES_PORT:-5432}

answers() { pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; }

if command -v pg_isready >/dev/null && answers; then
  exit 0
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed: sudo apt-get install postgresql" >&2
    exit 1
  fi
  echo "installing PostgreSQL (Debian package postgresql)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# PostgreSQL refuses to run as root: as root the cluster belongs to the postgres user.
if [ "$(id -u)" = 0 ]; then
  owner=postgres
  datadir=/var/lib/postgresql/opi-test
  as_owner() { runuser -u postgres -- "$@"; }
else
  owner=$(id -un)
  datadir=${XDG_CACHE_HOME:-$HOME/.cache}/opi/postgres
  as_owner() { "$@"; }
fi

if [ ! -s "$datadir/PG_VERSION" ]; then
  echo "creating a PostgreSQL cluster for the tests in $datadir (owner $owner)"
  mkdir -p "$datadir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$datadir"
  as_owner "$bindir/initdb" -D "$datadir" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >/dev/null
fi

# A test server: durability is traded for speed (the tests make and drop databases by the
# hundred), and enough connections for a stack with two instances of every service.
as_owner "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 60 start -o \
  "-h $HOST -p $PORT -k /tmp -c max_connections=400 -c fsync=off -c synchronous_commit=off \
   -c full_page_writes=off" >/dev/null
answers
echo "PostgreSQL answers on $HOST:$PORT (cluster $datadir)"
