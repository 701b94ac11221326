#!/usr/bin/env bash
# Benchmark of the HTML report on a large document (not a test: prints figures).
#   tests/bench/html_report.sh [TQA_BINARY] [DOCUMENT] [COPIES]
# Builds a document of COPIES × DOCUMENT (default: 100 × tests/fixtures/reports/review.md,
# i.e. 1,000 pairs), audits it to HTML, and reports the page size, the audit+render time, and
# — with headless chromium — the time from navigation start until the page's script has run
# (parse + layout-independent work) and the time one rule filter takes on the whole page.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/release/tqa}
doc=${2:-tests/fixtures/reports/review.md}
copies=${3:-100}
[ -x "$bin" ] || cargo build --release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
big="$work/big.md"
for _ in $(seq "$copies"); do cat "$doc"; echo; done > "$big"
start=$(date +%s.%N)
"$bin" audit "$big" --format html > "$work/big.html"
end=$(date +%s.%N)
"$bin" audit "$big" --format json > "$work/big.json"
python3 - "$work/big.json" "$work/big.html" "$start" "$end" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))["documents"][0]
size = os.path.getsize(sys.argv[2])
print(f"pairs {d['pairs']}, findings {len(d['findings'])}, waived {len(d['waived'])}")
print(f"html size {size/1e6:.2f} MB ({size/d['pairs']:.0f} bytes per pair)")
print(f"audit + render to html: {float(sys.argv[4]) - float(sys.argv[3]):.2f} s")
PY
if command -v chromium >/dev/null; then
  # A probe after the page's own script: time since navigation start, then one filter.
  probe='<script>(function(){var t=performance.now();var s=document.getElementById("f-rule");s.value=s.options[1]?s.options[1].value:"";var a=performance.now();s.dispatchEvent(new Event("change"));var b=performance.now();var p=document.createElement("pre");p.id="probe";p.textContent="ready_ms="+t.toFixed(0)+" filter_ms="+(b-a).toFixed(0)+" ("+document.getElementById("f-status").textContent+")";document.body.appendChild(p);})();</script></body>'
  sed "s#</body>#${probe//&/\\&}#" "$work/big.html" > "$work/probe.html"
  out=$(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --dump-dom "file://$work/probe.html" 2>/dev/null \
    | grep -o '<pre id="probe">[^<]*' | tail -1 | sed 's/<pre id="probe">//')
  echo "chromium: $out"
else
  echo "chromium: not installed, browser timings skipped"
fi
