#!/usr/bin/python3
"""popsel.py PDF: for each drawn line of PDF.lines.json, what poppler-glib gives
  - "sel": get_selected_text over the line (what Evince copies from a selection)
  - "area": get_text_for_area of the line's box (TextPage::getText, pdftotext's
    algorithm, with the reading direction of the whole page)
into PDF.popsel.json and PDF.poparea.json."""
import gi, json, sys
gi.require_version('Poppler', '0.18')
from gi.repository import Poppler
pdf = sys.argv[1]
lines = json.load(open(pdf + ".lines.json"))
doc = Poppler.Document.new_from_file("file://" + pdf, None)
PT = 72 / 25.4
sel, area = [], []
pages = {}
for l in lines:
    p = pages.get(l["page"]) or doc.get_page(l["page"] - 1)
    pages[l["page"]] = p
    r = Poppler.Rectangle()
    ymid = (l["y"] - 0.9) * PT  # a little above the baseline
    r.x1, r.y1 = l["x"] * PT - 1, ymid
    r.x2, r.y2 = (l["x"] + l["w"]) * PT + 1, ymid
    sel.append(p.get_selected_text(Poppler.SelectionStyle.GLYPH, r))
    a = Poppler.Rectangle()
    a.x1, a.y1, a.x2, a.y2 = l["x"] * PT - 0.5, l["y"] * PT - 5, (l["x"] + l["w"]) * PT + 0.5, l["y"] * PT + 0.5
    area.append(p.get_text_for_area(a))
json.dump(sel, open(pdf + ".popsel.json", "w"), ensure_ascii=False)
json.dump(area, open(pdf + ".poparea.json", "w"), ensure_ascii=False)
