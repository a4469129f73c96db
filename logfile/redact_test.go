package logfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pishkhan/pishkhan"
)

var testTime = time.Date(2026, 3, 21, 10, 0, 0, 0, time.FixedZone("IRST", 3*3600+1800))

// trackingCode makes a real tracking code with the domain's own function.
func trackingCode(t testing.TB) pishkhan.TrackingCode {
	t.Helper()
	tc, err := pishkhan.NewTrackingCode(pishkhan.TrackingParts{Office: 12345, Desk: 1, Year: 1405, Month: 9, Day: 7, Seq: 42})
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

func TestRedactString(t *testing.T) {
	tc := trackingCode(t)
	id := pishkhan.MustNewID(testTime).String()
	for _, c := range []struct{ in, want string }{
		// National codes, in every script and as people type them.
		{"0012345678", "********78"},
		{"کد ملی ۰۰۱۲۳۴۵۶۷۸ ثبت شد", "کد ملی ********۷۸ ثبت شد"},
		{"٠٠١٢٣٤٥٦٧٨", "********٧٨"},
		{"۰۰۱2345678", "********78"},
		{"001-234567-8", "***-*****7-8"},
		{"۰۰۱-۲۳۴۵۶۷-۸", "***-*****۷-۸"},
		{"nc=0012345678;", "nc=********78;"},
		{"x0012345678y", "x********78y"},
		// Mobiles.
		{"09121234567", "*********67"},
		{"تماس: ۰۹۱۲۱۲۳۴۵۶۷", "تماس: *********۶۷"},
		{"+989121234567", "+**********67"},
		{"00989121234567", "************67"},
		{"9121234567", "********67"},
		{"0912 345 6789", "**** *** **89"},
		{"0912-345-6789", "****-***-**89"},
		{"0912-3456789", "****-*****89"},
		{"0912 345 67 89", "**** *** ** 89"},
		{"912 345 6789", "*** *** **89"},
		{"+98 912 345 6789", "+** *** *** **89"},
		{"+98 9121234567", "+** ********67"},
		{"0098 912 345 6789", "**** *** *** **89"},
		{"۰۹۱۲ ۳۴۵ ۶۷۸۹", "**** *** **۸۹"},
		// Postal codes and landlines.
		{"1234567890", "********90"},
		{"12345-67890", "*****-***90"},
		{"021-88776655", "***-******55"},
		{"021 8877 6655", "*** **** **55"},
		// Two numbers next to each other are both masked.
		{"0012345678 09121234567", "********78 *********67"},
		{"0012345678-12345-67890", "********78-*****-***90"},
		// Invalid UTF-8 passes through.
		{"\xff0012345678\xfe", "\xff********78\xfe"},
		// Tracking codes stay, raw and grouped, also next to a national code.
		{tc.String(), tc.String()},
		{tc.Display(), tc.Display()},
		{"tracking " + tc.Display() + " for 0012345678", "tracking " + tc.Display() + " for ********78"},
		{"۱۲۳۴۵۰۱۰۵۰۹۰۷۰۰۴۲۶", "۱۲۳۴۵۰۱۰۵۰۹۰۷۰۰۴۲۶"},
		// UUIDs, even with all-digit groups.
		{"request " + id, "request " + id},
		{"550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440000"},
		{"12345678-1234-1234-1234-989123456789", "12345678-1234-1234-1234-989123456789"},
		{"id 0192a8c4-7e11-7b3a-8f00-12345678901a", "id 0192a8c4-7e11-7b3a-8f00-12345678901a"},
		// Times, dates, addresses, dumps, counts: left alone.
		{"2026-03-21T06:30:00.125Z", "2026-03-21T06:30:00.125Z"},
		{"2026-03-21 06:30:00.123456789 +0000 UTC", "2026-03-21 06:30:00.123456789 +0000 UTC"},
		{"1405/01/02 10:30", "1405/01/02 10:30"},
		{"۱۴۰۵-۰۱-۰۲ ۱۰:۳۰", "۱۴۰۵-۰۱-۰۲ ۱۰:۳۰"},
		{"192.168.100.200:8443", "192.168.100.200:8443"},
		{"30 31 32 33 34 35 36 37 38 39 30 31", "30 31 32 33 34 35 36 37 38 39 30 31"},
		{"123456789", "123456789"},
		{"wrote 123456789012 bytes at 1767225600123", "wrote 123456789012 bytes at 1767225600123"},
		{"took 1.234567891s", "took 1.234567891s"},
		{"001****456", "001****456"},
		{"۶٬۳۰۰٬۰۰۰ ریال", "۶٬۳۰۰٬۰۰۰ ریال"},
		{"", ""},
	} {
		if got := RedactString(c.in); got != c.want {
			t.Errorf("RedactString(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDigitValue(t *testing.T) {
	for _, rt := range []*unicode.RangeTable{unicode.Nd} {
		for _, r16 := range rt.R16 {
			if r16.Stride != 1 || (r16.Hi-r16.Lo+1)%10 != 0 {
				t.Errorf("unicode.Nd range %U-%U is not whole blocks of ten", r16.Lo, r16.Hi)
			}
		}
		for _, r32 := range rt.R32 {
			if r32.Stride != 1 || (r32.Hi-r32.Lo+1)%10 != 0 {
				t.Errorf("unicode.Nd range %U-%U is not whole blocks of ten", r32.Lo, r32.Hi)
			}
		}
	}
	for r, want := range map[rune]int{'7': 7, '۷': 7, '٧': 7, '७': 7, '０': 0, '𝟗': 9, 'x': -1, '*': -1} {
		if got := digitValue(r); got != want {
			t.Errorf("digitValue(%q) = %d, want %d", r, got, want)
		}
	}
}

func TestPersonalKey(t *testing.T) {
	for _, k := range []string{"national_code", "nationalCode", "National-Code", "nc_national_code", "mobile", "citizen_mobile",
		"phone", "postal_code", "name", "full_name", "FirstName", "LastName", "father_name", "pin", "PIN", "citizen",
		"birth_date", "address", "fields", "password", "کد ملی", "کد_ملی", "نام‌خانوادگی"} {
		if !personalKey(k) {
			t.Errorf("%q is not taken for personal data", k)
		}
	}
	for _, k := range []string{"", "user", "username", "device", "port", "bytes", "tracking_code", "request", "id", "err",
		"msg", "took", "spin", "mapping", "ip_address", "office", "desk", "service", "catalog_version"} {
		if personalKey(k) {
			t.Errorf("%q is taken for personal data", k)
		}
	}
}

// capture returns a logger that redacts into a text handler, and its output.
func capture() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(Redact(NewHandler(&buf, slog.LevelDebug))), &buf
}

type ncValuer string

func (v ncValuer) LogValue() slog.Value { return slog.StringValue("code " + string(v)) }

type withSecret struct {
	Service string
	note    string
}

func TestRedactHandler(t *testing.T) {
	tc := trackingCode(t)
	id := pishkhan.MustNewID(testTime).String()
	log, buf := capture()
	citizen := pishkhan.Citizen{NationalCode: "0012345678", FirstName: "زهرا", LastName: "احمدی", FatherName: "حسن",
		BirthDate: "1370/05/12", Mobile: "09121234567"}

	log.Info("استعلام کد ملی ۰۰۱۲۳۴۵۶۷۸ انجام شد", "tracking_code", tc.String(), "request", id, "user", "operator1",
		"bytes", 1234567890, "at", int64(1767225600), "took", 1500*time.Millisecond)
	log.Info("keys", "national_code", "abc", "nationalCode", 12, "mobile", "", "citizen_mobile", "0912",
		"name", "علی رضایی", "pin", 1234, "fields", map[string]string{"note": "x"}, "err", errors.New("bad mobile 09121234567"))
	log.Info("groups", slog.Group("req", "id", id, "note", "nc ۰۰۱۲۳۴۵۶۷۸",
		slog.Group("citizen", "first", "مریم"), slog.Group("", "inline", "0012345678")))
	log.With("note", "postal 1234567890", "full_name", "مریم کریمی").WithGroup("req").With("tc", tc.Display()).
		Info("with", "national_code", "0012345678")
	log.WithGroup("citizen").With("id", "x1").Info("inside a personal group", "number", 7, "empty", "")
	log.Info("any", "citizen_rec", citizen, "ptr", &citizen, "valuer", ncValuer("٠٠١٢٣٤٥٦٧٨"),
		"secret", withSecret{Service: "passport", note: "0012345678"}, "raw", []byte("0012345678"),
		"nc", pishkhan.NationalCode("0012345678"))
	out := buf.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	for _, leak := range []string{"0012345678", "۰۰۱۲۳۴۵۶۷۸", "٠٠١٢٣٤٥٦٧٨", "09121234567", "postal 1234567890", "زهرا", "احمدی",
		"حسن", "1370/05/12", "علی", "مریم", "abc", "pin=1234", "nationalCode=12", "x1", "citizen_mobile=0912"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q leaked:\n%s", leak, out)
		}
	}
	for i, want := range []string{
		`msg="استعلام کد ملی ********۷۸ انجام شد" tracking_code=` + tc.String() + ` request=` + id +
			` user=operator1 bytes=1234567890 at=1767225600 took=1.5s`,
		`msg=keys national_code=[redacted] nationalCode=[redacted] mobile="" citizen_mobile=[redacted] name=[redacted]` +
			` pin=[redacted] fields=[redacted] err="bad mobile *********67"`,
		`msg=groups req.id=` + id + ` req.note="nc ********۷۸" req.citizen=[redacted] req.inline=********78`,
		`msg=with note="postal ********90" full_name=[redacted] req.tc=` + tc.Display() + ` req.national_code=[redacted]`,
		`msg="inside a personal group" citizen.id=[redacted] citizen.number=[redacted] citizen.empty=""`,
		`msg=any citizen_rec.NationalCode=[redacted] citizen_rec.FirstName=[redacted] citizen_rec.LastName=[redacted]` +
			` citizen_rec.FatherName=[redacted] citizen_rec.BirthDate=[redacted] citizen_rec.Mobile=[redacted]` +
			` ptr.NationalCode=[redacted] ptr.FirstName=[redacted]`,
	} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d:\n got %s\nwant …%s…", i, lines[i], want)
		}
	}
	for _, want := range []string{`valuer="code ********٧٨"`, `secret.Service=passport raw`, `raw=********78`, `nc=********78`} {
		if !strings.Contains(lines[5], want) {
			t.Errorf("line 5 lacks %s:\n%s", want, lines[5])
		}
	}
}

// A record with nothing personal reaches the next handler unchanged, and
// levels are the next handler's.
func TestRedactPassesHarmlessRecordsUntouched(t *testing.T) {
	type job struct {
		Bytes int
		Port  string
		At    time.Time
	}
	emit := func(h slog.Handler) {
		log := slog.New(h)
		log.Debug("not enabled", "x", 1)
		log.With("desk", 3).WithGroup("printer").Info("printed", "job", job{Bytes: 1234567890, Port: "COM3", At: testTime},
			"took", time.Second, "err", errors.New("timeout after 3 tries"), "ids", []int{1, 2}, slog.Group("g", "n", 12))
	}
	var plain, redacted bytes.Buffer
	opts := &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	emit(slog.NewJSONHandler(&plain, opts))
	emit(Redact(slog.NewJSONHandler(&redacted, opts)))
	if plain.String() != redacted.String() || plain.Len() == 0 {
		t.Errorf("redaction changed a harmless record:\n%s%s", plain.String(), redacted.String())
	}
	if Redact(slog.NewJSONHandler(&plain, opts)).Enabled(context.Background(), slog.LevelDebug) {
		t.Error("Enabled is not the next handler's")
	}
}

// Examples for the fuzzer: the table above, and some that tempt shapes.
var fuzzSeeds = []string{
	"کد ملی ۰۰۱۲۳۴۵۶۷۸", "001-234567-8", "+98 912 345 6789", "0098 912 345 6789", "12345-01-050907-0042-6",
	"123450105090700426", "550e8400-e29b-41d4-a716-446655440000", "2026-03-21T06:30:00.125Z", "30 31 32 33 34",
	"\xff0012345678\xfe", "0012345678-12345-67890", "98 98 9", "۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹", "٠٠٩٨٩١٢٣٤٥٦٧٨٩",
}

// personalRuns finds digit runs in s that RedactString must never leave:
// 10 or 11 digits, 12 starting 989, 14 starting 00989.
func personalRuns(s string) [][2]int {
	var out [][2]int
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !unicode.IsDigit(rs[i]) {
			i++
			continue
		}
		j := i
		var ascii strings.Builder
		for j < len(rs) && unicode.IsDigit(rs[j]) {
			ascii.WriteByte(byte('0' + digitValue(rs[j])))
			j++
		}
		d := ascii.String()
		if n := j - i; n == 10 || n == 11 || n == 12 && strings.HasPrefix(d, "989") || n == 14 && strings.HasPrefix(d, "00989") {
			out = append(out, [2]int{i, j})
		}
		i = j
	}
	return out
}

var uuidRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// FuzzRedact checks RedactString on any string, and the handler on the
// same string with a national code planted in it:
//   - it does not panic, and redacting twice changes nothing more;
//   - it only turns digits into '*', leaving every other rune in place;
//   - no run of digits with a personal number's length survives, but in a UUID;
//   - the planted code, in the script the fuzzer picks, never reaches the log.
func FuzzRedact(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, uint(i*3), uint64(12345678), byte(i))
	}
	scripts := []rune{'0', '۰', '٠'}
	f.Fuzz(func(t *testing.T, s string, pos uint, code uint64, script byte) {
		out := RedactString(s)
		if again := RedactString(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		in, got := []rune(s), []rune(out)
		if len(in) != len(got) {
			t.Fatalf("%q → %q: %d runes became %d", s, out, len(in), len(got))
		}
		for i := range in {
			if in[i] != got[i] && !(unicode.IsDigit(in[i]) && got[i] == '*') {
				t.Fatalf("%q → %q: rune %d %q became %q", s, out, i, in[i], got[i])
			}
		}
		uuids := uuidRE.FindAllStringIndex(string(got), -1)
		for _, r := range personalRuns(out) {
			from, to := len(string(got[:r[0]])), len(string(got[:r[1]]))
			inUUID := false
			for _, u := range uuids {
				inUUID = inUUID || u[0] <= from && to <= u[1]
			}
			if !inUUID {
				t.Fatalf("%q → %q: %q survived", s, out, string(got[r[0]:r[1]]))
			}
		}

		// Plant a 10-digit number between spaces at a rune boundary.
		k := int(pos % uint(len(s)+1))
		for k > 0 && k < len(s) && !utf8.RuneStart(s[k]) {
			k--
		}
		zero := scripts[int(script)%len(scripts)]
		var nc strings.Builder
		for i, c := range fmt.Sprintf("%010d", code%10_000_000_000) {
			if i == 0 {
				c = '0' // not a 98… that a "+98 " before it could make the tail of a phone number of another length
			}
			nc.WriteRune(zero + (c - '0'))
		}
		planted := nc.String()
		s2 := s[:k] + " " + planted + " " + s[k:]
		at := len([]rune(s[:k])) + 1
		o2 := []rune(RedactString(s2))
		if n := strings.Count(string(o2[at:at+10]), "*"); n < 8 {
			t.Fatalf("planted %q in %q: %q left", planted, s2, string(o2[at:at+10]))
		}
		// The log of s2 may show planted no more often than the unredacted
		// log of s alone does (s may hold it in a longer run, or the text
		// handler's escapes may make it, as \x00 before 12345678 does).
		logged := func(h func(*bytes.Buffer) slog.Handler, s string) string {
			var buf bytes.Buffer
			slog.New(h(&buf)).WithGroup("g").With("w", s).Info(s, "a", s, slog.Group("h", "b", s), "e", errors.New(s))
			return buf.String()
		}
		plain := logged(func(w *bytes.Buffer) slog.Handler { return NewHandler(w, slog.LevelInfo) }, s)
		red := logged(func(w *bytes.Buffer) slog.Handler { return Redact(NewHandler(w, slog.LevelInfo)) }, s2)
		if strings.Count(red, planted) > strings.Count(plain, planted) {
			t.Fatalf("planted %q reached the log:\n%s", planted, red)
		}
	})
}
