package pishkhan

import (
	"fmt"
	"strconv"
	"strings"
)

// TrackingCode is the receipt's tracking code (کد رهگیری), made offline by the
// desk. Its 18 digits are:
//
//	OOOOO  office code (5)
//	DD     desk number (2)
//	YYMMDD Jalali date of intake (6; YY = year mod 100)
//	SSSS   the desk's sequence number for that day (4, from 0001)
//	C      Damm check digit over the 17 digits before it
//
// Office, desk, day and per-desk-per-day sequence together make it unique
// across desks and days without asking anyone. The Damm check digit catches
// every single-digit error and every swap of two adjacent digits. It is
// stored as the 18 digits and shown grouped: 12345-01-050907-0042-6.
type TrackingCode string

// TrackingParts are the fields of a tracking code.
type TrackingParts struct {
	Office int // 1..99999
	Desk   int // 1..99
	Year   int // Jalali year (full, e.g. 1405); the code keeps Year mod 100
	Month  int // 1..12
	Day    int // 1..31
	Seq    int // 1..9999
}

// MaxDailySequence is the most intakes one desk can take in one day.
const MaxDailySequence = 9999

// dammTable is the weakly totally anti-symmetric quasigroup of order 10 used
// by H. Michael Damm's check-digit algorithm.
var dammTable = [10][10]byte{
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}

// DammCheckDigit returns the Damm check digit of a string of ASCII digits.
func DammCheckDigit(digits string) int {
	var interim byte
	for i := 0; i < len(digits); i++ {
		interim = dammTable[interim][digits[i]-'0']
	}
	return int(interim)
}

// DammValid reports whether a string of ASCII digits ends in its correct Damm check digit.
func DammValid(digits string) bool {
	return allDigits(digits) && DammCheckDigit(digits) == 0
}

// NewTrackingCode builds a tracking code from its parts, checking each range.
func NewTrackingCode(p TrackingParts) (TrackingCode, error) {
	bad := func(what string) (TrackingCode, error) {
		return "", Errorf(EInvalid, "اجزای کد رهگیری نامعتبر است.", "tracking code: %s out of range in %+v", what, p)
	}
	switch {
	case p.Office < 1 || p.Office > 99999:
		return bad("office")
	case p.Desk < 1 || p.Desk > 99:
		return bad("desk")
	case p.Year < 1300 || p.Year > 1699:
		return bad("year")
	case p.Month < 1 || p.Month > 12:
		return bad("month")
	case p.Day < 1 || p.Day > 31 || (p.Month > 6 && p.Day > 30):
		return bad("day")
	case p.Seq < 1 || p.Seq > MaxDailySequence:
		return bad("sequence")
	}
	body := fmt.Sprintf("%05d%02d%02d%02d%02d%04d", p.Office, p.Desk, p.Year%100, p.Month, p.Day, p.Seq)
	return TrackingCode(body + strconv.Itoa(DammCheckDigit(body))), nil
}

// ParseTrackingCode accepts a tracking code in any digit script with or
// without separators, checks its length, check digit and fields.
// The two-digit year is read as 13YY or 14YY, whichever is within 50 years of
// refYear (the current Jalali year).
func ParseTrackingCode(s string, refYear int) (TrackingCode, TrackingParts, error) {
	d := cleanDigits(strings.TrimSpace(s))
	if !allDigits(d) || len(d) != 18 {
		return "", TrackingParts{}, FieldError("tracking_code", "کد رهگیری باید ۱۸ رقم باشد.", "tracking code %q must have 18 digits", s)
	}
	if !DammValid(d) {
		return "", TrackingParts{}, FieldError("tracking_code", "کد رهگیری درست نیست؛ احتمالاً یک رقم اشتباه یا جابه‌جا وارد شده است.",
			"tracking code %s fails its check digit", d)
	}
	n := func(i, j int) int { v, _ := strconv.Atoi(d[i:j]); return v }
	p := TrackingParts{Office: n(0, 5), Desk: n(5, 7), Month: n(9, 11), Day: n(11, 13), Seq: n(13, 17)}
	yy := n(7, 9)
	century := refYear - refYear%100
	p.Year = century + yy
	if p.Year > refYear+50 {
		p.Year -= 100
	} else if p.Year < refYear-50 {
		p.Year += 100
	}
	tc, err := NewTrackingCode(p)
	if err != nil || tc != TrackingCode(d) {
		return "", TrackingParts{}, FieldError("tracking_code", "کد رهگیری نامعتبر است.", "tracking code %s has out-of-range fields", d)
	}
	return tc, p, nil
}

// String returns the 18 digits.
func (t TrackingCode) String() string { return string(t) }

// Display groups the digits for people: 12345-01-050907-0042-6.
func (t TrackingCode) Display() string {
	s := string(t)
	if len(s) != 18 {
		return s
	}
	return s[0:5] + "-" + s[5:7] + "-" + s[7:13] + "-" + s[13:17] + "-" + s[17:]
}
