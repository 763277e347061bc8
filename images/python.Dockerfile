# The images of the project's Python environment, one per target (build context: the repository
# root; every target needs `--target`):
#   spark     the Spark jobs (silver as a SparkApplication, maintenance as a CronJob)
#   dbt       the gold job
#   superset  the dashboards' web server and its Jobs
# All three start from the same layers: Debian's Python 3.11 and one virtual environment made by
# uv from the project's own uv.lock (`uv sync --frozen --no-dev`), the environment the local
# stack runs, so the venv layer is built once and shared. No version is written here: Python
# packages come from uv.lock, the Spark jars from deps/spark/pom.xml, Debian's packages from
# the release of `FROM`, uv from the build arguments (src/lib/versions.ts TOOLCHAINS.uv).

# Runtime: bookworm's Python 3.11 (pyproject.toml: requires-python ==3.11.*). ca-certificates:
# the real debian:bookworm-slim has none, and every image talks TLS (PyPI here, Trino, S3).
# apt-get clean in every apt step: the real -slim cleans apt's cache by its own apt.conf.d hook,
# a debootstrap-made base does not (130 MB of .debs and package caches left in a layer).
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3.11 ca-certificates \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
# What python:3.11-slim set, which the old images ran with.
ENV LANG=C.UTF-8

# The environment, built here and copied out, so that uv, pip and uv's downloads stay behind.
FROM runtime AS venv
ARG UV_VERSION
ARG UV_SHA256
# uv from PyPI, its wheel checked against the pinned sha256 (as the local stack installs it:
# src/local/install.ts, a venv with pip). The system CA bundle: pip's and uv's own bundles do not
# hold the CA of a TLS-inspecting proxy, which a company's base image adds to the system's.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3.11-venv \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && python3.11 -m venv /opt/uv \
 && printf 'uv==%s --hash=sha256:%s\n' "${UV_VERSION:?build arg UV_VERSION is not set}" "${UV_SHA256:?build arg UV_SHA256 is not set}" > /tmp/uv.txt \
 && /opt/uv/bin/pip install --no-cache-dir --disable-pip-version-check --cert /etc/ssl/certs/ca-certificates.crt \
      --require-hashes --only-binary :all: -r /tmp/uv.txt \
 && /opt/uv/bin/uv --version
WORKDIR /src
COPY pyproject.toml uv.lock ./
# --frozen: exactly uv.lock (fails if pyproject.toml and the lock disagree); no dev group (pytest,
# vermin). Bytecode compiled now: the images run as users who cannot write __pycache__ here, and
# Superset imports thousands of modules at every start. No cache: nothing of it is kept.
# /opt/spark: the pyspark package (Spark's home), for the functions stage below.
RUN SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON=/usr/bin/python3.11 UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 UV_NO_CACHE=1 UV_LINK_MODE=copy \
    /opt/uv/bin/uv sync --frozen --no-dev \
 && ln -s "$(/opt/venv/bin/python -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')" /opt/spark

# The shared base of the three targets: the runtime and the environment, on PATH.
FROM runtime AS python
COPY --from=venv /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH

# The jars of deps/spark/pom.xml (Iceberg, S3A and the AWS SDK) from Maven Central, checksums
# enforced; Debian's Maven and JDK, in this build stage only.
FROM debian:bookworm-slim AS jars
# man1: openjdk's postinst links its man pages there, and -slim leaves the directory out.
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends maven openjdk-17-jdk-headless \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY deps/spark/pom.xml /deps/pom.xml
RUN mvn -B -q --strict-checksums -f /deps/pom.xml dependency:copy-dependencies -DoutputDirectory=/jars

# The silver job's JVM functions (spark/functions), compiled against the Jackson of the pyspark
# in the environment, with the script the local stack and the unit tests use.
FROM jars AS functions
COPY --from=venv /opt/spark/jars/jackson-core-*.jar /spark-jars/
COPY spark/functions /functions
RUN bash /functions/build.sh /spark-jars /out/lakehouse-spark-functions.jar

# Spark: Java 17 (Debian's), Spark = the pyspark of the environment, our jars and the jobs' code.
# SPARK_HOME=/opt/spark (the pyspark package): the Kubernetes pods mount their configuration at
# /opt/spark/conf, and the maintenance CronJob runs /opt/spark/bin/spark-submit.
FROM python AS spark
# tini: the entrypoint's PID 1. uid 185: the `spark` user of Apache Spark's images, which the
# pods run as (components/sparkApp.ts); a passwd entry, because Hadoop looks the user's name up.
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless tini \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 185 spark \
 && useradd --system --uid 185 --gid spark --home-dir /home/spark --create-home --shell /bin/false spark \
 && ln -s "$(python -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')" /opt/spark \
 && mkdir /opt/spark/conf
COPY --from=jars /jars/ /opt/spark/jars/
COPY --from=functions /out/lakehouse-spark-functions.jar /opt/spark/jars/
COPY spark/conf/log4j2.properties spark/conf/spark-defaults.conf /opt/spark/conf/
COPY spark/lakehouse /opt/lakehouse/spark/lakehouse
COPY spark/contracts /opt/lakehouse/spark/contracts
COPY spark/entrypoint.sh /opt/entrypoint.sh
ENV SPARK_HOME=/opt/spark \
    PYSPARK_PYTHON=/opt/venv/bin/python \
    PYTHONPATH=/opt/lakehouse/spark \
    AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED \
    AWS_RESPONSE_CHECKSUM_VALIDATION=WHEN_REQUIRED
# A writable working directory: Spark writes spark-warehouse/ and fetched files there.
WORKDIR /home/spark
USER 185
ENTRYPOINT ["/opt/entrypoint.sh"]

# dbt (dbt-core + dbt-trino) and the project; profiles.yml is mounted from a ConfigMap at
# /app/lakehouse/profiles (components/pipeline.ts).
FROM python AS dbt
COPY dbt /app/dbt
WORKDIR /app/dbt
ENV DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_USE_COLORS=false
USER 1000

# Superset with the Trino driver and the lakehouse's configuration. The dashboard assets are not
# baked in: the cluster mounts superset/assets from a ConfigMap and imports them with
# `lakehouse dashboards import --from-env` (components/supersetImport.ts). gunicorn is
# apache-superset's own dependency (uv.lock); psycopg2-binary carries its libpq.
FROM python AS superset
RUN mkdir -p /app/superset_home && chown 1000:1000 /app/superset_home
COPY superset/superset_config.py /app/superset_config.py
# SUPERSET_HOME: Superset creates its data dir at start; uid 1000 has no home directory here.
ENV SUPERSET_CONFIG_PATH=/app/superset_config.py FLASK_APP=superset SUPERSET_HOME=/app/superset_home \
    SUPERSET_DISABLE_TELEMETRY=1
USER 1000
EXPOSE 8088
# The web server, as the local stack runs it (src/local/services/superset.ts); Jobs override the command.
# --keep-alive 75: longer than the clients' idle-socket reuse (see src/local/services/superset.ts).
CMD ["gunicorn", "--bind", "0.0.0.0:8088", "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "120", "--keep-alive", "75", "--access-logfile", "-", "superset.app:create_app()"]
