#!/usr/bin/env python3
"""popemu.py PDF: pdftotext's reordering of each drawn line, with the page's
reading direction (right to left here, as pdftotext decides for these pages):
the line's words and glyphs as poppler sees them (pdftotext -bbox, sorted by
x), then poppler's reorderText (TextOutputDev.cc) ported as it is. Writes
PDF.popemu.json."""
import json, os, re, subprocess, sys, html
pdf = sys.argv[1]
lines = json.load(open(pdf + ".lines.json"))
PT = 72 / 25.4
# poppler's character classes: poppler/UnicodeTypeTable.cc from poppler's source
src = open(os.environ.get('POPPLER_UTT', '/tmp/UTT.cc')).read()
start = src.index('static const UnicodeMapTableEntry typeTable[256]'); end = src.index('};', start)
entries = re.findall(r'\{\s*\.vector\s*=\s*(nullptr|(?:"[^"]*"\s*)+),\s*\.type\s*=\s*\'(.)\'\s*\}', src[start:end])
tab = [(None if v == 'nullptr' else "".join(re.findall(r'"([^"]*)"', v)), t) for v, t in entries]
def typ(c):
    c = ord(c)
    if c > 0xffff: return 'X'
    v, t = tab[c >> 8]
    return v[c & 0xff] if t == 'X' else t
isR = lambda c: typ(c) == 'R'
isLorNum = lambda c: typ(c) in 'L#'

def reorder(text, primaryLR):
    out = []
    n = len(text)
    if primaryLR:
        i = 0
        while i < n:
            j = i
            while j < n and not isR(text[j]): j += 1
            out += text[i:j]; i = j
            j = i
            while j < n and not isLorNum(text[j]): j += 1
            if j > i:
                out.append('\u202b'); out += reversed(text[i:j]); out.append('\u202c'); i = j
    else:
        out.append('\u202b')
        i = n - 1
        while i >= 0:
            j = i
            while j >= 0 and not isLorNum(text[j]): out.append(text[j]); j -= 1
            i = j
            j = i
            while j >= 0 and not isR(text[j]): j -= 1
            if j < i:
                out.append('\u202a'); out += text[j + 1:i + 1]; out.append('\u202c'); i = j
        out.append('\u202c')
    return "".join(out)

xml = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True).stdout
pages = []
for pg in re.findall(r'<page[^>]*>(.*?)</page>', xml, re.S):
    ws = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', pg, re.S):
        x0, y0, x1, y1 = map(float, m.groups()[:4])
        ws.append((x0, y0, x1, y1, html.unescape(m.group(5))))
    pages.append(ws)
res = []
for l in lines:
    X0, X1 = l["x"] * PT - 0.5, (l["x"] + l["w"]) * PT + 0.5
    Y0, Y1 = l["y"] * PT - 5, l["y"] * PT + 0.5
    ws = [w for w in pages[l["page"] - 1] if X0 <= (w[0] + w[2]) / 2 <= X1 and Y0 <= (w[1] + w[3]) / 2 <= Y1]
    ws.sort(key=lambda w: w[0])  # poppler sorts by x; ties keep content order (stable)
    text = []
    for k, w in enumerate(ws):
        if k and w[0] - ws[k - 1][2] > 0.1 * (w[3] - w[1]):
            text.append(" ")
        text += list(w[4])
    res.append(reorder(text, False))
json.dump(res, open(pdf + ".popemu.json", "w"), ensure_ascii=False)
