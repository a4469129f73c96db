// Package icon holds the app's icon, for windows opened by a binary that
// `fyne package` did not build (it bakes the icon in itself).
package icon

import _ "embed"

// PNG is the 512×512 icon drawn from pishkhan.svg (make-png.sh).
//
//go:embed pishkhan.png
var PNG []byte
