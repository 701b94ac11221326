#!/usr/bin/env bash
# Peak RSS of `tqa audit --stream` varies from run to run (thread timing decides how much
# freed memory mimalloc holds when): one run says little. This runs each given binary RUNS
# times, alternated, and prints min / median / max peak RSS and median CPU (user+sys).
#   tests/bench/rss_spread.sh CORPUS.tsv TQA [TQA2 ...]      # RUNS=5 by default
#   RUNS=8 ARGS="--select length_ratio,untranslated,number_mismatch,truncated" tests/bench/rss_spread.sh ...
# Any MIMALLOC_* variable set in the environment is passed on, e.g. MIMALLOC_PURGE_DELAY=-1
# (never return freed memory to the OS: peak RSS is then the allocator's whole footprint).
# For the live heap behind the RSS, build with `cargo build --release --features alloc-stats`
# (prints the peak live heap at exit). Not a test: run it by hand.
set -euo pipefail
TSV=$1; shift
RUNS=${RUNS:-5}
read -r -a EXTRA <<<"${ARGS:-}"
declare -A RSS CPU
for _ in $(seq "$RUNS"); do
  for b in "$@"; do
    /usr/bin/time -f "%M %U %S" -o /tmp/rss_spread.$$ "$b" audit --stream "${EXTRA[@]}" "$TSV" >/dev/null 2>&1 ||
      { echo "FAILED: $b" >&2; exit 1; }
    read -r kb u s </tmp/rss_spread.$$
    RSS[$b]+="$kb "
    CPU[$b]+="$(echo "$u + $s" | bc -l) "
  done
done
rm -f /tmp/rss_spread.$$
printf '%-40s %8s %8s %8s %8s  %s\n' binary min_MB med_MB max_MB cpu_s all_MB
for b in "$@"; do
  tr ' ' '\n' <<<"${RSS[$b]}" | sed '/^$/d' | sort -n >/tmp/rss_spread.r.$$
  med() { awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}'; }
  printf '%-40s %8.1f %8.1f %8.1f %8.2f  %s\n' "$b" \
    "$(head -1 /tmp/rss_spread.r.$$ | awk '{print $1/1024}')" \
    "$(med </tmp/rss_spread.r.$$ | awk '{print $1/1024}')" \
    "$(tail -1 /tmp/rss_spread.r.$$ | awk '{print $1/1024}')" \
    "$(tr ' ' '\n' <<<"${CPU[$b]}" | sed '/^$/d' | sort -n | med)" \
    "$(awk '{printf "%.1f ", $1/1024}' /tmp/rss_spread.r.$$)"
  rm -f /tmp/rss_spread.r.$$
done
