package escpos

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// sample is a receipt like the desk's: Persian with digits, Latin and
// brackets, key/value rows, separators, a QR code, a barcode, a cut.
func sample() *Receipt {
	return &Receipt{Blocks: []Block{
		Text{Text: "دفتر پیشخوان خدمات دولت شماره ۱۲۳۴۵", Align: AlignCenter, Bold: true},
		Text{Text: "شنبه ۷ آذر ۱۴۰۵ — ساعت ۱۱:۰۰", Align: AlignCenter},
		Separator{Double: true},
		Text{Text: "کد رهگیری", Align: AlignCenter},
		Text{Text: "۱۲۳۴۵-۰۱-۰۵۰۹۰۷-۰۰۰۱-۵", Align: AlignCenter, Bold: true, Double: true},
		Separator{},
		KV{Key: "متقاضی", Value: "زهرا احمدی"},
		KV{Key: "کد ملی", Value: "\u200e۰۰۱****۶۷۹"}, // LRM: a code reads left to right
		KV{Key: "خدمت", Value: "پلیس مهاجرت و گذرنامه — صدور گذرنامه (عادی)"},
		KV{Key: "تعرفه دولتی", Value: "۳٬۵۰۰٬۰۰۰ ریال"},
		KV{Key: "کارمزد پیشخوان", Value: "۲۵۰٬۰۰۰ ریال"},
		KV{Key: "جمع کل", Value: "۳٬۷۵۰٬۰۰۰ ریال", Bold: true},
		KV{Key: "پرداخت", Value: "کارتی (مرجع 1234567890)"},
		Separator{},
		Text{Text: "در صف ارسال به مرکز (آفلاین)", Align: AlignRight},
		QR{Data: "https://pishkhan.example/t/123450105090700015"},
		Barcode{Data: "123450105090700015"},
		Feed{Lines: 3},
		Cut{},
	}}
}

func encoder(t testing.TB, p Profile) *Encoder {
	t.Helper()
	z, err := NewRasterizer()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEncoder(p, z)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestRasterRoundTrip decodes what Encode wrote and lays the raster bands
// on paper again: dot for dot the text Encode drew, blank rows and cropped
// margins included.
func TestRasterRoundTrip(t *testing.T) {
	e := encoder(t, Profile80)
	r := &Receipt{Blocks: sample().Blocks[:15]} // the text part
	data, err := e.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	var strips []*Bitmap
	for _, b := range r.Blocks {
		var bm *Bitmap
		switch b := b.(type) {
		case Text:
			px := e.p.TextPx
			if b.Double {
				px *= 2
			}
			bm, err = e.z.strip([]lineSpec{{text: b.Text, align: b.Align, bold: b.Bold, px: px}}, e.p.HeadDots)
		case KV:
			bm, err = e.z.strip([]lineSpec{{text: b.Key, value: b.Value, kv: true, bold: b.Bold, px: e.p.TextPx}}, e.p.HeadDots)
		case Separator:
			bm = rule(e.p.HeadDots, b.Double)
		}
		if err != nil {
			t.Fatal(err)
		}
		strips = append(strips, bm)
	}
	want := stack(strips, e.p.HeadDots)
	got := Paper(ops, e.p.HeadDots)
	if got.W != want.W || got.H != want.H || !bytes.Equal(got.Bits, want.Bits) {
		t.Fatalf("paper %dx%d differs from the drawn receipt %dx%d", got.W, got.H, want.W, want.H)
	}
	ink := 0
	for _, c := range want.Bits {
		for ; c != 0; c &= c - 1 {
			ink++
		}
	}
	if ink < 5000 {
		t.Fatalf("only %d dots of ink: the text was not drawn", ink)
	}
}

// TestStandardReceipt pins the bytes of the sample receipt (a change in
// drawing or encoding shows here), checks the raster size target and
// writes a preview.
func TestStandardReceipt(t *testing.T) {
	for _, c := range []struct {
		p      Profile
		golden string
	}{
		{Profile80, "1d97651466b12884df774e8e34ab27127a62b6e6d272b88e79ec878b48f5a8b0"},
		{Profile58, "138ca9c3a36f00c7c1abc22760467527dcde938b49132e7d014920ce47f388a8"},
	} {
		data, err := encoder(t, c.p).Encode(sample())
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		t.Logf("%s: %d bytes, sha256 %s", c.p.Name, len(data), hex.EncodeToString(sum[:]))
		if c.p.HeadDots == 576 && len(data) > 40<<10 {
			t.Errorf("%s: %d bytes, above the 40 KB target for raster mode", c.p.Name, len(data))
		}
		if hex.EncodeToString(sum[:]) != c.golden {
			t.Errorf("%s: bytes changed: sha256 %x", c.p.Name, sum)
		}
		ops, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		var qr, bar, cut bool
		for _, op := range ops {
			switch {
			case op.Kind == OpQR && op.N == 80:
				qr = string(op.Data) == "https://pishkhan.example/t/123450105090700015"
			case op.Kind == OpBarcode:
				bar = string(op.Data) == "{B123450105090700015"
			case op.Kind == OpCut:
				cut = true
			}
		}
		if !qr || !bar || !cut {
			t.Errorf("%s: QR %v barcode %v cut %v", c.p.Name, qr, bar, cut)
		}
		if dir := os.Getenv("PISHKHAN_PREVIEW_DIR"); dir != "" {
			f, err := os.Create(filepath.Join(dir, c.p.Name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, Paper(ops, c.p.HeadDots).Image())
			f.Close()
		}
	}
}
