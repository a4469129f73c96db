package logfile

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces the value of an attribute whose key names personal data.
const Redacted = "[redacted]"

// Redact returns a handler that hides personal data and passes each record
// on to next. It works in two ways:
//
// By key. The value of an attribute whose key names personal data is
// replaced by [Redacted], whatever its kind (an empty string or nil is left
// as it is, so a log can still tell that a field was missing). Keys are
// compared without case and without _, -, space and dot, so national_code,
// nationalCode and National-Code are the same key. The keys are
// national_code, national_id, code_melli, mobile, phone, tel,
// postal_code, zip, name, full_name, first_name, last_name, surname,
// father_name, citizen, applicant, birth_date, dob, address, pin, puk,
// password, passcode, fields, and their Persian counterparts; any key that
// contains national_code, mobile, phone, postal_code, full_name,
// first_name, last_name, father_name, birth_date or password counts too
// (citizen_mobile, applicant_national_code). Every attribute inside a
// group so named — by WithGroup or slog.Group — is hidden as well.
//
// By value. The message, string values, errors, Stringers and byte
// slices anywhere in the record are masked with [RedactString]: digit
// runs that look like a national code, a postal code or a phone number
// keep only their last two digits. Structs and string-keyed maps in
// slog.Any values are looked into field by field (to a depth of 4), so a
// logged struct with a FirstName or Mobile field is hidden too; such a
// value is then logged as a group. A value that needs no change is passed
// on untouched.
//
// Numbers (int, uint, float attributes), durations and times are not
// scanned: byte counts and Unix timestamps stay readable. Log a national
// code as a string (or under one of the keys above), never as an int.
// Names can only be caught by key: a name inside a message or a free-text
// value is not recognised.
//
// WithAttrs attributes are redacted once, when they are added. Put Redact
// outermost, before any handler that keeps or shows records (the file,
// the terminal, the window's ring).
func Redact(next slog.Handler) slog.Handler { return &redactor{next: next} }

type redactor struct {
	next    slog.Handler
	hideAll bool // inside a group whose name is a personal-data key
}

func (h *redactor) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *redactor) Handle(ctx context.Context, r slog.Record) error {
	nr := slog.NewRecord(r.Time, r.Level, RedactString(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		a, _ = redactAttr(a, h.hideAll, 0)
		nr.AddAttrs(a)
		return true
	})
	return h.next.Handle(ctx, nr)
}

func (h *redactor) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i], _ = redactAttr(a, h.hideAll, 0)
	}
	return &redactor{next: h.next.WithAttrs(out), hideAll: h.hideAll}
}

func (h *redactor) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &redactor{next: h.next.WithGroup(name), hideAll: h.hideAll || personalKey(name)}
}

// maxDepth bounds how deep structs and maps are looked into.
const maxDepth = 4

// redactAttr returns a with personal data hidden, and whether anything changed.
// hide hides every value (the attribute is inside a personal-data group).
func redactAttr(a slog.Attr, hide bool, depth int) (slog.Attr, bool) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup && (a.Key == "" || !hide && !personalKey(a.Key)) {
		as := v.Group()
		out := make([]slog.Attr, len(as))
		changed := false
		for i, g := range as {
			var c bool
			out[i], c = redactAttr(g, hide, depth)
			changed = changed || c
		}
		if changed {
			return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}, true
		}
		return slog.Attr{Key: a.Key, Value: v}, false
	}
	if hide || personalKey(a.Key) {
		if v.Kind() == slog.KindString && v.String() == "" || v.Kind() == slog.KindAny && v.Any() == nil {
			return slog.Attr{Key: a.Key, Value: v}, false
		}
		return slog.String(a.Key, Redacted), true
	}
	switch v.Kind() {
	case slog.KindString:
		if s := v.String(); len(s) > 0 {
			if r := RedactString(s); r != s {
				return slog.String(a.Key, r), true
			}
		}
	case slog.KindAny:
		if nv, ok := redactAny(v.Any(), depth); ok {
			return slog.Attr{Key: a.Key, Value: nv}, true
		}
	}
	return slog.Attr{Key: a.Key, Value: v}, false
}

// redactAny hides personal data in the value of a slog.Any attribute. It
// reports false when nothing needs hiding: the value is then kept as it is.
func redactAny(x any, depth int) (slog.Value, bool) {
	masked := func(s string) (slog.Value, bool) {
		if r := RedactString(s); r != s {
			return slog.StringValue(r), true
		}
		return slog.Value{}, false
	}
	switch x := x.(type) {
	case nil:
		return slog.Value{}, false
	case []byte:
		return masked(string(x))
	case error, fmt.Stringer:
		return masked(fmt.Sprint(x)) // fmt recovers a panicking Error or String
	}
	rv := reflect.ValueOf(x)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return slog.Value{}, false
		}
		rv = rv.Elem()
	}
	if depth < maxDepth && (rv.Kind() == reflect.Struct || rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String) {
		if as, changed := fieldsOf(rv, depth+1); changed {
			return slog.GroupValue(as...), true
		}
		return slog.Value{}, false
	}
	return masked(fmt.Sprintf("%+v", x))
}

// fieldsOf returns the exported fields of a struct, or the entries of a
// string-keyed map in key order, as redacted attributes, and whether
// anything was hidden.
func fieldsOf(rv reflect.Value, depth int) ([]slog.Attr, bool) {
	var as []slog.Attr
	changed := false
	add := func(key string, v reflect.Value) {
		var a slog.Attr
		var c bool
		if v.CanInterface() {
			a, c = redactAttr(slog.Any(key, v.Interface()), false, depth)
		}
		as = append(as, a)
		changed = changed || c
	}
	if rv.Kind() == reflect.Struct {
		t := rv.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if f.IsExported() {
				add(f.Name, rv.Field(i))
				continue
			}
			// An unexported field is left out of the group (and out of
			// JSON), but the text handler would print it with the struct:
			// if it holds personal data, the group is what gets logged.
			if personalKey(f.Name) && !rv.Field(i).IsZero() {
				changed = true
			} else if s := fmt.Sprintf("%+v", rv.Field(i)); RedactString(s) != s {
				changed = true
			}
		}
		return as, changed
	}
	keys := rv.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	for _, k := range keys {
		add(k.String(), rv.MapIndex(k))
	}
	return as, changed
}

// Keys of personal data, normalised by normKey: exact matches, and parts
// that make any key containing them personal.
var (
	personalExact = map[string]bool{
		"name": true, "fullname": true, "firstname": true, "lastname": true, "surname": true,
		"fathername": true, "familyname": true, "givenname": true, "citizen": true, "citizenname": true,
		"applicant": true, "pin": true, "pin1": true, "pin2": true, "puk": true, "cardpin": true,
		"newpin": true, "oldpin": true, "tel": true, "dob": true, "birthday": true, "birthdate": true,
		"dateofbirth": true, "address": true, "homeaddress": true, "postaladdress": true, "fields": true,
		"zip": true, "zipcode": true, "postcode": true, "postalcode": true, "nationalcode": true,
		"nationalid": true, "codemelli": true, "mobile": true, "phone": true,
		// Persian keys, without spaces and ZWNJ.
		"کدملی": true, "شمارهملی": true, "نام": true, "نامخانوادگی": true, "نامپدر": true,
		"موبایل": true, "تلفن": true, "تلفنهمراه": true, "کدپستی": true, "نشانی": true,
		"آدرس": true, "تاریختولد": true, "رمز": true,
	}
	personalParts = []string{
		"nationalcode", "nationalid", "codemelli", "mellicode", "mobile", "phone", "postalcode",
		"fullname", "firstname", "lastname", "fathername", "birthdate", "password", "passcode",
	}
)

// personalKey reports whether an attribute or group key names personal data.
func personalKey(key string) bool {
	k := normKey(key)
	if k == "" {
		return false
	}
	if personalExact[k] {
		return true
	}
	for _, p := range personalParts {
		if strings.Contains(k, p) {
			return true
		}
	}
	return false
}

// normKey lowercases key and drops the characters that join words in keys.
func normKey(key string) string {
	var b strings.Builder
	b.Grow(len(key))
	for _, r := range key {
		switch r {
		case '_', '-', ' ', '.', '\u200c':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// RedactString masks the digit runs in s that may be personal data,
// keeping their last two digits, in whatever script they were written:
// "کد ملی ۰۰۱۲۳۴۵۶۷۸" becomes "کد ملی ********۷۸". Digits are those of any
// script (ASCII, Persian ۰-۹, Arabic-Indic ٠-٩, ...). It masks:
//
//   - any run of exactly 10 or 11 digits: national codes, postal codes,
//     mobile numbers (09xxxxxxxxx, 9xxxxxxxxx), landlines with area code;
//   - a run of 12 digits starting 989 or 14 starting 00989 (+989…, 00989…);
//   - the same split into groups by single spaces or dashes, in the ways
//     people write them: 001-234567-8, 12345-67890, 0912 345 6789,
//     0912-3456789, 0912 345 67 89, 912 345 6789, +98 912 345 6789,
//     0098 912 345 6789, 021-88776655, 021 8877 6655.
//
// Everything else is left alone, in particular:
//
//   - tracking codes (18 digits, also grouped 12345-01-050907-0042-6):
//     no run or grouping of theirs has the shapes above, so they are told
//     apart by length;
//   - UUIDs (8-4-4-4-12 hex), even when a group is all digits;
//   - RFC 3339 and other date-times, Jalali dates, IP addresses, hex dumps
//     ("30 31 32 …"), and other numbers of up to 9 or of 12 and more
//     digits: byte counts, Unix milliseconds and nanoseconds.
//
// A 10-digit number that is not personal (a Unix time in seconds, a byte
// count above 1 GB written into a string) is masked too: it cannot be told
// apart from a national code. Only digits change: every other character,
// and the number of characters, stay as they were.
func RedactString(s string) string {
	if !hasCandidate(s) {
		return s
	}
	toks := make([]tok, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		toks = append(toks, tok{off: i, size: n, r: r, digit: unicode.IsDigit(r)})
		i += n
	}
	protectUUIDs(toks)
	// Groups: maximal runs of digits. Chains: groups joined by one separator.
	var chain []span
	masked := false
	flush := func() {
		masked = maskChain(toks, chain) || masked
		chain = chain[:0]
	}
	for i := 0; i < len(toks); {
		if !toks[i].digit {
			i++
			continue
		}
		j := i
		for j < len(toks) && toks[j].digit {
			j++
		}
		if len(chain) > 0 {
			last := chain[len(chain)-1]
			if !(last.end+1 == i && isSeparator(toks[last.end].r)) {
				flush()
			}
		}
		chain = append(chain, span{i, j})
		i = j
	}
	flush()
	if !masked {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, t := range toks {
		if t.mask {
			b.WriteByte('*')
		} else {
			b.WriteString(s[t.off : t.off+t.size])
		}
	}
	return b.String()
}

// tok is one rune of the string being redacted.
type tok struct {
	off, size int
	r         rune
	digit     bool // a digit, not inside a UUID
	mask      bool // to be written as *
}

// span is a run of tokens, [start, end).
type span struct{ start, end int }

// hasCandidate reports whether s has at least 10 digits, the fewest that
// RedactString masks.
func hasCandidate(s string) bool {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 0x80 && unicode.IsDigit(r) {
			if n++; n >= 10 {
				return true
			}
		}
	}
	return false
}

// isSeparator reports whether r may stand between the digit groups of one
// number: a space or a dash.
func isSeparator(r rune) bool {
	switch r {
	case ' ', '\u00a0', '\u2009', '\u202f', '\u200c', '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// shape is a way of writing a personal number in groups: the group lengths,
// and digits it must start with.
type shape struct {
	lens   []int
	prefix string
}

// shapes, those with more groups first.
var shapes = []shape{
	{[]int{2, 3, 3, 4}, "989"}, // +98 912 345 6789
	{[]int{4, 3, 3, 4}, "00989"},
	{[]int{4, 3, 2, 2}, "09"}, // 0912 345 67 89
	{[]int{3, 6, 1}, ""},      // national code 001-234567-8
	{[]int{4, 3, 4}, "09"},    // 0912 345 6789
	{[]int{3, 3, 4}, "9"},     // 912 345 6789
	{[]int{2, 3, 7}, "989"},   // +98 912 3456789
	{[]int{4, 3, 7}, "00989"},
	{[]int{3, 4, 4}, "0"}, // 021 8877 6655
	{[]int{5, 5}, ""},     // postal code 12345-67890
	{[]int{4, 7}, "09"},   // 0912-3456789
	{[]int{3, 7}, "9"},    // 912 3456789
	{[]int{2, 10}, "989"}, // +98 9123456789
	{[]int{4, 10}, "00989"},
	{[]int{3, 8}, "0"}, // 021-88776655
}

// maskChain marks the personal numbers in a chain of digit groups and
// reports whether it marked any.
func maskChain(toks []tok, chain []span) bool {
	hit := false
	for i := 0; i < len(chain); {
		if k := matchShape(toks, chain[i:]); k > 0 {
			maskSpans(toks, chain[i:i+k])
			i += k
			hit = true
			continue
		}
		if g := chain[i]; isPersonalRun(toks, g) {
			maskSpans(toks, chain[i:i+1])
			hit = true
		}
		i++
	}
	return hit
}

// isPersonalRun reports whether one unbroken run of digits has the length
// of a national code, postal code or phone number.
func isPersonalRun(toks []tok, g span) bool {
	switch n := g.end - g.start; n {
	case 10, 11:
		return true
	case 12:
		return startsWith(toks, []span{g}, "989")
	case 14:
		return startsWith(toks, []span{g}, "00989")
	}
	return false
}

// matchShape returns how many groups at the start of chain form one of the
// shapes, or 0.
func matchShape(toks []tok, chain []span) int {
next:
	for _, sh := range shapes {
		if len(chain) < len(sh.lens) {
			continue
		}
		for j, n := range sh.lens {
			if chain[j].end-chain[j].start != n {
				continue next
			}
		}
		if startsWith(toks, chain[:len(sh.lens)], sh.prefix) {
			return len(sh.lens)
		}
	}
	return 0
}

// startsWith reports whether the digits of groups start with the ASCII digits prefix.
func startsWith(toks []tok, groups []span, prefix string) bool {
	i := 0
	for _, g := range groups {
		for t := g.start; t < g.end && i < len(prefix); t++ {
			if digitValue(toks[t].r) != int(prefix[i]-'0') {
				return false
			}
			i++
		}
	}
	return i == len(prefix)
}

// maskSpans marks every digit of groups but the last two.
func maskSpans(toks []tok, groups []span) {
	var idx []int
	for _, g := range groups {
		for t := g.start; t < g.end; t++ {
			idx = append(idx, t)
		}
	}
	for _, t := range idx[:max(len(idx)-2, 0)] {
		toks[t].mask = true
	}
}

// digitValue is the value of a decimal digit of any script, -1 for a non-digit.
func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '۰' && r <= '۹':
		return int(r - '۰')
	case r >= '٠' && r <= '٩':
		return int(r - '٠')
	}
	// Every range of unicode.Nd is whole blocks of ten, 0 to 9.
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) && rg.Stride == 1 {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) && rg.Stride == 1 {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	return -1
}

// protectUUIDs clears the digit mark inside canonical UUIDs
// (8-4-4-4-12 hexadecimal digits) that stand on their own.
func protectUUIDs(toks []tok) {
	lens := [...]int{8, 4, 4, 4, 12}
	const n = 36
	for i := 0; i+n <= len(toks); i++ {
		if i > 0 && isWordRune(toks[i-1].r) || i+n < len(toks) && isWordRune(toks[i+n].r) {
			continue
		}
		j, ok := i, true
		for g, l := range lens {
			if g > 0 {
				if toks[j].r != '-' {
					ok = false
					break
				}
				j++
			}
			for range l {
				if !isHex(toks[j].r) {
					ok = false
					break
				}
				j++
			}
			if !ok {
				break
			}
		}
		if ok {
			for k := i; k < i+n; k++ {
				toks[k].digit = false
			}
			i += n - 1
		}
	}
}

func isHex(r rune) bool { return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
