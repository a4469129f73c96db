#!/usr/bin/env python3
"""Prints the SVG path of one letter of a TrueType font, scaled so that the
longer side of its outline is SIZE pixels and centred on (CX, CY), y down.

pishkhan.svg's letter «پ» was made with

    python3 glyph.py ../../fonts/Vazirmatn-Bold.ttf پ 292 256 214

so the icon needs no font to render. Needs fontTools (Debian: python3-fonttools).
"""
import sys

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont


def main():
    if len(sys.argv) != 6:
        sys.exit("usage: glyph.py FONT.ttf LETTER SIZE CX CY")
    font, letter = sys.argv[1], sys.argv[2]
    size, cx, cy = (float(a) for a in sys.argv[3:6])
    f = TTFont(font)
    glyphs = f.getGlyphSet()
    g = glyphs[f.getBestCmap()[ord(letter)]]
    bp = BoundsPen(glyphs)
    g.draw(bp)
    x0, y0, x1, y1 = bp.bounds
    s = size / max(x1 - x0, y1 - y0)
    dx, dy = cx - s * (x0 + x1) / 2, cy + s * (y0 + y1) / 2
    pen = SVGPathPen(glyphs, ntos=lambda v: ("%.1f" % v).rstrip("0").rstrip("."))
    g.draw(TransformPen(pen, (s, 0, 0, -s, dx, dy)))
    print(pen.getCommands())


if __name__ == "__main__":
    main()
