#!/bin/bash
# Entrypoint of the Spark image (images/python.Dockerfile, target spark).
#
# Spark on Kubernetes (the spark-operator's spark-submit) starts the driver and executor pods
# from this image with the first argument `driver` or `executor`, and passes everything else in
# environment variables that its pod feature steps set. That contract is the one of Apache
# Spark's own image (kubernetes/dockerfiles/spark/entrypoint.sh); this is our reading of it:
#   driver    SPARK_DRIVER_BIND_ADDRESS (the pod's IP); the arguments are spark-submit's
#             (--properties-file /opt/spark/conf/spark.properties --class ... <app> <args>)
#   executor  SPARK_DRIVER_URL, SPARK_EXECUTOR_ID, SPARK_EXECUTOR_CORES, SPARK_EXECUTOR_MEMORY,
#             SPARK_APPLICATION_ID, SPARK_EXECUTOR_POD_IP, SPARK_EXECUTOR_POD_NAME,
#             SPARK_RESOURCE_PROFILE_ID; JVM options in SPARK_JAVA_OPT_0, _1, ...;
#             SPARK_CONF_DIR (the mounted ConfigMap), optional SPARK_EXTRA_CLASSPATH, HADOOP_CONF_DIR
# Any other command runs as given (spark-submit, python, the image check).
set -euo pipefail

# Names the variables Spark should have set and did not, and stops.
require() {
  local missing=() v
  for v in "$@"; do [ -n "${!v:-}" ] || missing+=("$v"); done
  [ ${#missing[@]} -eq 0 ] || { echo "entrypoint.sh $mode: not set: ${missing[*]}" >&2; exit 64; }
}

# tini as PID 1: forwards SIGTERM to the JVM and reaps the Python workers PySpark forks.
mode=${1:-}
case "$mode" in
  driver)
    shift
    require SPARK_DRIVER_BIND_ADDRESS
    # Kubernetes' "cluster" mode is already done: inside the pod the driver runs in client mode.
    # SPARK_DRIVER_POD_IP: executors see their driver's address (SPARK-42769).
    exec tini -s -- "$SPARK_HOME/bin/spark-submit" \
      --conf "spark.driver.bindAddress=$SPARK_DRIVER_BIND_ADDRESS" \
      --conf "spark.executorEnv.SPARK_DRIVER_POD_IP=$SPARK_DRIVER_BIND_ADDRESS" \
      --deploy-mode client \
      "$@"
    ;;
  executor)
    shift
    require SPARK_EXECUTOR_MEMORY SPARK_DRIVER_URL SPARK_EXECUTOR_ID SPARK_EXECUTOR_CORES SPARK_APPLICATION_ID \
      SPARK_EXECUTOR_POD_IP SPARK_RESOURCE_PROFILE_ID SPARK_EXECUTOR_POD_NAME
    # Spark numbers the executor's JVM options from 0 without gaps; keep their order.
    java_opts=()
    for ((i = 0; ; i++)); do
      var="SPARK_JAVA_OPT_$i"
      [ -n "${!var+set}" ] || break
      java_opts+=("${!var}")
    done
    # The mounted configuration first (log4j2.properties, spark.properties), then Spark's jars
    # (with ours: Iceberg, S3A, the silver functions) and what the application adds; the working
    # directory last, where Spark puts files it ships to executors (SPARK-43540).
    classpath="${SPARK_CONF_DIR:-$SPARK_HOME/conf}${HADOOP_CONF_DIR:+:$HADOOP_CONF_DIR}:$SPARK_HOME/jars/*${SPARK_EXTRA_CLASSPATH:+:$SPARK_EXTRA_CLASSPATH}:$PWD"
    exec tini -s -- java "${java_opts[@]}" \
      -Xms"$SPARK_EXECUTOR_MEMORY" -Xmx"$SPARK_EXECUTOR_MEMORY" \
      -cp "$classpath" \
      org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "$SPARK_DRIVER_URL" \
      --executor-id "$SPARK_EXECUTOR_ID" \
      --cores "$SPARK_EXECUTOR_CORES" \
      --app-id "$SPARK_APPLICATION_ID" \
      --hostname "$SPARK_EXECUTOR_POD_IP" \
      --resourceProfileId "$SPARK_RESOURCE_PROFILE_ID" \
      --podName "$SPARK_EXECUTOR_POD_NAME"
    ;;
  *)
    exec "$@"
    ;;
esac
