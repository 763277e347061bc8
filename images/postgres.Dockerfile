# PostgreSQL from Debian (bookworm ships 15; the local stack runs Debian's too), for the metastore
# and Superset's metadata. It keeps the part of the Docker Official Image's contract that
# components/postgres.ts relies on, so the component runs this image or `postgres:<n>` unchanged:
# see images/postgres-entrypoint.sh.
#
# Build arguments, without defaults:
#   PG_MAJOR  the PostgreSQL major of the Debian release (bookworm: 15); not yet in src/lib/versions.ts
# Build context: the repository root.
#
# Contract: uid/gid 999 (postgres); PGDATA=/var/lib/postgresql/data (a subdirectory of a mounted
# volume works too); POSTGRES_PASSWORD (required on an empty PGDATA), POSTGRES_USER (default
# postgres), POSTGRES_DB (default POSTGRES_USER); *.sh and *.sql in /docker-entrypoint-initdb.d
# run once, on an empty PGDATA; the server listens on *:5432 with scram-sha-256 for TCP; the
# socket in /var/run/postgresql; postgres, psql, pg_isready on PATH.

FROM debian:bookworm-slim
ARG PG_MAJOR
RUN : "${PG_MAJOR:?build arg PG_MAJOR is not set (the Debian release's PostgreSQL major: 15 for bookworm)}"
# The user first, with the Official Image's ids, so the package adopts it.
RUN groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres \
 && install -d -o postgres -g postgres -m 0755 /var/lib/postgresql
# No cluster of Debian's own (/etc/postgresql/<n>/main): the entrypoint makes PGDATA. apt-get clean:
# the real -slim image drops apt's cache by configuration (docker-clean), a debootstrap root does not.
RUN set -eu; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends postgresql-common; \
    sed -ri 's/#(create_main_cluster) .*$/\1 = false/' /etc/postgresql-common/createcluster.conf; \
    apt-get install -y --no-install-recommends "postgresql-$PG_MAJOR"; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*; \
    "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" --version
ENV PG_MAJOR=$PG_MAJOR \
    PATH=/usr/lib/postgresql/$PG_MAJOR/bin:$PATH \
    PGDATA=/var/lib/postgresql/data \
    LANG=C.UTF-8
RUN install -d -o postgres -g postgres -m 0700 "$PGDATA" \
 && install -d -o postgres -g postgres -m 2777 /var/run/postgresql \
 && install -d -m 0755 /docker-entrypoint-initdb.d
COPY images/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
RUN chmod 0755 /usr/local/bin/postgres-entrypoint.sh
USER 999:999
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
# Fast shutdown (SIGTERM would be "smart": wait for every client to leave).
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
