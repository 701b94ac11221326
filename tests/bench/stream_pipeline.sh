#!/usr/bin/env bash
# The cost of `audit --stream` around the checks: read, parse, engine, score, fingerprint,
# serialise, write. Runs with one cheap rule (`--select missing_translation`), so nearly all
# the time is the pipeline. Reports `perf stat` task-clock (CPU ms, fair on a shared machine)
# and elapsed wall ms, mean of REPEAT runs, at --jobs 1 and 2, for each build given.
# usage: tests/bench/stream_pipeline.sh CORPUS.tsv TQA [TQA ...]   (REPEAT=10 by default)
# Build CORPUS.tsv as tests/bench/peers.sh does. Needs `perf`.
set -euo pipefail
TSV=$1; shift
REPEAT=${REPEAT:-10}
for T in "$@"; do
  for J in 1 2; do
    cmd=("$T" audit --stream --jobs "$J" --select missing_translation "$TSV")
    cpu=$(perf stat -r "$REPEAT" -x, -e task-clock "${cmd[@]}" 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
    wall=$(perf stat -r "$REPEAT" "${cmd[@]}" 2>&1 >/dev/null | awk '/seconds time elapsed/ {print $1 * 1000}')
    printf "%-40s jobs %s  cpu %7.1f ms  wall %7.1f ms\n" "$T" "$J" "$cpu" "$wall"
  done
done
