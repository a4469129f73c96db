// Package fonts bundles the typeface every Persian text of Pishkhan is drawn
// with: Vazirmatn 33.0.3 (regular and bold) by the Vazirmatn Project Authors, from the
// npm package "vazirmatn", under the SIL Open Font License 1.1 (OFL.txt in
// this folder). The desk never relies on a system font: receipts drawn as
// raster images, the PDF reports and the window all use these bytes.
package fonts

import _ "embed"

// Version is the Vazirmatn release bundled here.
const Version = "33.0.3"

// VazirmatnRegular is Vazirmatn-Regular.ttf.
//
//go:embed Vazirmatn-Regular.ttf
var VazirmatnRegular []byte

// VazirmatnBold is Vazirmatn-Bold.ttf.
//
//go:embed Vazirmatn-Bold.ttf
var VazirmatnBold []byte

// License is the font's licence text (SIL OFL 1.1).
//
//go:embed OFL.txt
var License string
