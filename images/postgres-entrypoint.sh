#!/bin/bash
# The PostgreSQL image's entrypoint (images/postgres.Dockerfile): the part of the Docker Official
# Image's docker-entrypoint.sh that components/postgres.ts relies on, so the component runs either
# image. On an empty PGDATA: initdb with the superuser POSTGRES_USER and its POSTGRES_PASSWORD,
# create POSTGRES_DB, run /docker-entrypoint-initdb.d/*.sh and *.sql once against a server that
# listens on the socket only; then exec the server on every address, TCP with scram-sha-256.
# Runs as the postgres user (the image's USER); a non-postgres command is exec'd as given.
set -Eeuo pipefail

say() { printf 'postgres-entrypoint: %s\n' "$*" >&2; }

if [ $# -eq 0 ] || [ "${1:0:1}" = "-" ]; then set -- postgres "$@"; fi
if [ "$1" != "postgres" ]; then exec "$@"; fi
for arg in "$@"; do
  case "$arg" in -V|--version|'-?'|--help|--describe-config|-C) exec "$@" ;; esac
done
if [ "$(id -u)" = 0 ]; then
  say "run as the postgres user (uid 999), not root (the image's USER; the component's securityContext)"
  exit 1
fi

: "${PGDATA:?PGDATA is not set}"
export POSTGRES_USER="${POSTGRES_USER:-postgres}"
export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
SOCKET_DIR=/var/run/postgresql

# initdb wants the directory 0700 (or 0750) and owned by the server's user; on a volume's first
# start it is new, so it can be made so.
mkdir -p "$PGDATA"
chmod 0700 "$PGDATA" 2>/dev/null || :

server_major="${PG_MAJOR:?PG_MAJOR is not set (the image sets it)}"
if [ -s "$PGDATA/PG_VERSION" ]; then
  data_major="$(cat "$PGDATA/PG_VERSION")"
  if [ "$data_major" != "$server_major" ]; then
    say "$PGDATA holds a PostgreSQL $data_major cluster and this image runs PostgreSQL $server_major: dump it with pg_dumpall from a $data_major server and restore it here, or run an image of $data_major"
    exit 1
  fi
  exec "$@"
fi

if [ -n "$(ls -A "$PGDATA")" ]; then
  say "$PGDATA is not empty but holds no cluster (no PG_VERSION): refusing to initdb over it"
  exit 1
fi
if [ -z "${POSTGRES_PASSWORD:-}" ]; then
  say "$PGDATA is empty and POSTGRES_PASSWORD is not set: the superuser $POSTGRES_USER needs a password"
  exit 1
fi

# A failed first start leaves PGDATA empty again, so the next start redoes the whole init (the
# Official Image would keep a half-made cluster and skip the init scripts from then on).
initialising=1
cleanup() {
  if [ "$initialising" = 1 ]; then
    say "initialisation failed: emptying $PGDATA so the next start begins again"
    pg_ctl -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || :
    find "$PGDATA" -mindepth 1 -delete || :
  fi
}
trap cleanup EXIT

say "initialising a PostgreSQL $server_major cluster in $PGDATA (superuser $POSTGRES_USER)"
# Socket connections need no password (only what runs in the container reaches the socket), TCP
# always does, loopback included.
initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
  --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 \
  -D "$PGDATA" >&2
printf '\n# postgres-entrypoint: every client address, with a password\nhost all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
printf "\n# postgres-entrypoint\nlisten_addresses = '*'\nunix_socket_directories = '%s'\n" "$SOCKET_DIR" >> "$PGDATA/postgresql.conf"

pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$SOCKET_DIR" -w start >&2
export PGHOST="$SOCKET_DIR" PGPASSWORD="$POSTGRES_PASSWORD"
psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --no-password)
if [ "$POSTGRES_DB" != "postgres" ]; then
  "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" >/dev/null <<'SQL'
CREATE DATABASE :"db";
SQL
fi
for f in /docker-entrypoint-initdb.d/*; do
  [ -e "$f" ] || continue
  case "$f" in
    *.sh)
      say "running $f"
      if [ -x "$f" ]; then "$f"; else bash "$f"; fi ;;
    *.sql)
      say "running $f"
      "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" >/dev/null ;;
    *) say "ignoring $f (only *.sh and *.sql run)" ;;
  esac
done
unset PGPASSWORD
pg_ctl -D "$PGDATA" -m fast -w stop >&2
initialising=0
trap - EXIT
say "initialised; starting the server"
exec "$@"
