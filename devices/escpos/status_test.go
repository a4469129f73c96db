package escpos

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestStatusRoundTrip(t *testing.T) {
	for _, s := range []Status{
		{}, {Offline: true}, {CoverOpen: true}, {PaperOut: true}, {PaperNearEnd: true}, {Error: true},
		{CoverOpen: true, PaperNearEnd: true}, {PaperOut: true, Error: true},
	} {
		b := StatusBytes(s)
		got, err := ParseStatus(b)
		if err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		want := s
		want.Offline = s.Offline || s.CoverOpen || s.PaperOut || s.Error // the printer goes offline for each
		if got != want {
			t.Errorf("status %+v → % x → %+v", s, b, got)
		}
		if got.OK() != (!want.Offline) {
			t.Errorf("%+v: OK() = %v", got, got.OK())
		}
		if fa := got.Persian(); fa == "" || !strings.ContainsRune(fa, 'چ') {
			t.Errorf("%+v: Persian %q", got, fa)
		}
	}
	if s, _ := ParseStatus([]byte{0x1e, 0x32, 0x12}); !s.PaperOut || !s.Offline || s.Persian() != "کاغذ چاپگر تمام شده است" || s.English() != "offline, paper out" {
		t.Errorf("paper out as a TM-T88 sends it: %+v %q %q", s, s.Persian(), s.English())
	}
	for _, bad := range [][]byte{nil, {0x12, 0x12}, {0x12, 0x12, 0x12, 0x12}, {0x00, 0x12, 0x12}, {0x12, 0x92, 0x12}, {0x13, 0x12, 0x12}} {
		if _, err := ParseStatus(bad); err == nil {
			t.Errorf("% x accepted", bad)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	for name, b := range map[string][]byte{
		"unknown ESC":       {esc, 'Z'},
		"unknown GS":        {gs, 'Z', 1},
		"cut short":         {gs, 'v', '0', 0, 2, 0, 2, 0, 1, 2, 3},
		"zero raster":       {gs, 'v', '0', 0, 0, 0, 5, 0},
		"huge raster":       {gs, 'v', '0', 0, 255, 255, 255, 255},
		"control byte":      {0x07},
		"bad alignment":     {esc, 'a', 7},
		"QR other symbol":   {gs, '(', 'k', 3, 0, 48, 67, 3},
		"QR unknown fn":     {gs, '(', 'k', 3, 0, 49, 99, 3},
		"barcode old form":  {gs, 'k', 4, '1', '2', 0},
		"DLE other":         {dle, 5, 1},
		"ESC alone":         {esc},
		"GS ( k short":      {gs, '(', 'k', 1, 0, 49},
		"barcode cut short": {gs, 'k', 73, 10, '{', 'B'},
	} {
		_, err := Decode(b)
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: % x decoded (%v)", name, b, err)
		}
	}
	ops, err := Decode(append([]byte("OK\n"), StatusQueries...))
	if err != nil || len(ops) != 5 || ops[0].Kind != OpText || !bytes.Equal(ops[0].Data, []byte("OK")) || ops[4].N != 4 {
		t.Errorf("text and status queries: %+v %v", ops, err)
	}
}

func FuzzDecode(f *testing.F) {
	e := encoder(f, Profile58)
	data, err := e.Encode(sample())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data[:min(len(data), 600)])
	f.Add(StatusQueries)
	f.Add([]byte{gs, '(', 'k', 5, 0, 49, 80, 48, 'a', 'b'})
	f.Fuzz(func(t *testing.T, b []byte) {
		ops, err := Decode(b)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset >= len(b) {
				t.Fatalf("error %v at a bad offset for %d bytes", err, len(b))
			}
		}
		for _, op := range ops {
			if op.Kind == OpRaster && (op.Bitmap == nil || len(op.Bitmap.Bits) != op.Bitmap.Stride()*op.Bitmap.H) {
				t.Fatalf("raster op with a bitmap of the wrong size")
			}
		}
		if err == nil {
			Paper(ops, 576) // must not panic
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte{0x12, 0x12, 0x12})
	f.Add([]byte{0x16, 0x32, 0x7e})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseStatus(b)
		if err != nil {
			return
		}
		if got, _ := ParseStatus(StatusBytes(s)); got.OK() != s.OK() || got.PaperOut != s.PaperOut || got.CoverOpen != s.CoverOpen {
			t.Fatalf("% x → %+v does not survive its own bytes (%+v)", b, s, got)
		}
	})
}

// FuzzNextStreaming reads a byte stream as the printer simulator does —
// in chunks as they arrive, waiting on a command cut short — and must get
// the same commands as Decode over the whole stream (text runs split by a
// chunk boundary joined again), and never wait for ever on a stream Decode
// accepts.
func FuzzNextStreaming(f *testing.F) {
	e := encoder(f, Profile80IranSystem)
	data, err := e.Encode(sample())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, 7)
	f.Add(append([]byte("abc\n"), StatusQueries...), 1)
	f.Fuzz(func(t *testing.T, data []byte, size int) {
		size = 1 + (size%64+64)%64
		want, werr := Decode(data)
		var got []Op
		var buf []byte
		textOpen := false
		for off := 0; off < len(data); off += size {
			buf = append(buf, data[off:min(off+size, len(data))]...)
			for len(buf) > 0 {
				op, n, err := Next(buf)
				var de *DecodeError
				if errors.As(err, &de) && de.Short {
					break
				}
				if err != nil {
					if werr == nil {
						t.Fatalf("streaming refused what Decode accepts: %v", err)
					}
					return
				}
				if n <= 0 || n > len(buf) {
					t.Fatalf("Next took %d of %d bytes", n, len(buf))
				}
				buf = buf[n:]
				if op.Kind == OpText && textOpen && len(got) > 0 && got[len(got)-1].Kind == OpText {
					got[len(got)-1].Data = append(got[len(got)-1].Data, op.Data...)
				} else {
					got = append(got, op)
				}
				textOpen = op.Kind == OpText && len(buf) == 0
			}
		}
		if werr != nil {
			return
		}
		if len(buf) != 0 {
			t.Fatalf("%d bytes left waiting at the end of a stream Decode accepts", len(buf))
		}
		if len(got) != len(want) {
			t.Fatalf("streaming gave %d commands, Decode %d", len(got), len(want))
		}
		for i := range got {
			if got[i].Kind != want[i].Kind || !bytes.Equal(got[i].Data, want[i].Data) || got[i].N != want[i].N || got[i].M != want[i].M {
				t.Fatalf("command %d: streaming %+v, Decode %+v", i, got[i], want[i])
			}
		}
	})
}
