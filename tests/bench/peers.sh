#!/usr/bin/env bash
# Benchmark `tqa audit --stream` side by side with its peers, on the same pairs, in one run:
#   - OpusFilter 3.3.1 (LengthRatioFilter, CharacterScoreFilter, TerminalPunctuationFilter,
#     NonZeroNumeralsFilter), on the same pairs as two line-aligned files;
#   - translate-toolkit's pofilter (untranslated, unchanged, numbers, endpunc, sentencecount,
#     long, short, acronyms, brackets), on the same pairs written as a PO catalogue;
#   - `wc -l` on tqa's input file, as the floor (reading the bytes once);
#   - tqa's own floor: the stream with no translation check (`--select skipped_text`), which
#     still reads, pairs, counts words, scores and writes one JSON line per pair.
# Corpus: the translated rows of ../shared/data/debian-reference.zh-en.tsv, repeated to N pairs.
# Peak RSS and wall time from /usr/bin/time -v; each tool runs REPEAT times, interleaved, and
# the table gives the median (wall, CPU) and the highest peak RSS. Not a test: run it by hand.
#
#   tests/bench/peers.sh                 # N = 100000 and 1000000; peers at 100000 only
#   SIZES="100000" PEER_MAX=100000 tests/bench/peers.sh
#   REPEAT=5 tests/bench/peers.sh       # 5 rounds of every tool instead of 3
#   COLD=1 tests/bench/peers.sh         # also wc -l and tqa from disk (drops the page cache)
#   BENCH_DIR=/tmp/b OUT=reports/bench-peers.txt tests/bench/peers.sh
#
# Peers are installed into a throwaway virtualenv (BENCH_DIR/venv) from PyPI on first run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SHARED=${SHARED:-$ROOT/../shared}
TSV=$SHARED/data/debian-reference.zh-en.tsv
TRANSCRIPT=$SHARED/corpus/ai-interview.zh-en.md
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
SIZES=${SIZES:-"100000 1000000"}
PEER_MAX=${PEER_MAX:-100000}      # run the (slow) peers, and tqa --jobs 1, only up to this size
REPEAT=${REPEAT:-3}               # rounds of measurements per size (rows give the median round)
# COLD=1 adds, at the end of each round, `wc -l` and tqa (all rules, 4 rules) reading from disk:
# the page cache is dropped before each of them (needs root: /proc/sys/vm/drop_caches), and the
# inputs are read again before the next round's warm-cache measurements.
COLD=${COLD:-0}
# tqa's rules closest to the peers' filters: LengthRatioFilter ~ length_ratio,
# CharacterScoreFilter ~ untranslated (script of each side), TerminalPunctuationFilter ~
# truncated, NonZeroNumeralsFilter ~ number_mismatch.
PEER_RULES=${PEER_RULES:-length_ratio,untranslated,number_mismatch,truncated}
OUT=${OUT:-$ROOT/reports/bench-peers.txt}
TIME=/usr/bin/time

[ -f "$TSV" ] || { echo "missing $TSV (../shared)"; exit 2; }
if [ ! -x "$TIME" ]; then
  echo "installing GNU time" >&2
  (apt-get install -y time >/dev/null 2>&1 || sudo apt-get install -y time >/dev/null) ||
    { echo "need /usr/bin/time (apt-get install time)"; exit 2; }
fi
mkdir -p "$BENCH_DIR" "$(dirname "$OUT")"
VENV=$BENCH_DIR/venv
if [ ! -x "$VENV/bin/pofilter" ] || [ ! -x "$VENV/bin/opusfilter" ]; then
  echo "installing peers into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q opusfilter==3.3.1 translate-toolkit==3.20.4
fi
cargo build --release -q
TQA=$ROOT/target/release/tqa

# One measurement: label, command...; prints "wall_secs rss_kb cpu_secs" and keeps the log.
measure() {
  local log=$BENCH_DIR/time.$1.log; shift
  local t0 t1 rss cpu
  # Wall time in nanoseconds around the run (time -v reports only centiseconds); peak RSS
  # from time -v.
  t0=$(date +%s%N)
  "$TIME" -v -o "$log" "$@" >/dev/null 2>"$log.err" || { echo "FAILED: $* (see $log.err)" >&2; return 1; }
  t1=$(date +%s%N)
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$log")
  cpu=$(awk -F': ' '/User time|System time/{s+=$2} END{print s}' "$log")
  python3 -c "import sys; print(f'{(int(sys.argv[2])-int(sys.argv[1]))/1e9:.4f} {sys.argv[3]} {sys.argv[4]}')" "$t0" "$t1" "$rss" "$cpu"
}

{
echo "# tqa vs peers, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo)"
echo "# tqa $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), rules active: $("$TQA" rules --json | python3 -c 'import json,sys; print(", ".join(r["name"] for r in json.load(sys.stdin) if r["enabled"]))')"
echo "# OpusFilter 3.3.1, translate-toolkit $("$VENV/bin/python" -c 'import translate; from translate.__version__ import sver; print(sver)' 2>/dev/null || echo '?'), python $("$VENV/bin/python" -V | cut -d' ' -f2)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share the cores)"
echo "# corpus: translated rows of debian-reference.zh-en.tsv repeated; inputs read once before timing (warm page cache); wall and peak RSS by /usr/bin/time -v"
printf '%-9s %-22s %9s %-15s %12s %8s %12s %9s %s\n' pairs tool wall_s min-max pairs/s cpu_s pairs/cpu_s rss_MB note
} | tee "$OUT"

for N in $SIZES; do
  D=$BENCH_DIR/n$N
  mkdir -p "$D"
  if [ ! -s "$D/corpus.tsv" ]; then
    python3 - "$TSV" "$N" "$D" <<'PY'
import sys, itertools
src, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = []
with open(src, encoding="utf-8") as f:
    head = f.readline().rstrip("\n").split("\t")
    zi, ei, si = head.index("zh"), head.index("en"), head.index("status")
    for line in f:
        c = line.rstrip("\n").split("\t")
        if len(c) > max(zi, ei, si) and c[si] == "translated" and c[zi].strip() and c[ei].strip():
            rows.append((c[zi], c[ei]))
pairs = list(itertools.islice(itertools.cycle(rows), n))
def po(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
with open(f"{d}/corpus.tsv", "w", encoding="utf-8") as t, \
     open(f"{d}/zh.txt", "w", encoding="utf-8") as z, \
     open(f"{d}/en.txt", "w", encoding="utf-8") as e, \
     open(f"{d}/corpus.po", "w", encoding="utf-8") as p:
    t.write("zh\ten\n")
    p.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: zh_CN\\n"\n\n')
    for i, (zh, en) in enumerate(pairs):
        t.write(f"{zh}\t{en}\n"); z.write(zh + "\n"); e.write(en + "\n")
        # msgctxt keeps repeated msgids distinct entries, as in a real catalogue.
        p.write(f"msgctxt \"{i}\"\nmsgid {po(en)}\nmsgstr {po(zh)}\n\n")
PY
  fi
  cat > "$D/opusfilter.yaml" <<YAML
common:
  output_directory: $D
steps:
  - type: filter
    parameters:
      inputs: [zh.txt, en.txt]
      outputs: [zh.filtered.txt, en.filtered.txt]
      filters:
        - LengthRatioFilter: {threshold: 3, unit: char}
        - CharacterScoreFilter: {scripts: [Han, Latin], thresholds: [0.5, 0.5]}
        - TerminalPunctuationFilter: {threshold: -2}
        - NonZeroNumeralsFilter: {threshold: 0.5}
YAML
  # Every input is read once, untimed, before any measurement: otherwise whichever tool runs
  # first (the floor) pays for the disk and the others read from the page cache. All figures
  # below are warm-cache figures.
  cat "$D/corpus.tsv" "$D/zh.txt" "$D/en.txt" "$D/corpus.po" > /dev/null
  TOOLS="wc tqafloor tqa tqasel"
  [ "$N" -le "$PEER_MAX" ] && TOOLS="$TOOLS tqa1 opus pofilter"
  if [ "$COLD" = 1 ]; then
    [ -w /proc/sys/vm/drop_caches ] || { echo "COLD=1 needs a writable /proc/sys/vm/drop_caches (root)"; exit 2; }
    TOOLS="$TOOLS wccold tqafloorcold tqacold tqaselcold"
  fi
  # REPEAT rounds, each running every tool once in the same order, so a drift of the VM's speed
  # touches every tool alike; each row below is the median round (min-max beside it), and the
  # ratios are medians of the per-round ratios.
  RES=$D/results.txt; : > "$RES"
  for rep in $(seq 1 "$REPEAT"); do
    cat "$D/corpus.tsv" "$D/zh.txt" "$D/en.txt" "$D/corpus.po" > /dev/null
    for t in $TOOLS; do
      case $t in
        *cold) sync; echo 3 > /proc/sys/vm/drop_caches ;;
      esac
      case ${t%cold} in
        wc) CMD=(wc -l "$D/corpus.tsv") ;;
        tqa) CMD=("$TQA" audit --stream "$D/corpus.tsv") ;;
        # The stream with no translation check: reading, pairing, word counts, scoring and one
        # JSON line per pair (skipped_text only reports lines outside any pair; a TSV has none).
        # What any rule costs comes on top of this.
        tqafloor) CMD=("$TQA" audit --stream --select skipped_text "$D/corpus.tsv") ;;
        tqasel) CMD=("$TQA" audit --stream --select "$PEER_RULES" "$D/corpus.tsv") ;;
        tqa1) CMD=("$TQA" audit --stream --jobs 1 "$D/corpus.tsv") ;;
        opus) CMD=("$VENV/bin/opusfilter" --overwrite "$D/opusfilter.yaml") ;;
        pofilter) CMD=("$VENV/bin/pofilter" --progress=none -t untranslated -t unchanged -t numbers \
          -t endpunc -t sentencecount -t long -t short -t acronyms -t brackets \
          "$D/corpus.po" "$D/pofilter.out.po") ;;
      esac
      read -r s r c < <(measure "$t.$N.$rep" "${CMD[@]}")
      echo "$rep $t $s $r $c" >> "$RES"
    done
  done
  python3 - "$N" "$RES" "$(nproc)" "$PEER_RULES" <<'PY' | tee -a "$OUT"
import sys, statistics as st
n, res, cores, rules = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
runs = {}  # tool -> {round: (wall, rss_kb, cpu)}
for line in open(res):
    rep, tool, wall, rss, cpu = line.split()
    runs.setdefault(tool, {})[int(rep)] = (float(wall), int(rss), float(cpu))
label = {"wc": ("wc -l", "floor"),
         "tqafloor": ("tqa --stream, no check", "--select skipped_text: read, pair, score, JSON"),
         "tqa": ("tqa audit --stream", f"{cores} threads, all rules"),
         "tqasel": ("tqa --stream (4 rules)", f"--select {rules}"),
         "tqa1": ("tqa --stream --jobs 1", "1 thread, all rules"),
         "opus": ("OpusFilter 3.3.1", "4 filters"), "pofilter": ("pofilter", "9 tests"),
         "wccold": ("wc -l, from disk", "floor, page cache dropped first"),
         "tqafloorcold": ("tqa no check, disk", "skipped_text only, page cache dropped first"),
         "tqacold": ("tqa --stream, from disk", "all rules, page cache dropped first"),
         "tqaselcold": ("tqa 4 rules, from disk", "4 rules, page cache dropped first")}
med = {}
for tool, (name, note) in label.items():
    if tool not in runs:
        continue
    walls = [w for w, _, _ in runs[tool].values()]
    cpus = [c for _, _, c in runs[tool].values()]
    rss = max(r for _, r, _ in runs[tool].values())
    w, c = st.median(walls), st.median(cpus)
    med[tool] = (w, c)
    print(f"{n:<9d} {name:<22s} {w:9.3f} {min(walls):7.3f}-{max(walls):<7.3f} {n/max(w,1e-3):12.0f} "
          f"{c:8.2f} {n/max(c,1e-2):12.0f} {rss/1024:9.1f} {note}")
def ratios(a, b, i):  # b's time over a's, per round (how many times faster a is than b)
    return [runs[b][k][i] / max(runs[a][k][i], 1e-3) for k in sorted(runs[a]) if k in runs[b]]
def span(a, b, i=0):
    r = ratios(a, b, i)
    return f"{st.median(r):.1f}x ({min(r):.1f}-{max(r):.1f})"
rounds = len(runs["wc"])
if "opus" in runs:
    print(f"# N={n}, median of {rounds} rounds (min-max over rounds): tqa pairs/s, all rules = "
          f"{span('tqa','opus')} OpusFilter, {span('tqa','pofilter')} pofilter; 4 rules = "
          f"{span('tqasel','opus')} OpusFilter (target >=30), {span('tqasel','pofilter')} pofilter "
          f"(target >=10)")
    print(f"# N={n}, per CPU-second (fairer on a loaded machine): all rules = {span('tqa','opus',2)} "
          f"OpusFilter, {span('tqa','pofilter',2)} pofilter; 4 rules = {span('tqasel','opus',2)} "
          f"OpusFilter, {span('tqasel','pofilter',2)} pofilter")
inv = lambda a: [1 / x for x in ratios(a, "wc", 0)]
for tool, what in (("tqafloor", "no check"), ("tqa", "all rules"), ("tqasel", "4 rules")):
    r = inv(tool)
    print(f"# N={n}: tqa time ({what}) = {st.median(r):.1f}x ({min(r):.1f}-{max(r):.1f}) wc -l (target <=5)"
          + ("" if "opus" in runs else "; peers not run above PEER_MAX"))
if "wccold" in runs:
    for tool, what in (("tqafloorcold", "no check"), ("tqacold", "all rules"),
                       ("tqaselcold", "4 rules")):
        r = [1 / x for x in ratios(tool, "wccold", 0)]
        print(f"# N={n}, from disk (page cache dropped before each run): tqa time ({what}) = "
              f"{st.median(r):.1f}x ({min(r):.1f}-{max(r):.1f}) wc -l")
PY
done

if [ -f "$TRANSCRIPT" ]; then
  best=999
  for i in 1 2 3 4 5 6 7 8 9 10; do
    read -r s r c < <(measure "transcript.$i" "$TQA" audit --format json "$TRANSCRIPT" || true)
    best=$(python3 -c "print(min(float('$best'), float('$s')))")
  done
  echo "# single transcript (ai-interview.zh-en.md), tqa audit --format json: best of 10 wall $(python3 -c "print(f'{float(\"$best\")*1000:.0f}')") ms, peak RSS $(python3 -c "print(f'{int(\"$r\")/1024:.1f}')") MB (target well under 50 ms)" | tee -a "$OUT"
fi
