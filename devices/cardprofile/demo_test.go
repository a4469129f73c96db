package cardprofile

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
)

var citizen = pishkhan.Citizen{NationalCode: "0084575948", FirstName: "زهرا", LastName: "محمدی‌نژاد", FatherName: "علی", BirthDate: "1368/11/22"}

// TestDemoGolden pins the byte layout documented in docs/card-profile.md.
func TestDemoGolden(t *testing.T) {
	id, personal, err := EncodeDemo(citizen)
	if err != nil {
		t.Fatal(err)
	}
	wantID := "8001 01" + "810A 30303834353735393438"
	if got := hex.EncodeToString(id); got != strings.ToLower(stripSpaces(wantID)) {
		t.Errorf("ID file %s, want %s", got, wantID)
	}
	// The worked example of docs/card-profile.md.
	wantPersonal := "82 08 D8B2 D987 D8B1 D8A7" +
		"83 15 D985 D8AD D985 D8AF DB8C E2808C D986 DA98 D8A7 D8AF" +
		"84 06 D8B9 D984 DB8C" +
		"85 0A 31333638 2F 3131 2F 3232"
	if got := hex.EncodeToString(personal); got != strings.ToLower(stripSpaces(wantPersonal)) {
		t.Errorf("personal file %s\nwant %s", got, wantPersonal)
	}
	got, err := DecodeDemo(id, personal)
	if err != nil || got != citizen {
		t.Errorf("round trip %+v %v", got, err)
	}
	if _, _, err := EncodeDemo(pishkhan.Citizen{NationalCode: "0084575949"}); err == nil {
		t.Error("bad check digit encoded")
	}
}

func stripSpaces(s string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte(" "), nil))
}

func TestDecodeDemoRefuses(t *testing.T) {
	id, personal, _ := EncodeDemo(citizen)
	badID := append([]byte(nil), id...)
	badID[len(badID)-1] = '9' // check digit
	cases := map[string][2][]byte{
		"check digit":  {badID, personal},
		"version":      {append([]byte{0x80, 0x01, 0x02}, id[3:]...), personal},
		"truncated":    {id[:len(id)-1], personal},
		"no last name": {id, AppendTLV(nil, TagFirstName, []byte("زهرا"))},
		"digit in name": {id, append(AppendTLV(nil, TagFirstName, []byte("زهرا2")),
			AppendTLV(nil, TagLastName, []byte("محمدی"))...)},
		"not UTF-8": {id, append(AppendTLV(nil, TagFirstName, []byte{0xD8}), AppendTLV(nil, TagLastName, []byte("محمدی"))...)},
		"bad date": {id, append(append(AppendTLV(nil, TagFirstName, []byte("زهرا")), AppendTLV(nil, TagLastName, []byte("محمدی"))...),
			AppendTLV(nil, TagBirthDate, []byte("1368/12/31"))...)},
		"date format": {id, append(append(AppendTLV(nil, TagFirstName, []byte("زهرا")), AppendTLV(nil, TagLastName, []byte("محمدی"))...),
			AppendTLV(nil, TagBirthDate, []byte("1368-11-22"))...)},
		"duplicate": {append(id, 0x81, 0x01, 0x30), personal},
	}
	for name, c := range cases {
		_, err := DecodeDemo(c[0], c[1])
		if !errors.Is(err, ErrCardData) || pishkhan.PersianMessage(err) == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Father's name and birth date are optional; unknown tags are kept aside.
	p := append(AppendTLV(nil, TagFirstName, []byte("زهرا")), AppendTLV(nil, TagLastName, []byte("محمدی"))...)
	p = AppendTLV(p, 0x9F, []byte("future"))
	if c, err := DecodeDemo(id, p); err != nil || c.FatherName != "" || c.BirthDate != "" {
		t.Errorf("minimal: %+v %v", c, err)
	}
}

func TestTLVLengths(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 255, 256, 1000} {
		b := AppendTLV(nil, 0x82, bytes.Repeat([]byte{'a'}, n))
		m, err := ParseTLV(b)
		if err != nil || len(m[0x82]) != n {
			t.Errorf("%d: %v", n, err)
		}
	}
	for _, bad := range []string{"82", "8281", "82817F" + "00", "8282007F", "820541", "0001AA", "FF00"} {
		b, _ := hex.DecodeString(bad)
		if _, err := ParseTLV(b); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestCardPIN(t *testing.T) {
	if p, err := CardPIN(" ۱۲۳۴ "); err != nil || p != "1234" {
		t.Errorf("%q %v", p, err)
	}
	for _, bad := range []string{"", "123", "12a4", "1234567890123"} {
		if _, err := CardPIN(bad); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzParseTLV(f *testing.F) {
	id, personal, _ := EncodeDemo(citizen)
	f.Add(id)
	f.Add(personal)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseTLV(b)
		if err != nil {
			return
		}
		n := 0
		for _, v := range m {
			n += len(v)
		}
		if n > len(b) {
			t.Fatal("values longer than the input")
		}
		DecodeDemo(b, b) // must not panic
	})
}
