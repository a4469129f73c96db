package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/escpos"
)

func encode(t testing.TB, in Input, p escpos.Profile) []byte {
	t.Helper()
	z, err := escpos.NewRasterizer()
	if err != nil {
		t.Fatal(err)
	}
	e, err := escpos.NewEncoder(p, z)
	if err != nil {
		t.Fatal(err)
	}
	data, err := e.Encode(Build(in, p.HeadDots))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestStandardReceipt(t *testing.T) {
	for _, c := range []struct {
		p      escpos.Profile
		golden string
	}{
		{escpos.Profile80, "c8a6a8f1145f6865da95d5a34ffa260d361f8ef60b9319991e23bc55791c22c5"},
		{escpos.Profile58, "ebda296c6f77dcd86e1a1facc7c558377654ce3a2488b6248871f6d034e94cb7"},
	} {
		data := encode(t, Sample(), c.p)
		sum := sha256.Sum256(data)
		t.Logf("%s: %d bytes, sha256 %s", c.p.Name, len(data), hex.EncodeToString(sum[:]))
		if hex.EncodeToString(sum[:]) != c.golden {
			t.Errorf("%s: the receipt's bytes changed (sha256 %x)", c.p.Name, sum)
		}
		if c.p.HeadDots == 576 && len(data) > 40<<10 {
			t.Errorf("%s: %d bytes; the raster target is under 40 KB", c.p.Name, len(data))
		}
		ops, err := escpos.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		qr := ""
		for _, op := range ops {
			if op.Kind == escpos.OpQR && op.N == 80 {
				qr = string(op.Data)
			}
		}
		if qr != "123450105090700015" {
			t.Errorf("%s: QR holds %q, want the tracking code", c.p.Name, qr)
		}
		paper := escpos.Paper(ops, c.p.HeadDots)
		if dir := os.Getenv("PISHKHAN_PREVIEW_DIR"); dir != "" {
			f, err := os.Create(filepath.Join(dir, "receipt-"+c.p.Name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, paper.Image())
			f.Close()
		}
	}
}

func TestCopySaysSo(t *testing.T) {
	orig := encode(t, Sample(), escpos.Profile80)
	in := Sample()
	in.Copy = true
	cp := encode(t, in, escpos.Profile80)
	po, _ := escpos.Decode(orig)
	pc, _ := escpos.Decode(cp)
	ho, hc := escpos.Paper(po, 576).H, escpos.Paper(pc, 576).H
	if hc <= ho+40 {
		t.Errorf("the copy is %d dots long, the original %d: the رونوشت heading is missing", hc, ho)
	}
}

func TestStateLines(t *testing.T) {
	for s, want := range map[pishkhan.RequestState]string{
		pishkhan.StateQueued:   "وضعیت: در صف ارسال به مرکز (بدون اتصال)؛ پس از برقراری ارتباط ارسال می‌شود.",
		pishkhan.StateAccepted: "وضعیت: ثبت در مرکز — " + pishkhan.StateAccepted.Persian(),
		pishkhan.StateRejected: "وضعیت: " + pishkhan.StateRejected.Persian() + " — به اپراتور مراجعه کنید.",
	} {
		if got := exchangeLine(s); got != want {
			t.Errorf("%s: %q", s, got)
		}
	}
	if payment(nil) != "—" || payment(&pishkhan.Payment{Method: pishkhan.PayCash}) != "نقدی" {
		t.Error("payment words")
	}
}

// BenchmarkReceipt encodes the standard receipt and reports its size and
// how long it takes to send over a serial line at each baud rate (8N1: ten
// bits a byte). The printing itself may take longer than the sending.
func BenchmarkReceipt(b *testing.B) {
	for _, p := range []escpos.Profile{escpos.Profile80, escpos.Profile58} {
		b.Run(p.Name, func(b *testing.B) {
			var data []byte
			for b.Loop() {
				data = encode(b, Sample(), p)
			}
			b.ReportMetric(float64(len(data)), "bytes")
			for _, baud := range []int{9600, 19200, 115200} {
				b.ReportMetric(float64(len(data))*10/float64(baud), "s@"+strconv.Itoa(baud))
			}
		})
	}
}
