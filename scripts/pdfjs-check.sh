#!/usr/bin/env bash
# pdfjs-check: what pdf.js (Firefox's copy), pdftotext and Evince's selection
# copy from each line of the report PDF, compared with the text the report
# meant. See docs/pdfjs-check/README.md. Not part of `make test`: it needs
# node >= 20 and npm (pdfjs-dist 5.4.624 from the npm registry).
#
# Usage: scripts/pdfjs-check.sh [OUTDIR]   (default: a new folder under /tmp)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"
check="$root/docs/pdfjs-check"
out=${1:-$(mktemp -d /tmp/pdfjs-check.XXXXXX)}
mkdir -p "$out"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "pdfjs-check: node (>= 20) and npm are needed" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "pdfjs-check: node $major found; pdfjs-dist 5.4.624 needs node >= 20" >&2
  exit 1
fi

need_pkgs pdfjs-check poppler-utils mupdf-tools python3-gi gir1.2-poppler-0.18
if [ -z "${POPPLER_UTT:-}" ] || [ ! -r "$POPPLER_UTT" ]; then
  echo "pdfjs-check: POPPLER_UTT (poppler's UnicodeTypeTable.cc) is not set; popemu.py's per-line column needs it" >&2
  exit 1
fi

# pdfjs-dist, once, beside the scripts (docs/pdfjs-check/node_modules is not committed).
if [ ! -d "$check/node_modules/pdfjs-dist" ]; then
  (cd "$check" && npm ci --no-audit --no-fund >/dev/null)
fi

# The documents and the logical text of every drawn line, written by
# report/dump_test.go (build tag pdfjscheck).
dump() { # dump TEST VAR=VALUE...
  local run=$1
  shift
  (cd "$root" && env "$@" go test -tags pdfjscheck -count=1 -run "$run" ./report/ >/dev/null)
}
dump 'TestDump$' DUMP_PDF="$out/ex.pdf"
dump 'TestDump$' DUMP_RANGE=1 DUMP_PDF="$out/range.pdf"
dump 'TestDumpMixed' DUMP_MIXED=1 DUMP_PDF="$out/mixed.pdf"

for d in ex range mixed; do
  echo "=== $d"
  (cd "$check" && sh run.sh "$out/$d.pdf" | grep -v '^pdf.js: ')
  python3 "$check/show.py" "$out/$d.pdf.cmp.json" > "$out/$d.failures.txt"
done
# Firefox's find bar (pdf.js's PDFFindController): matches per query in the example.
echo "=== find (pdf.js), the example"
(cd "$check" && node find.mjs "$out/ex.pdf" "شماره ۲۱۴" "۲۱۴" "زمان چاپ" "صفحه ۱ از ۵" "جمع کل" \
  "به دست مدیر دفتر" "۴۴٬۹۸۰٬۰۰۰ ریال" "۴۴٬۹۸۰٬۰۰۰" "Sara Ahmadi" "1234-ABC" "(modir)")
echo "pdfjs-check: outputs and the lines that fail (DOC.failures.txt) are in $out"
