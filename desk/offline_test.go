package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
)

func TestOfflineLimits(t *testing.T) {
	d, c := readyDesk(t)
	ctx := context.Background()
	limits := pishkhan.OfflineLimits{WarnAfter: 4 * time.Hour, RefuseAfter: 8 * time.Hour}
	if err := d.SetOfflineLimits(ctx, limits, as(t, d, "tech")); err != nil {
		t.Fatal(err)
	}
	first, err := d.Intake(ctx, passInput(nationalCode(t, "001234567")))
	if err != nil {
		t.Fatal(err)
	}
	level := func() pishkhan.OfflineLevel {
		t.Helper()
		r, err := d.SyncStatus(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		return r.Level
	}
	if l := level(); l != pishkhan.OfflineOK {
		t.Fatalf("fresh request: level %v", l)
	}

	// Past the warning threshold intake still works, and the level says warn.
	c.advance(4*time.Hour + time.Minute)
	if l := level(); l != pishkhan.OfflineWarn {
		t.Errorf("after 4h01m: level %v, want warn", l)
	}
	second, err := d.Intake(ctx, passInput(nationalCode(t, "052417893")))
	if err != nil {
		t.Fatalf("intake in the warning zone: %v", err)
	}

	// Past the hard limit a new intake is refused, with nothing written.
	c.advance(4 * time.Hour)
	if l := level(); l != pishkhan.OfflineRefuse {
		t.Errorf("after 8h01m: level %v, want refuse", l)
	}
	before := counts(t, d)
	_, err = d.Intake(ctx, passInput(nationalCode(t, "274615390")))
	expectCode(t, err, pishkhan.ELimit, "")
	if msg := pishkhan.PersianMessage(err); !strings.Contains(msg, "۸ ساعت") || !strings.Contains(msg, "پذیرش درخواست تازه") {
		t.Errorf("Persian message %q should name the limit and what is refused", msg)
	}
	unchanged(t, before, counts(t, d))

	// A retry of a request already filed (same id) still gets its answer.
	retry := passInput(nationalCode(t, "052417893"))
	retry.ID = second.ID.String()
	if r, err := d.Intake(ctx, retry); err != nil || r.TrackingCode != second.TrackingCode {
		t.Errorf("retry of a filed request past the limit: %v", err)
	}

	// Once the outbox drains, intake works again.
	claimed, err := d.Store.ClaimOutbox(ctx, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %d, %v", len(claimed), err)
	}
	if err := d.Store.ApplySendOutcomes(ctx, []pishkhan.SendOutcome{{ID: first.ID, State: pishkhan.StateAccepted},
		{ID: second.ID, State: pishkhan.StateAccepted}}, "sync"); err != nil {
		t.Fatal(err)
	}
	if l := level(); l != pishkhan.OfflineOK {
		t.Errorf("drained: level %v", l)
	}
	if _, err := d.Intake(ctx, passInput(nationalCode(t, "274615390"))); err != nil {
		t.Errorf("intake after the outbox drained: %v", err)
	}
}

func TestOfflineLimitsChecked(t *testing.T) {
	d, _ := readyDesk(t)
	ctx := context.Background()
	for _, l := range []pishkhan.OfflineLimits{{}, {WarnAfter: time.Hour, RefuseAfter: time.Hour}, {WarnAfter: 30 * time.Second, RefuseAfter: time.Hour}} {
		expectCode(t, d.SetOfflineLimits(ctx, l, as(t, d, "tech")), pishkhan.EInvalid, "")
	}
}

func TestPersianDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:                  "کمتر از یک دقیقه",
		25 * time.Minute:                  "۲۵ دقیقه",
		2*time.Hour + 5*time.Minute:       "۲ ساعت و ۵ دقیقه",
		72 * time.Hour:                    "۳ روز",
		3*24*time.Hour + 4*time.Hour + 59: "۳ روز و ۴ ساعت",
	} {
		if got := desk.PersianDuration(d); got != want {
			t.Errorf("PersianDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
