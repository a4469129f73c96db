// Package escpos turns a receipt into the bytes of an ESC/POS thermal
// printer and back: the receipt model (text with alignment, bold and double
// size, separators, key/value rows, QR codes, barcodes, feeds, a cut), the
// printer profile (head width, characters per line, code page, baud rate),
// the encoder, a strict decoder of the same command set (what the printer
// simulator and the golden tests read), and the DLE EOT status bytes.
//
// Persian text is shaped and put in visual order on the host (package
// persian). In raster mode it is drawn with the bundled Vazirmatn font into
// 1-bit images sent as GS v 0 bands, blank rows turned into paper feeds and
// each band cropped to its ink.
package escpos
