package exchangesim

import (
	"context"
	"net/http"
	"testing"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

func TestDayClose(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	a, b := e.enrol(1234, 1), e.enrol(1234, 2)
	dc := exchange.DayClose{Day: "1404/01/01", Requests: 12, ExpectedCash: 1_500_000, CountedCash: 1_500_000,
		CardTotal: 300_000, ClosedBy: "supervisor", ClosedAt: t0, Note: "بدون مغایرت"}
	check := func(d *desk, dc exchange.DayClose, want string) {
		t.Helper()
		resp, err := d.client.UploadDayClose(ctx, dc)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != want {
			t.Errorf("day close %s by desk %d: %+v, want %s", dc.Day, d.number, resp, want)
		}
	}
	check(a, dc, exchange.ItemAccepted)
	check(a, dc, exchange.ItemDuplicate)
	other := dc
	other.CountedCash = 1_400_000
	check(a, other, exchange.ItemConflict)
	check(b, other, exchange.ItemAccepted) // another desk's day
	next := dc
	next.Day = "1404/01/02"
	check(a, next, exchange.ItemAccepted)
	st, err := e.sim.Stats(ctx)
	if err != nil || st.DayCloses != 3 {
		t.Errorf("day closes stored: %+v, %v", st, err)
	}

	bad := dc
	bad.ClosedBy = ""
	_, err = a.client.UploadDayClose(ctx, bad)
	wantCode(t, err, http.StatusBadRequest, exchange.CodeBadRequest)
}
