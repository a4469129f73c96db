#!/usr/bin/env python3
"""Compare what extractors give for each drawn line with the logical text.

usage: compare.py PDF  (needs PDF.lines.json from TestDump and
PDF.pdfjs.json from `node extract.mjs PDF firefox --json`)
Writes PDF.cmp.json (every line with each extractor's string and verdict)
and prints a summary.
"""
import json, subprocess, sys, unicodedata, collections, re

pdf = sys.argv[1]
lines = json.load(open(pdf + ".lines.json"))
pdfjs = json.load(open(pdf + ".pdfjs.json"))
PT = 72 / 25.4
PAGE_H = 297 * PT

MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")

def esc(s):
    return "".join(c if c not in "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" else "\\u%04X" % ord(c) for c in s)

def verdict(got, want):
    if got is None:
        return "missing"
    g = MARKS.sub("", got)
    if g == want:
        return "exact" if got == want else "exact-but-marks"
    n = lambda s: unicodedata.normalize("NFKC", s)
    if n(g) == n(want):
        return "ok-nfkc"  # lam-alef ligature kept as U+FEFB/FEFC
    if n(g) == n(want).replace("\u200c", ""):
        return "zwnj-lost"
    ws = lambda s: re.sub(r"\s+", "", n(s).replace("\u200c", ""))
    tok = lambda s: n(s).replace("\u200c", "").split()
    if tok(g) == tok(want):
        return "ws-only"  # same words, only the amount of white space differs
    if ws(g) == ws(want):
        return "WORDS-GLUED"  # a space lost or moved: two words run together
    if sorted(ws(g)) == sorted(ws(want)):
        return "MISORDERED"
    return "WRONG"

def poppler_line(page, x, y, w):
    # crop box around the line, in points from the top left
    X0, X1 = x * PT - 0.5, (x + w) * PT + 0.5
    Y0, Y1 = y * PT - 5, y * PT + 0.5
    out = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", "-f", str(page), "-l", str(page),
                          "-x", "%d" % int(X0), "-y", "%d" % int(Y0),
                          "-W", "%d" % (int(X1 + 1) - int(X0)), "-H", "%d" % (int(Y1 + 1) - int(Y0)),
                          pdf, "-"], capture_output=True, text=True).stdout
    return out.replace("\f", "").strip("\n")

def pdfjs_line(page, x, y, w):
    yp = PAGE_H - y * PT
    x0, x1 = x * PT - 0.3, (x + w) * PT + 0.3
    # an item belongs to the line if its text starts inside it; an item that
    # begins with a bridge glyph left of its text is placed by its right end
    def anchor(it):
        return it["x"] + it["w"] - 0.01 if it.get("bridged") and it["dir"] == "ltr" else it["x"]
    items = [it for it in pdfjs[page - 1] if abs(it["y"] - yp) < 0.2 and it["str"] != "" and x0 <= anchor(it) <= x1]
    if not items:
        return None
    return "".join(it["str"] for it in items)

# full-page texts for the substring check
def pages_of(args):
    return subprocess.run(args, capture_output=True, text=True).stdout.split("\f")
pop_pages = [MARKS.sub("", p) for p in pages_of(["pdftotext", "-q", "-enc", "UTF-8", pdf, "-"])]
js_pages = [p for p in open(pdf + ".pdfjs-firefox.txt").read().split("\f")]

sel = json.load(open(pdf + ".popsel.json"))
emu = json.load(open(pdf + ".popemu.json"))
rows = []
for i, l in enumerate(lines):
    want = l["logical"]
    N = lambda s: unicodedata.normalize("NFKC", s)
    inpage = N(want) in N(pop_pages[l["page"] - 1])
    # pdftotext: the whole page's text holds the line; if not, show the crop of the line
    p = want if inpage else poppler_line(l["page"], l["x"], l["y"], l["w"])
    j = pdfjs_line(l["page"], l["x"], l["y"], l["w"])
    rows.append({
        "page": l["page"], "logical": want,
        "pdftotext": p, "pdftotext_v": "exact" if inpage else "not-in-page:" + verdict(p, want),
        "pdftotext_in_page": inpage,
        "pdftotext_line": emu[i], "pdftotext_line_v": verdict(emu[i], want), "pdftotext_line_in_page": True,
        "evince": sel[i], "evince_v": verdict(sel[i], want),
        "evince_in_page": True,
        "pdfjs": j, "pdfjs_v": verdict(j, want),
        "pdfjs_in_page": N(want) in N(js_pages[l["page"] - 1]),
        "pdfjs_in_page_nozwnj": N(want).replace("\u200c", "") in N(js_pages[l["page"] - 1]).replace("\u200c", ""),
    })
json.dump(rows, open(pdf + ".cmp.json", "w"), ensure_ascii=False, indent=1)

for ex in ("pdftotext", "pdftotext_line", "evince", "pdfjs"):
    c = collections.Counter(r[ex + "_v"] for r in rows)
    uniq = collections.defaultdict(set)
    for r in rows:
        uniq[r[ex + "_v"]].add(r["logical"])
    print(f"{ex}: {len(rows)} drawn lines: " + ", ".join(f"{k} {v} ({len(uniq[k])} distinct)" for k, v in c.most_common()))
    inpage = sum(r[ex + "_in_page"] for r in rows)
    print(f"  whole-page text holds the line verbatim (after NFKC): {inpage}/{len(rows)}")
    if ex == "pdfjs":
        nz = sum(r["pdfjs_in_page_nozwnj"] for r in rows)
        print(f"  ... or once ZWNJ is removed from both: {nz}/{len(rows)}")
