/**
 * JVM options for the local stack's resident JVMs (Trino, the warm Spark driver), which share
 * the machine with each other and with the jobs: each gives back heap it no longer uses. A
 * periodic collection when idle for 10 s gives G1 the chance (JEP 346), and a free-heap ratio of
 * at most 30% (G1's default is 70%, which kept a 2 GB heap committed with 0.4 GB in use) makes it
 * return what a burst (a backfill, dashboards under load) left committed. G1 never shrinks below
 * the initial heap (-Xms). The cluster's pods have their memory to themselves and keep it.
 *
 * The price is collections: on the small heap G1 starts a concurrent mark right after each mixed
 * collection, ~13 a day's gold build, about a quarter of Trino's CPU in it (bench/README.md, "Why
 * gold's day build…"). A larger -Xms or G1's default ratios did not make builds measurably faster.
 */
export const RETURN_IDLE_HEAP = ["-XX:G1PeriodicGCInterval=10000", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30"];
