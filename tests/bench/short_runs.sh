#!/usr/bin/env bash
# Wall time of short runs (the real interview, the bundled sample, a two-line document) for one
# or more tqa builds, to the tenth of a millisecond (`/usr/bin/time` only gives centiseconds).
# The builds are run alternately, run by run, so a busy spell of a shared machine hits them all
# alike; prints the best and the median of RUNS runs per build and document.
#   tests/bench/short_runs.sh target/release/tqa                 # one build
#   RUNS=60 tests/bench/short_runs.sh /tmp/old/tqa target/release/tqa
# Needs ../shared for the interview (skipped without it). Not a test: run it by hand.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-30}
[ $# -ge 1 ] || set -- "$ROOT/target/release/tqa"
TINY=$(mktemp --suffix=.md)
trap 'rm -f "$TINY"' EXIT
printf '**A:** 你好。\n\n**A:** Hello.\n' > "$TINY"
DOCS=("$TINY" "$ROOT/tests/fixtures/sample/interview.zh-en.md")
[ -f "$ROOT/../shared/corpus/ai-interview.zh-en.md" ] && DOCS+=("$ROOT/../shared/corpus/ai-interview.zh-en.md")
python3 - "$RUNS" "$@" -- "${DOCS[@]}" <<'PY'
import subprocess, sys, time, os
args = sys.argv[1:]
runs = int(args[0]); cut = args.index("--")
bins, docs = args[1:cut], args[cut + 1:]
print(f"# {runs} runs per build and document, builds alternated run by run; "
      f"load average {os.getloadavg()[0]:.2f}; tqa audit --format json DOC")
print(f"{'document':<28} {'build':<40} {'best_ms':>8} {'median_ms':>10}")
for doc in docs:
    times = {b: [] for b in bins}
    for _ in range(runs):
        for b in bins:
            t = time.perf_counter()
            subprocess.run([b, "audit", "--format", "json", doc],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[b].append((time.perf_counter() - t) * 1000)
    name = "two-line document" if doc.endswith(".md") and "/tmp" in doc else os.path.basename(doc)
    for b in bins:
        ts = sorted(times[b])
        print(f"{name:<28} {b[-40:]:<40} {ts[0]:8.1f} {ts[len(ts) // 2]:10.1f}")
PY
