#!/bin/sh
# run.sh PDF: what pdf.js, pdftotext and Evince (poppler-glib) copy from each
# drawn line of PDF, compared with the logical text in PDF.lines.json (from
# dump_test.go). Needs node with pdfjs-dist installed beside this script
# (npm ci), poppler-utils, python3-gi + gir1.2-poppler-0.18, mupdf-tools,
# and POPPLER_UTT pointing at poppler's UnicodeTypeTable.cc.
set -e
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
node extract.mjs "$1" firefox --json > "$1.pdfjs.json"
node extract.mjs "$1" firefox > "$1.pdfjs-firefox.txt"
node extract.mjs "$1" api > "$1.pdfjs-api.txt"
node extract.mjs "$1" raw > "$1.pdfjs-raw.txt"
cmp -s "$1.pdfjs-firefox.txt" "$1.pdfjs-api.txt" && echo "pdf.js: firefox and api modes give the same text" || echo "pdf.js: firefox/api modes DIFFER"
tr -d "\000" < "$1.pdfjs-raw.txt" | cmp -s - "$1.pdfjs-api.txt" && echo "pdf.js: raw mode = api mode once U+0000 is removed" || echo "pdf.js: raw mode differs beyond U+0000"
pdftotext -enc UTF-8 "$1" "$1.pdftotext.txt"
pdftotext -enc UTF-8 -layout "$1" "$1.pdftotext-layout.txt"
mutool draw -q -F txt -o "$1.mutool.txt" "$1" 2>/dev/null || true
/usr/bin/python3 popsel.py "$1"
python3 popemu.py "$1"
python3 compare.py "$1"
