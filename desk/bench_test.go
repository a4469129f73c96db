package desk_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
)

// This file holds the desk-level benchmarks and the helpers that
// crash_test.go shares with them (crash_test.go is unix-only; these are not).

// benchClerk is the user name of the clerk that benchmarks and the crash test file under.
const benchClerk = "clerk1"

// benchPINCost is a cheap argon2id cost: PIN hashing is not what these measure.
var benchPINCost = pishkhan.Argon2idParams{Memory: 1024, Time: 1, Threads: 1}

// benchSetupDesk opens a desk in dir and sets it up as its first run does
// (office and desk, cat, the supervisor boss), then boss adds benchClerk:
// four audit entries (desk.init, catalog.import, user.add twice).
func benchSetupDesk(tb testing.TB, dir string, cat *pishkhan.Catalog) *desk.Desk {
	tb.Helper()
	ctx := context.Background()
	d, err := desk.Open(ctx, dir, nil)
	if err != nil {
		tb.Fatal(err)
	}
	d.PINCost = benchPINCost // desk.Open sets the (slow) default
	boss, err := d.FirstRun(ctx, desk.FirstRunInput{
		Desk:       desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر پیشخوان آزمون", DeskNumber: "1"},
		Supervisor: desk.AddUserInput{Username: "boss", FullName: "مدیر آزمون", PIN: pins["boss"]},
		Catalog:    cat,
	})
	if err != nil {
		d.Close()
		tb.Fatal(err)
	}
	if _, err := d.AddUser(ctx, desk.AddUserInput{Username: benchClerk, FullName: "اپراتور آزمون", Role: "clerk", PIN: "1357"}, boss); err != nil {
		d.Close()
		tb.Fatal(err)
	}
	return d
}

// benchFormValues fills every field of ss with a valid value, or reports false.
func benchFormValues(ss pishkhan.SubService) (map[string]string, bool) {
	return democatalog.SampleForm(ss, "0012345679")
}

// benchPick is a sub-service that a benchmark or the crash test files, with
// a valid form for it.
type benchPick struct {
	SubService pishkhan.SubService
	Form       map[string]string
}

// benchPickSubServices picks up to perKind fillable sub-services of each
// kind: no inquiries, 1–20 inquiries, and more than 20 (licence services),
// real ones first because they come first in the catalog.
func benchPickSubServices(cat *pishkhan.Catalog, perKind int) []benchPick {
	var zero, some, many []benchPick
	for _, ss := range cat.SubServices {
		form, ok := benchFormValues(ss)
		if !ok {
			continue
		}
		p := benchPick{SubService: ss, Form: form}
		switch n := len(ss.Inquiries); {
		case n == 0 && len(zero) < perKind:
			zero = append(zero, p)
		case n > 0 && n <= 20 && len(some) < perKind:
			some = append(some, p)
		case n > 20 && len(many) < perKind:
			many = append(many, p)
		}
	}
	return append(append(zero, some...), many...)
}

// benchNationalCode returns a valid national code that differs with i.
func benchNationalCode(i int) string {
	nc, err := pishkhan.CompleteNationalCode(fmt.Sprintf("%09d", 100000000+(i*7919)%800000000))
	if err != nil { // an all-equal prefix; cannot happen for these numbers, but stay valid
		return "0012345679"
	}
	return string(nc)
}

// benchIntakeInput builds the i-th walk-in for p, paying by card when card is set.
func benchIntakeInput(p benchPick, i int, card bool) desk.IntakeInput {
	in := desk.IntakeInput{NationalCode: benchNationalCode(i), FirstName: "مریم", LastName: "احمدی",
		SubServiceID: p.SubService.ID, Fields: p.Form, PayMethod: "cash", Clerk: benchClerk}
	if card {
		in.PayMethod, in.TerminalRef = "card", fmt.Sprintf("%012d", 100000+i)
	}
	return in
}

// benchDayClock returns a clock that moves one day ahead every perDay calls
// of next, so long runs stay under pishkhan.MaxDailySequence intakes a day.
func benchDayClock(perDay int) (now func() time.Time, next func()) {
	n := 0
	now = func() time.Time { return time.Now().Add(time.Duration(n/perDay) * 24 * time.Hour) }
	next = func() { n++ }
	return now, next
}

// benchReportPercentiles adds p50 and p99 of samples (in ms) to b's metrics.
func benchReportPercentiles(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	s := append([]time.Duration(nil), samples...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1 // nearest rank
		i = max(0, min(i, len(s)-1))
		return float64(s[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkDeskIntake measures desk.Intake end to end (validation, catalog
// read and the one-transaction commit) over the demo catalog, cycling
// through sub-services with no, some and more than 20 inquiries.
func BenchmarkDeskIntake(b *testing.B) {
	ctx := context.Background()
	cat := democatalog.Version1()
	d := benchSetupDesk(b, b.TempDir(), cat)
	defer d.Close()
	picks := benchPickSubServices(cat, 4)
	if len(picks) == 0 {
		b.Fatal("no fillable sub-service in the demo catalog")
	}
	now, next := benchDayClock(9000)
	d.Store.Now = now
	var samples []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := d.Intake(ctx, benchIntakeInput(picks[i%len(picks)], i, i%2 == 1)); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
		next()
	}
	benchReportPercentiles(b, samples)
}

// BenchmarkDeskSearchCatalog measures desk.SearchCatalog over the 2,094
// sub-services of the demo catalog with a few typical queries.
func BenchmarkDeskSearchCatalog(b *testing.B) {
	ctx := context.Background()
	d := benchSetupDesk(b, b.TempDir(), democatalog.Version1())
	defer d.Close()
	queries := []string{"گذرنامه", "تمديد گواهينامه", "کارت\u200cسوخت", "نمونه ۱۲", "پروانه كسب", "ss-0001", "المثنی"}
	var samples []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := d.SearchCatalog(ctx, queries[i%len(queries)], 20); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
	}
	benchReportPercentiles(b, samples)
}
