#!/usr/bin/env bash
# Same-run speed comparison of two tqa builds (e.g. main's and a branch's release binary):
# CPU time (user+sys, fair on a shared machine), wall and peak RSS by /usr/bin/time, median
# of REPEAT runs, for the interview transcript and for `audit --stream` on a TSV corpus.
# usage: tests/bench/compare_binaries.sh OLD_TQA NEW_TQA CORPUS.tsv [REPEAT]
# Needs ../shared (the interview). Build CORPUS.tsv as tests/bench/peers.sh does.
set -euo pipefail
OLD=$1 NEW=$2 TSV=$3 REPEAT=${4:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
IV=$ROOT/../shared/corpus/ai-interview.zh-en.md
one() { # prints "cpu wall rss_kb"
  /usr/bin/time -f "%U %S %e %M" -o /tmp/cmp_time.$$ "$@" >/dev/null 2>&1
  awk '{printf "%.3f %.3f %d\n", $1+$2, $3, $4}' /tmp/cmp_time.$$
}
median() { sort -n | awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}'; }
measure() { # label, command...: median cpu, median wall, max rss
  local label=$1; shift
  local out; out=$(for _ in $(seq "$REPEAT"); do one "$@"; done)
  local cpu wall rss
  cpu=$(cut -d' ' -f1 <<<"$out" | median); wall=$(cut -d' ' -f2 <<<"$out" | median)
  rss=$(cut -d' ' -f3 <<<"$out" | sort -n | tail -1)
  echo "$label $cpu $wall $rss"
}
N=$(($(wc -l <"$TSV") - 1))
printf '%-28s %9s %9s %9s\n' case cpu_s wall_s rss_MB
for bin in OLD NEW; do
  b=${!bin}
  read -r l c w r < <(measure "$bin.interview" "$b" audit "$IV" --format json)
  printf '%-28s %9s %9s %9.1f\n' "$l" "$c" "$w" "$(echo "$r/1024" | bc -l)"
  read -r l c w r < <(measure "$bin.stream($N)" "$b" audit --stream "$TSV")
  printf '%-28s %9s %9s %9.1f   %s pairs/s (wall)\n' "$l" "$c" "$w" "$(echo "$r/1024" | bc -l)" "$(echo "$N/$w" | bc)"
done
rm -f /tmp/cmp_time.$$
