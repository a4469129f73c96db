package persian

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	jalaali "github.com/jalaali/go-jalaali"
)

// The range of Jalali years this package supports: year 1 starts on 22
// March 622 (proleptic Gregorian), and 3177, which ends on 19 March 3799, is
// the last year the conversion library (github.com/jalaali/go-jalaali)
// handles.
const (
	MinYear = 1
	MaxYear = 3177
)

// Errors wrapped by [ParseDate] and [Date.Time]; test for them with
// errors.Is.
var (
	// ErrDateSyntax means the text is not shaped like year/month/day.
	ErrDateSyntax = errors.New("malformed date")
	// ErrInvalidDate means the fields are out of range, e.g. month 13 or
	// 30 Esfand of a common year.
	ErrInvalidDate = errors.New("invalid Jalali date")
)

// Date is a Jalali (Solar Hijri) civil date: a calendar day with no time of
// day or time zone. Month is 1 (Farvardin) to 12 (Esfand). The zero Date is
// not [Date.Valid] and can be used to mean "no date".
//
// Dates compare correctly with == and with [Date.Compare].
type Date struct {
	Year, Month, Day int
}

var monthNames = [12]string{
	"فروردین", "اردیبهشت", "خرداد",
	"تیر", "مرداد", "شهریور",
	"مهر", "آبان", "آذر",
	"دی", "بهمن", "اسفند",
}

// weekdayNames is indexed by time.Weekday (Sunday = 0).
var weekdayNames = [7]string{
	time.Sunday:    "یکشنبه",
	time.Monday:    "دوشنبه",
	time.Tuesday:   "سه\u200cشنبه",
	time.Wednesday: "چهارشنبه",
	time.Thursday:  "پنجشنبه",
	time.Friday:    "جمعه",
	time.Saturday:  "شنبه",
}

// MonthName returns the Persian name of Jalali month m (1 → "فروردین",
// 12 → "اسفند"), or "" if m is not in 1..12.
func MonthName(m int) string {
	if m < 1 || m > 12 {
		return ""
	}
	return monthNames[m-1]
}

// WeekdayName returns the Persian name of w, e.g. time.Saturday → "شنبه"
// and time.Tuesday → "سه‌شنبه" (written with a ZWNJ). It returns "" for a
// value outside time.Sunday..time.Saturday. The Iranian week starts on
// Saturday.
func WeekdayName(w time.Weekday) string {
	if w < time.Sunday || w > time.Saturday {
		return ""
	}
	return weekdayNames[w]
}

// IsLeap reports whether Jalali year is a leap year, i.e. its Esfand has 30
// days instead of 29. It returns false for years outside MinYear..MaxYear.
//
// The answer is derived from the dates of consecutive Nowruzes as computed by
// github.com/jalaali/go-jalaali, rather than from its IsLeapYear, which is
// wrong for the two years four and five years before each break year of the
// algorithm (e.g. it calls 1630 common and 1631 leap; the calendar has it
// the other way round).
func IsLeap(year int) bool {
	if year < MinYear || year > MaxYear {
		return false
	}
	if year == MaxYear {
		// The library cannot compute the Nowruz after MaxYear. Its
		// IsLeapYear is right for this year (common).
		leap, err := jalaali.IsLeapYear(year)
		return err == nil && leap
	}
	start, err1 := nowruz(year)
	next, err2 := nowruz(year + 1)
	return err1 == nil && err2 == nil && next-start == 366
}

// MonthLength returns the number of days in the given Jalali month: 31 for
// months 1–6, 30 for 7–11, and 29 or 30 (leap year) for Esfand. It returns 0
// if month is not in 1..12 or year is outside MinYear..MaxYear.
func MonthLength(year, month int) int {
	switch {
	case year < MinYear || year > MaxYear || month < 1 || month > 12:
		return 0
	case month <= 6:
		return 31
	case month <= 11:
		return 30
	case IsLeap(year):
		return 30
	}
	return 29
}

// yearLength returns the number of days in a supported Jalali year.
func yearLength(year int) int {
	if IsLeap(year) {
		return 366
	}
	return 365
}

// Valid reports whether d is a real Jalali date in MinYear..MaxYear.
func (d Date) Valid() bool {
	return d.Day >= 1 && d.Day <= MonthLength(d.Year, d.Month)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// civilDay returns the number of days from 1970-01-01 to the given
// proleptic Gregorian date.
func civilDay(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// nowruz returns the civil day number of 1 Farvardin of Jalali year jy.
func nowruz(jy int) (int64, error) {
	gy, gm, gd, err := jalaali.ToGregorian(jy, jalaali.Farvardin, 1)
	if err != nil {
		return 0, fmt.Errorf("persian: start of year %d: %w", jy, err)
	}
	return civilDay(gy, gm, gd), nil
}

// DateOf returns the Jalali date of t as seen in t's location; use
// t.In([Tehran]()) first to get the date in Iran. It returns the zero Date
// (which is not Valid) if t falls outside the supported years.
func DateOf(t time.Time) Date {
	gy, gm, gd := t.Date()
	day := civilDay(gy, gm, gd)
	// 1 Farvardin falls on 19–22 March of Gregorian year jy+621, so the
	// Jalali year is gy-621 or, before Nowruz, gy-622.
	jy := min(gy-621, MaxYear)
	if jy < MinYear {
		return Date{}
	}
	start, err := nowruz(jy)
	if err != nil {
		return Date{}
	}
	if day < start {
		jy--
		if jy < MinYear {
			return Date{}
		}
		if start, err = nowruz(jy); err != nil {
			return Date{}
		}
	}
	k := int(day - start) // days since 1 Farvardin
	if k >= yearLength(jy) {
		return Date{} // after the end of MaxYear
	}
	if k < 6*31 {
		return Date{jy, 1 + k/31, 1 + k%31}
	}
	k -= 6 * 31
	return Date{jy, 7 + k/30, 1 + k%30}
}

// Today returns the current Jalali date in Iran (the [Tehran] time zone).
func Today() Date {
	return DateOf(time.Now().In(Tehran()))
}

// Time returns the first instant of d in loc: midnight, or, in the rare
// zones whose clocks skipped midnight that day, whatever time.Date makes of
// it. It fails if loc is nil, or, wrapping [ErrInvalidDate], if d is not
// Valid.
func (d Date) Time(loc *time.Location) (time.Time, error) {
	if loc == nil {
		return time.Time{}, fmt.Errorf("persian: date %v to time: nil location", d)
	}
	if !d.Valid() {
		return time.Time{}, fmt.Errorf("persian: date %v to time: %w", d, ErrInvalidDate)
	}
	start, err := nowruz(d.Year)
	if err != nil { // unreachable for a Valid date
		return time.Time{}, fmt.Errorf("persian: date %v to time: %w: %w", d, ErrInvalidDate, err)
	}
	// Not jalaali.ToGregorian: it validates with the faulty IsLeapYear.
	g := time.Unix((start+int64(d.dayOfYear()))*86400, 0).UTC()
	return time.Date(g.Year(), g.Month(), g.Day(), 0, 0, 0, 0, loc), nil
}

// dayOfYear returns the number of days from 1 Farvardin to d.
func (d Date) dayOfYear() int {
	if d.Month <= 6 {
		return (d.Month-1)*31 + d.Day - 1
	}
	return 6*31 + (d.Month-7)*30 + d.Day - 1
}

// Weekday returns the day of the week of d, or -1 if d is not Valid.
func (d Date) Weekday() time.Weekday {
	t, err := d.Time(time.UTC)
	if err != nil {
		return -1
	}
	return t.Weekday()
}

// AddDays returns the date n days after d (before it if n is negative). It
// returns the zero Date if d is not Valid or the result falls outside the
// supported years.
func (d Date) AddDays(n int) Date {
	t, err := d.Time(time.UTC)
	if err != nil {
		return Date{}
	}
	return DateOf(t.AddDate(0, 0, n))
}

// Compare returns -1 if d is before o, +1 if d is after o and 0 if they are
// the same date.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmp.Compare(d.Year, o.Year)
	case d.Month != o.Month:
		return cmp.Compare(d.Month, o.Month)
	}
	return cmp.Compare(d.Day, o.Day)
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// String formats d as "YYYY/MM/DD" with Latin digits, e.g. "1405/09/07".
// It is meant for logs, the CLI and storage keys: for valid dates the
// strings sort in date order, and [ParseDate] reads them back.
func (d Date) String() string {
	var b []byte
	b = appendPadded(b, d.Year, 4)
	b = append(b, '/')
	b = appendPadded(b, d.Month, 2)
	b = append(b, '/')
	b = appendPadded(b, d.Day, 2)
	return string(b)
}

// appendPadded appends n in decimal, zero-padded to at least width digits.
func appendPadded(b []byte, n, width int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	s := strconv.Itoa(n)
	for range width - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

// Persian formats d like [Date.String] but with Persian digits, e.g.
// "۱۴۰۵/۰۹/۰۷".
func (d Date) Persian() string {
	return ToPersianDigits(d.String())
}

// Long formats d for people as weekday, day, month name and year with
// Persian digits, e.g. "شنبه ۷ آذر ۱۴۰۵". An invalid date is formatted as by
// [Date.Persian].
func (d Date) Long() string {
	if !d.Valid() {
		return d.Persian()
	}
	return WeekdayName(d.Weekday()) + " " +
		ToPersianDigits(strconv.Itoa(d.Day)) + " " +
		MonthName(d.Month) + " " +
		ToPersianDigits(strconv.Itoa(d.Year))
}

// MarshalText implements encoding.TextMarshaler using [Date.String]. The zero
// Date marshals as empty text; any other invalid Date is an error.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	if !d.Valid() {
		return nil, fmt.Errorf("persian: marshal date %v: %w", d, ErrInvalidDate)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using [ParseDate]. Empty
// text unmarshals to the zero Date.
func (d *Date) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// isDateSep reports whether r may separate the fields of a date.
func isDateSep(r rune) bool {
	return r == '/' || r == '-' || r == '.' || r == DecimalSeparator
}

// ParseDate parses a Jalali date written year/month/day, such as
// "1405/09/07", "1405-9-7", "۱۴۰۵/۰۹/۰۷" or "١٤٠٥.٩.٧".
//
// Digits may be ASCII, Persian or Arabic-Indic. The year must have exactly
// four digits (so "05/09/07" is not silently read as year 5) and the month
// and day one or two. The fields are separated by '/', '-', '.' or the
// Persian decimal separator ٫, the same one both times; spaces around them,
// surrounding white space and bidi marks (LRM, RLM, ALM) are ignored.
//
// The month must be 1..12 and the day must exist in that month, so 30 Esfand
// is accepted only in leap years. The year must be in MinYear..MaxYear;
// callers reading user input should check for a plausible year themselves,
// since a Gregorian date such as 2026/11/28 is also a valid Jalali date.
//
// Errors quote the input and wrap [ErrDateSyntax] or [ErrInvalidDate].
func ParseDate(s string) (Date, error) {
	fail := func(kind error, format string, args ...any) (Date, error) {
		return Date{}, fmt.Errorf("persian: parse date %q: %w: %s", s, kind, fmt.Sprintf(format, args...))
	}
	clean := strings.Map(func(r rune) rune {
		if r == lrm || r == rlm || r == alm {
			return -1
		}
		return r
	}, s)
	clean = strings.TrimSpace(ToLatinDigits(clean))
	if clean == "" {
		return fail(ErrDateSyntax, "empty")
	}

	var (
		vals   [3]int
		widths [3]int
		sep    rune
		n      int // fields read
		rest   = clean
	)
	for n < 3 {
		if n > 0 {
			rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
			r, size := utf8.DecodeRuneInString(rest)
			switch {
			case size == 0:
				return fail(ErrDateSyntax, "want year/month/day, got %d field(s)", n)
			case !isDateSep(r):
				return fail(ErrDateSyntax, "unexpected %q after field %d; want '/' or '-'", r, n)
			case sep != 0 && r != sep:
				return fail(ErrDateSyntax, "mixed separators %q and %q", sep, r)
			}
			sep = r
			rest = strings.TrimLeftFunc(rest[size:], unicode.IsSpace)
		}
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			if r, size := utf8.DecodeRuneInString(rest); size > 0 {
				return fail(ErrDateSyntax, "unexpected %q; want a digit", r)
			}
			return fail(ErrDateSyntax, "missing field %d", n+1)
		}
		if i > 4 {
			return fail(ErrDateSyntax, "field %d has too many digits", n+1)
		}
		vals[n], _ = strconv.Atoi(rest[:i]) // at most 4 ASCII digits: cannot fail
		widths[n] = i
		rest = rest[i:]
		n++
	}
	if rest != "" {
		r, _ := utf8.DecodeRuneInString(rest)
		return fail(ErrDateSyntax, "unexpected %q after the day", r)
	}
	switch {
	case widths[0] <= 2 && widths[2] == 4:
		return fail(ErrDateSyntax, "looks like day/month/year; write year/month/day, e.g. 1405/09/07")
	case widths[0] != 4:
		return fail(ErrDateSyntax, "year must have 4 digits")
	case widths[1] > 2:
		return fail(ErrDateSyntax, "month must have 1 or 2 digits")
	case widths[2] > 2:
		return fail(ErrDateSyntax, "day must have 1 or 2 digits")
	}
	d := Date{vals[0], vals[1], vals[2]}
	switch {
	case d.Year < MinYear || d.Year > MaxYear:
		return fail(ErrInvalidDate, "year %d outside %d..%d", d.Year, MinYear, MaxYear)
	case d.Month < 1 || d.Month > 12:
		return fail(ErrInvalidDate, "month %d outside 1..12", d.Month)
	case d.Day < 1:
		return fail(ErrInvalidDate, "day %d outside 1..%d", d.Day, MonthLength(d.Year, d.Month))
	case d.Day > MonthLength(d.Year, d.Month):
		if d.Month == 12 && d.Day == 30 {
			return fail(ErrInvalidDate, "%d is not a leap year, so Esfand has 29 days", d.Year)
		}
		return fail(ErrInvalidDate, "month %d (%s) has %d days, not %d",
			d.Month, MonthName(d.Month), MonthLength(d.Year, d.Month), d.Day)
	}
	return d, nil
}

// FormatTime formats the wall-clock time of t in t's location as hours and
// minutes with Persian digits, e.g. "۱۴:۳۵".
func FormatTime(t time.Time) string {
	return ToPersianDigits(t.Format("15:04"))
}

// FormatDateTime formats t in t's location as a Jalali date and a 24-hour
// time with Persian digits, e.g. "۱۴۰۵/۰۹/۰۷ ۱۴:۳۵". Convert with
// t.In([Tehran]()) first to show Iranian local time. A t outside the
// supported years shows the zero date "۰۰۰۰/۰۰/۰۰".
func FormatDateTime(t time.Time) string {
	return DateOf(t).Persian() + " " + FormatTime(t)
}

// TehranOffset is Iran Standard Time's offset from UTC, +03:30, in seconds.
// Iran has not observed daylight saving time since 2022.
const TehranOffset = 3*60*60 + 30*60

// Tehran returns the Asia/Tehran time zone. It is loaded from the system
// time zone database once; if that fails (e.g. a Windows machine without Go's
// zoneinfo), Tehran returns a fixed UTC+03:30 zone named "+0330", which is
// correct for every date since Iran abolished daylight saving time in 2022
// but not for summer dates before then.
func Tehran() *time.Location { return tehran() }

var tehran = sync.OnceValue(func() *time.Location {
	return loadTehran(time.LoadLocation)
})

// loadTehran loads Asia/Tehran with load, falling back to a fixed zone.
func loadTehran(load func(name string) (*time.Location, error)) *time.Location {
	loc, err := load("Asia/Tehran")
	if err != nil || loc == nil {
		return time.FixedZone("+0330", TehranOffset)
	}
	return loc
}
