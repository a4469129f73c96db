// Text of each page as pdf.js gives it.
// usage: node extract.mjs FILE.pdf MODE [--json]
//  MODE firefox: streamTextContent({includeMarkedContent:true, disableNormalization:true})
//                as the viewer's text layer asks, the copy handler's normalizeUnicode applied
//                to the joined text (what Firefox puts on the clipboard for select-all)
//  MODE api:     getTextContent() defaults (normalization before bidi, no marked content)
//  MODE raw:     getTextContent({disableNormalization:true}) with no normalization at all,
//                and U+0000 kept (firefox and api remove it, as the viewer's copy does)
// Text = items' str in order, "\n" after an item with hasEOL (the text layer's <br>).
// --json: the items (str, dir, hasEOL, x, y, width in PDF points) instead.
import { getDocument, normalizeUnicode } from "pdfjs-dist/legacy/build/pdf.mjs";
import fs from "node:fs";
const [file, mode = "firefox", ...rest] = process.argv.slice(2);
const json = rest.includes("--json");
const opts = {
  firefox: { includeMarkedContent: true, disableNormalization: true },
  api: {},
  raw: { disableNormalization: true },
}[mode];
if (!opts) throw new Error("mode: firefox | api | raw");
const data = new Uint8Array(fs.readFileSync(file));
const doc = await getDocument({ data, verbosity: 0, isEvalSupported: false }).promise;
const pages = [];
for (let p = 1; p <= doc.numPages; p++) {
  const page = await doc.getPage(p);
  const tc = await page.getTextContent(opts);
  const items = [];
  let text = "";
  for (const it of tc.items) {
    if (it.type) continue; // beginMarkedContent / endMarkedContent
    // the viewer's copy handler and its select-all copy (getAllText) remove U+0000
    const str = mode === "raw" ? it.str : (mode === "firefox" ? normalizeUnicode(it.str) : it.str).replaceAll("\0", "");
    text += it.str + (it.hasEOL ? "\n" : "");
    // bridged: the item starts with a bridge glyph (U+0000), which for a
    // left-to-right item lies left of its text
    items.push({ str, dir: it.dir, eol: it.hasEOL, x: it.transform[4], y: it.transform[5], w: it.width, bridged: it.str.startsWith("\0") });
  }
  if (mode === "firefox") text = normalizeUnicode(text);
  if (mode !== "raw") text = text.replaceAll("\0", "");
  pages.push(json ? items : text);
}
process.stdout.write(json ? JSON.stringify(pages) : pages.join("\f"));
