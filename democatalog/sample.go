package democatalog

import (
	"strconv"
	"strings"

	"github.com/pishkhan/pishkhan"
)

// SampleForm fills a sub-service's form with plausible values that pass its
// validation, for the demo, the benchmarks and the crash test: nc for
// national-code fields, the first choice for choices, a mid-range number for
// ranged numbers, and for text the first of a few candidates (Persian text,
// digits, a passport-like or VIN-like code) that the field accepts. It
// reports false when some field accepts none of them.
func SampleForm(ss pishkhan.SubService, nc pishkhan.NationalCode) (map[string]string, bool) {
	form := make(map[string]string, len(ss.Fields))
	for _, f := range ss.Fields {
		ok := false
		for _, v := range sampleValues(f, nc) {
			if _, err := f.Validate(v); err == nil {
				form[f.Key], ok = v, true
				break
			}
		}
		if !ok {
			return nil, false
		}
	}
	if _, err := ss.ValidateForm(form); err != nil {
		return nil, false
	}
	return form, true
}

func sampleValues(f pishkhan.FieldSpec, nc pishkhan.NationalCode) []string {
	switch f.Type {
	case pishkhan.FieldNationalCode:
		return []string{string(nc)}
	case pishkhan.FieldMobile:
		return []string{"09121234567"}
	case pishkhan.FieldPostalCode:
		return []string{"1193653471"}
	case pishkhan.FieldDate:
		return []string{"1370/01/15", "1404/06/15"}
	case pishkhan.FieldPlate:
		return []string{"12ب345-67"}
	case pishkhan.FieldChoice:
		if len(f.Choices) > 0 {
			return []string{f.Choices[0]}
		}
		return nil
	case pishkhan.FieldNumber, pishkhan.FieldAmount:
		if f.Max > 0 {
			return []string{strconv.FormatInt(f.Min+(f.Max-f.Min)/2, 10)}
		}
		return []string{"5000000", "1"}
	}
	n := max(f.MinLen, 5)
	if f.MaxLen > 0 {
		n = min(n, f.MaxLen)
	}
	digits := strings.Repeat("1234567890", n/10+1)[:n]
	return []string{
		"تهران، خیابان آزادی، کوچه بهار، پلاک ۱۲",
		strings.Repeat("ب", n),
		digits,
		"A" + digits[1:],
		"NAAM01CA9KR123456"[:min(17, max(n, 6))],
		strings.Repeat("AB12", n/4+1)[:n],
	}
}
