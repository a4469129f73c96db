package pishkhan

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// arabicLetters are the Arabic yeh, alef maksura and kaf; Persian text uses
// ی (U+06CC) and ک (U+06A9) instead.
const arabicLetters = "\u064a\u0649\u0643"

func TestStatePersianNames(t *testing.T) {
	want := map[RequestState]string{
		StateQueued:      "در صف ارسال",
		StateSending:     "در حال ارسال",
		StateAccepted:    "پذیرفته\u200cشده",
		StateRejected:    "ردشده در مرکز تبادل",
		StateConflict:    "ناسازگار با نسخه ثبت\u200cشده",
		StateInProgress:  "در حال رسیدگی",
		StateNeedsAction: "نیازمند اقدام",
		StateDone:        "انجام\u200cشده",
		StateRefused:     "ردشده از سوی دستگاه",
	}
	for _, s := range AllStates {
		if got := s.Persian(); got != want[s] {
			t.Errorf("%s.Persian() = %q, want %q", s, got, want[s])
		}
	}
}

// Every Persian message a clerk sees for a state, a role or a transition is
// written with Persian ی and ک, never Arabic ي, ى or ك.
func TestPersianMessagesUsePersianLetters(t *testing.T) {
	var msgs []string
	for _, s := range AllStates {
		msgs = append(msgs, s.Persian())
		for _, to := range AllStates {
			msgs = append(msgs, PersianMessage(CheckTransition(s, to)))
		}
	}
	for _, r := range []Role{RoleClerk, RoleSupervisor, RoleTechnician} {
		msgs = append(msgs, r.Persian())
	}
	_, err := ParseRole("x")
	msgs = append(msgs, PersianMessage(err), PersianMessage(CheckUsername("X")),
		PersianMessage(Payment{Method: PayCash, Amount: 1}.Validate(6300000)))
	_, _, err = ParseTrackingCode("123456789012345678", 1405)
	msgs = append(msgs, PersianMessage(err))
	for _, m := range msgs {
		if strings.ContainsAny(m, arabicLetters) {
			t.Errorf("Persian message %q has an Arabic yeh or kaf", m)
		}
	}
}

// No string literal in the domain's source is typed with Arabic ي, ى or ك; the
// few places that map them spell them as \u escapes, on purpose.
func TestSourceStringsUsePersianLetters(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && (lit.Kind == token.STRING || lit.Kind == token.CHAR) {
				if strings.ContainsAny(lit.Value, arabicLetters) {
					t.Errorf("%s: literal %s has an Arabic yeh or kaf", fset.Position(lit.Pos()), lit.Value)
				}
			}
			return true
		})
	}
}

func TestCheckTransitionMessage(t *testing.T) {
	err := CheckTransition(StateDone, StateQueued)
	want := "تغییر وضعیت درخواست از «انجام\u200cشده» به «در صف ارسال» مجاز نیست."
	if got := PersianMessage(err); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestTrackingCheckDigitMessage(t *testing.T) {
	code, err := NewTrackingCode(TrackingParts{Office: 12345, Desk: 1, Year: 1405, Month: 9, Day: 7, Seq: 42})
	if err != nil {
		t.Fatal(err)
	}
	bad := string(code[:17]) + string('0'+(code[17]-'0'+1)%10)
	_, _, err = ParseTrackingCode(bad, 1405)
	want := "کد رهگیری درست نیست؛ احتمالاً یک رقم اشتباه یا جابه\u200cجا وارد شده است."
	if got := PersianMessage(err); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestCheckUsernameMessageMentionsUnderscore(t *testing.T) {
	msg := PersianMessage(CheckUsername("Ali"))
	if !strings.Contains(msg, "نقطه، خط تیره یا زیرخط") {
		t.Errorf("message %q should list dot, dash and underscore", msg)
	}
}

func TestPersianAmount(t *testing.T) {
	cases := map[Rials]string{
		0:             "۰",
		7:             "۷",
		999:           "۹۹۹",
		1000:          "۱٬۰۰۰",
		6300000:       "۶٬۳۰۰٬۰۰۰",
		-1500:         "\u200e\u2212۱٬۵۰۰",
		-999:          "\u200e\u2212۹۹۹",
		MaxFee:        "۱٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰",
		math.MaxInt64: "۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۷",
		math.MinInt64: "\u200e\u2212۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۸",
	}
	for in, want := range cases {
		if got := persianAmount(in); got != want {
			t.Errorf("persianAmount(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestPaymentMessageGroupsAmount(t *testing.T) {
	err := Payment{Method: PayCash, Amount: 6000000}.Validate(6300000)
	if msg := PersianMessage(err); !strings.Contains(msg, "(۶٬۳۰۰٬۰۰۰ ریال)") {
		t.Errorf("message %q should give the amount due as ۶٬۳۰۰٬۰۰۰ ریال", msg)
	}
}
