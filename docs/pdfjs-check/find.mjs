// How many matches Firefox's find bar (pdf.js's PDFFindController) finds for
// each query in a PDF, run in node with a minimal stand-in for the DOM the
// viewer module touches at load.
// usage: node find.mjs FILE.pdf QUERY...
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import fs from "node:fs";
const el = () => new Proxy({ style: {}, dataset: {}, classList: { add() {}, remove() {}, toggle() {}, contains() { return false; } } }, {
  get(t, k) { if (k in t) return t[k]; if (k === Symbol.toPrimitive) return undefined; return () => el(); },
  set(t, k, v) { t[k] = v; return true; } });
globalThis.document = { documentElement: el(), body: el(), createElement: el, addEventListener() {}, removeEventListener() {}, getElementsByTagName() { return [el()]; }, querySelector() { return el(); } };
globalThis.window = globalThis; globalThis.requestAnimationFrame = (f) => setTimeout(f, 0);
const { PDFFindController, EventBus } = await import("pdfjs-dist/legacy/web/pdf_viewer.mjs");
const [file, ...queries] = process.argv.slice(2);
const data = new Uint8Array(fs.readFileSync(file));
const doc = await getDocument({ data, verbosity: 0, isEvalSupported: false }).promise;
const eventBus = new EventBus();
const linkService = { pagesCount: doc.numPages, page: 1, rotation: 0, getDestinationHash() {}, goToDestination() {} };
const fc = new PDFFindController({ linkService, eventBus, updateMatchesCountOnProgress: false });
fc.setDocument(doc);
for (const q of queries) {
  const total = await new Promise((resolve) => {
    const h = (e) => { if (e.state !== 3 /* PENDING */) { eventBus.off("updatefindcontrolstate", h); } };
    eventBus.on("updatefindmatchescount", (e) => resolve(e.matchesCount.total));
    eventBus.dispatch("find", { source: null, type: "", query: q, caseSensitive: false, entireWord: false, highlightAll: true, findPrevious: false, matchDiacritics: false });
    setTimeout(() => resolve(fc._matchesCountTotal ?? -1), 3000);
  });
  console.log(JSON.stringify(q), total);
}
process.exit(0);
