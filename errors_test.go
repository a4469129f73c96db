package pishkhan

import (
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
)

func TestErrorString(t *testing.T) {
	cases := []struct {
		e    *Error
		want string
	}{
		{&Error{Message: "bad"}, "bad"},
		{&Error{Message: "bad", Field: "mobile"}, "mobile: bad"},
		{&Error{Message: "bad", Err: io.EOF}, "bad: EOF"},
		{&Error{Message: "bad", Field: "f", Err: io.EOF}, "f: bad: EOF"},
	}
	for _, tc := range cases {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestErrorConstructors(t *testing.T) {
	e := Errorf(ENotFound, "پیدا نشد.", "request %d not found", 42)
	if e.Code != ENotFound || e.Persian != "پیدا نشد." || e.Message != "request 42 not found" || e.Field != "" || e.Err != nil {
		t.Errorf("Errorf = %#v", e)
	}
	f := FieldError("mobile", "شماره همراه نادرست است.", "mobile %q bad", "x")
	if f.Code != EInvalid || f.Field != "mobile" || f.Message != `mobile "x" bad` || f.Persian == "" {
		t.Errorf("FieldError = %#v", f)
	}
	if WrapError(nil, EInternal, "x", "y") != nil {
		t.Error("WrapError(nil) != nil")
	}
	cause := errors.New("disk full")
	w := WrapError(cause, EInternal, "ذخیره نشد.", "save request %s", "r1")
	if !errors.Is(w, cause) {
		t.Error("WrapError loses its cause")
	}
	if w.Error() != "save request r1: disk full" {
		t.Errorf("WrapError.Error() = %q", w.Error())
	}
	if ErrorCode(w) != EInternal || PersianMessage(w) != "ذخیره نشد." {
		t.Errorf("WrapError code %q message %q", ErrorCode(w), PersianMessage(w))
	}
}

func TestErrorCode(t *testing.T) {
	if ErrorCode(nil) != "" {
		t.Error("nil error has a code")
	}
	if ErrorCode(errors.New("plain")) != EInternal {
		t.Error("plain error is not EInternal")
	}
	base := Errorf(ELocked, "روز بسته است.", "day closed")
	wrapped := fmt.Errorf("intake: %w", fmt.Errorf("store: %w", base))
	if ErrorCode(wrapped) != ELocked {
		t.Errorf("code through %%w = %q", ErrorCode(wrapped))
	}
	// The first *Error in the chain wins.
	outer := WrapError(base, EUnavailable, "", "printer")
	if ErrorCode(fmt.Errorf("x: %w", outer)) != EUnavailable {
		t.Errorf("outer code = %q", ErrorCode(outer))
	}
	// %v does not wrap: the code is lost, and that is EInternal.
	if ErrorCode(fmt.Errorf("x: %v", base)) != EInternal {
		t.Errorf("formatting with %%v kept the code")
	}
	joined := errors.Join(errors.New("a"), base)
	if ErrorCode(joined) != ELocked {
		t.Errorf("code through errors.Join = %q", ErrorCode(joined))
	}
}

func TestPersianMessage(t *testing.T) {
	if PersianMessage(nil) != "" {
		t.Error("nil has a message")
	}
	generic := PersianMessage(errors.New("boom"))
	if !hasPersianLetter(generic) {
		t.Fatalf("generic message %q", generic)
	}
	base := FieldError("national_code", "کد ملی درست نیست.", "bad")
	if got := PersianMessage(fmt.Errorf("intake: %w", fmt.Errorf("form: %w", base))); got != "کد ملی درست نیست." {
		t.Errorf("through %%w: %q", got)
	}
	// An *Error without a Persian message lets an inner one speak.
	silent := WrapError(base, EInvalid, "", "validate")
	if got := PersianMessage(fmt.Errorf("x: %w", silent)); got != "کد ملی درست نیست." {
		t.Errorf("through a silent *Error: %q", got)
	}
	// The outermost Persian message wins.
	loud := WrapError(base, EInvalid, "فرم ناقص است.", "validate")
	if got := PersianMessage(loud); got != "فرم ناقص است." {
		t.Errorf("outer message: %q", got)
	}
	// Silent all the way down: the generic message.
	if got := PersianMessage(WrapError(errors.New("io"), EInternal, "", "x")); got != generic {
		t.Errorf("silent chain: %q", got)
	}
	if got := PersianMessage(&Error{Code: EInternal}); got != generic {
		t.Errorf("empty *Error: %q", got)
	}
	if got := PersianMessage(errors.Join(errors.New("a"), base)); got != "کد ملی درست نیست." {
		t.Errorf("through errors.Join: %q", got)
	}
}

// Every error code is distinct; the CLI and logs rely on them.
func TestErrorCodesDistinct(t *testing.T) {
	codes := []string{EInvalid, ENotFound, EConflict, EState, EUnauthorized, ELimit, ELocked, EInternal, EUnavailable, ENotInit}
	seen := map[string]bool{}
	for _, c := range codes {
		if c == "" || seen[c] {
			t.Errorf("code %q empty or repeated", c)
		}
		seen[c] = true
	}
}

func TestDeskConfigCheck(t *testing.T) {
	good := DeskConfig{OfficeCode: 12345, OfficeName: "دفتر پیشخوان ۱۲", DeskNumber: 1}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []DeskConfig{
		{OfficeCode: 1, OfficeName: "x", DeskNumber: 99},
		{OfficeCode: 99999, OfficeName: "x", DeskNumber: 1},
	} {
		if err := c.Check(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	bad := map[string]DeskConfig{
		"office_code": {OfficeCode: 0, OfficeName: "x", DeskNumber: 1},
		"desk":        {OfficeCode: 1, OfficeName: "x", DeskNumber: 100},
		"office_name": {OfficeCode: 1, OfficeName: "  ", DeskNumber: 1},
	}
	for field, c := range bad {
		err := c.Check()
		wantCodeAndPersian(t, err, EInvalid)
		var e *Error
		if errors.As(err, &e) && e.Field != field {
			t.Errorf("%+v: field %q, want %q", c, e.Field, field)
		}
	}
	if (DeskConfig{OfficeCode: 100000, OfficeName: "x", DeskNumber: 1}).Check() == nil {
		t.Error("office 100000 accepted")
	}
	if (DeskConfig{OfficeCode: 1, OfficeName: "x", DeskNumber: 0}).Check() == nil {
		t.Error("desk 0 accepted")
	}
}

func TestDayClose(t *testing.T) {
	d := DayClose{Date: "1404/12/29", ExpectedCash: 1_000_000, CountedCash: 950_000, Reason: "یک اسکناس پاره", ClosedBy: "sara", ClosedAt: time.Now()}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	if d.Difference() != -50_000 {
		t.Errorf("Difference = %d", d.Difference())
	}
	bad := []DayClose{
		{Date: "1404/12/30", ClosedBy: "sara"},
		{Date: "", ClosedBy: "sara"},
		{Date: "1404/01/01", ClosedBy: ""},
		{Date: "1404/01/01", ClosedBy: "sara", CountedCash: -1},
		{Date: "1404/01/01", ClosedBy: "sara", ExpectedCash: -1},
		{Date: "1404/01/01", ClosedBy: "sara", CountedCard: -1, Reason: "x"},
		// A difference needs a reason.
		{Date: "1404/01/01", ClosedBy: "sara", ExpectedCash: 100, CountedCash: 90},
		{Date: "1404/01/01", ClosedBy: "sara", ExpectedCard: 100, CountedCard: 110, Reason: "  "},
	}
	for _, b := range bad {
		wantCodeAndPersian(t, b.Check(), EInvalid)
	}
	if s := d.String(); s != "day 1404/12/29: 0 requests, cash expected 1000000 counted 950000" {
		t.Errorf("String = %q", s)
	}
}
