package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/iransystem"
	"github.com/pishkhan/pishkhan/persian"
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
	for _, p := range []escpos.Profile{escpos.Profile80, escpos.Profile58, escpos.Profile80IranSystem, escpos.Profile58IranSystem} {
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

// TestCodePageReceipt: the standard receipt in Iran System code-page mode.
// Its bytes are golden, it fits the 2 s at 9600 baud the design promises,
// every line is text (none fell back to raster), and the text decodes back
// to the receipt's lines.
func TestCodePageReceipt(t *testing.T) {
	for _, c := range []struct {
		p      escpos.Profile
		golden string
	}{
		{escpos.Profile80IranSystem, "6155f1071d2fcba986569d3ec401eee8e75c689ff7c93e2c41b80a5123ea84ab"},
		{escpos.Profile58IranSystem, "a5bbf68592f8cfa2f32e4b4238c6360c6ae8b5db9ad5ed23ca3e49268998de6b"},
	} {
		data := encode(t, Sample(), c.p)
		sum := sha256.Sum256(data)
		secs := float64(len(data)) * 10 / 9600
		t.Logf("%s: %d bytes, %.2f s at 9600 baud, sha256 %x", c.p.Name, len(data), secs, sum)
		if hex.EncodeToString(sum[:]) != c.golden {
			t.Errorf("%s: the receipt's bytes changed (sha256 %x)", c.p.Name, sum)
		}
		if secs >= 2 {
			t.Errorf("%s: %.2f s at 9600 baud; the target is under 2 s", c.p.Name, secs)
		}
		ops, err := escpos.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, op := range ops {
			switch op.Kind {
			case escpos.OpRaster:
				t.Errorf("%s: a %d×%d raster band in code-page mode", c.p.Name, op.Bitmap.W, op.Bitmap.H)
			case escpos.OpCodePage:
				if op.N != c.p.CodePage {
					t.Errorf("%s: ESC t %d", c.p.Name, op.N)
				}
			case escpos.OpText:
				lines = append(lines, strings.TrimSpace(iransystem.Decode(op.Data)))
			}
		}
		for _, want := range []string{"کد رهگیری", "زهرا احمدی", "جمع کل", "این رسید را تا پایان کار"} {
			v := iransystem.Canonical(persian.ForDevice(want))
			if !slices.ContainsFunc(lines, func(l string) bool { return l == v || strings.HasSuffix(l, " "+v) || strings.HasPrefix(l, v+" ") }) {
				t.Errorf("%s: no line %q in %q", c.p.Name, want, lines)
			}
		}
	}
}

// TestDayReceipt: the Z-report in both modes holds the day's figures; in
// code-page mode they decode back from the printer's bytes.
func TestDayReceipt(t *testing.T) {
	in := DayInput{
		Office: Sample().Office,
		Close: pishkhan.DayClose{Date: "1405/09/07", Requests: 42, ExpectedCash: 12_500_000, CountedCash: 12_450_000,
			ExpectedCard: 30_000_000, CountedCard: 30_000_000, Reason: "یک اسکناس پاره", ClosedBy: "modir",
			ClosedAt: time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)},
		ByService: []DayTotal{{"صدور گذرنامه", 12, 45_000_000}, {"تعویض پلاک خودرو", 30, 189_000_000}},
		ByClerk:   []DayTotal{{"اپراتور یک", 42, 234_000_000}},
		Unsent:    3,
	}
	for _, p := range []escpos.Profile{escpos.Profile80, escpos.Profile80IranSystem} {
		z, _ := escpos.NewRasterizer()
		e, err := escpos.NewEncoder(p, z)
		if err != nil {
			t.Fatal(err)
		}
		data, err := e.Encode(Day(in, p.HeadDots))
		if err != nil {
			t.Fatal(err)
		}
		ops, err := escpos.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		if ops[len(ops)-1].Kind != escpos.OpCut {
			t.Errorf("%s: no cut at the end", p.Name)
		}
		if p.Mode != escpos.ModeCodePage {
			continue
		}
		var text strings.Builder
		for _, op := range ops {
			if op.Kind == escpos.OpText {
				text.WriteString(iransystem.Decode(op.Data) + "\n")
			}
		}
		for _, want := range []string{"گزارش پایان روز", "۴۲", "اختلاف نقد", "۵۰,۰۰۰ ریال", "یک اسکناس پاره", "صدور گذرنامه"} {
			v := iransystem.Canonical(persian.ForDevice(want))
			if !strings.Contains(text.String(), v) {
				t.Errorf("%s: no %q in\n%s", p.Name, want, text.String())
			}
		}
	}
}
