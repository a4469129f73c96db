package exchangesim

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

func TestBatchAcceptDuplicateConflict(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	d := e.enrol(1234, 1)
	its := items(ids(2), 3)
	br, _, err := d.client.SubmitBatch(ctx, its)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range br.Results {
		if r.Status != exchange.ItemAccepted {
			t.Errorf("first send: %+v", r)
		}
	}
	// The same batch again: duplicates of what they got the first time.
	br, _, err = d.client.SubmitBatch(ctx, its)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range br.Results {
		if r.Status != exchange.ItemDuplicate || r.Original != exchange.ItemAccepted || r.Outcome() != exchange.ItemAccepted {
			t.Errorf("resend: %+v", r)
		}
	}
	// One item changed under the same id: a conflict, never an overwrite.
	changed := append([]exchange.Item(nil), its...)
	changed[1].FirstName = "زهرا"
	br, _, err = d.client.SubmitBatch(ctx, changed)
	if err != nil {
		t.Fatal(err)
	}
	if r := br.Results[1]; r.Status != exchange.ItemConflict || !r.Permanent || r.ReasonFa == "" {
		t.Errorf("changed body: %+v", r)
	}
	if br.Results[0].Status != exchange.ItemDuplicate || br.Results[2].Status != exchange.ItemDuplicate {
		t.Errorf("unchanged items beside a conflict: %+v", br.Results)
	}
	// The same id from another desk with the same body is still a duplicate.
	other := e.enrol(1234, 2)
	br, _, err = other.client.SubmitBatch(ctx, its[:1])
	if err != nil || br.Results[0].Status != exchange.ItemDuplicate {
		t.Errorf("same request from another desk: %+v, %v", br, err)
	}

	counts, err := e.sim.AcceptCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 3 {
		t.Errorf("accept log has %d ids, want 3", len(counts))
	}
	for _, it := range its {
		if counts[it.ID] != 1 {
			t.Errorf("%s stored %d times", it.ID, counts[it.ID])
		}
	}
	st, err := e.sim.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests != 3 || st.Accepted != 3 || st.AcceptLog != 3 || st.Duplicates != 6 || st.Conflicts != 1 || st.Batches != 4 {
		t.Errorf("stats %+v", st)
	}

	// A malformed batch is a 400 and stores nothing.
	bad := its[0]
	bad.ID = "not-a-uuid"
	_, _, err = d.client.SubmitBatch(ctx, []exchange.Item{bad})
	wantCode(t, err, http.StatusBadRequest, exchange.CodeBadRequest)
	call := sign(t, d.client.Signer, http.MethodPost, exchange.PathBatch, "", []byte(`{"items":[],"extra":1}`))
	if status, det, _ := e.send(call); status != http.StatusBadRequest || det.Code != exchange.CodeBadRequest {
		t.Errorf("batch with an unknown field: %d %+v", status, det)
	}
}

func TestBatchBusinessRules(t *testing.T) {
	e := newEnv(t, Config{CatalogVersion: 2})
	ctx := context.Background()
	d := e.enrol(1234, 1)
	next := ids(3)
	ch := democatalog.Changes(2)
	if len(ch.Retired) == 0 || len(ch.Raised) == 0 {
		t.Fatalf("version 2 changes nothing: %+v", ch)
	}
	retired, raised := subOf(t, 1, ch.Retired[0]), subOf(t, 1, ch.Raised[0])
	raised2 := subOf(t, 2, ch.Raised[0])
	if raised2.GovFee == raised.GovFee {
		t.Fatal("the raised fee did not rise")
	}
	plain := catalogOf(1).SubServices[0]

	type tc struct {
		name   string
		item   exchange.Item
		status string
		reason string // a part of the English reason
	}
	var cases []tc
	add := func(name string, it exchange.Item, status, reason string) {
		cases = append(cases, tc{name, it, status, reason})
	}
	add("valid", mkItem(next(), 1, plain, 1), exchange.ItemAccepted, "")
	valid2 := mkItem(next(), 2, raised2, 2)
	add("valid under the published version", valid2, exchange.ItemAccepted, "")

	badNC := mkItem(next(), 3, plain, 1)
	last := badNC.NationalCode[9] - '0'
	badNC.NationalCode = badNC.NationalCode[:9] + string(rune('0'+(last+1)%10))
	if _, err := pishkhan.ParseNationalCode(badNC.NationalCode); err == nil {
		t.Fatal("the bad national code is valid")
	}
	add("national code check digit", badNC, exchange.ItemRejected, "national code")

	ahead := mkItem(next(), 4, plain, 3)
	add("catalog version ahead of the published one", ahead, exchange.ItemRejected, "newer than the published")

	gone := mkItem(next(), 5, retired, 2)
	add("sub-service absent from its own version", gone, exchange.ItemRejected, "is not in catalog version 2")

	add("sub-service retired later is honoured", mkItem(next(), 6, retired, 1), exchange.ItemAccepted, "")
	add("fee raised later is honoured", mkItem(next(), 7, raised, 1), exchange.ItemAccepted, "")

	oldFee := mkItem(next(), 8, raised, 2) // version 2 with version 1's fee
	add("old fee under the new version", oldFee, exchange.ItemRejected, "fees")

	counter := mkItem(next(), 9, plain, 1)
	counter.CounterFee += 1000
	counter.Payment.Amount += 1000
	add("counter fee", counter, exchange.ItemRejected, "fees")

	unknown := mkItem(next(), 10, plain, 1)
	unknown.SubServiceID = "ss-9999"
	add("unknown sub-service", unknown, exchange.ItemRejected, "is not in catalog version 1")

	inq := mkItem(next(), 11, plain, 1)
	inq.Inquiries = append(append([]string(nil), inq.Inquiries...), "iq-zzzz")
	add("inquiry not of the sub-service", inq, exchange.ItemRejected, "inquiry")

	its := make([]exchange.Item, len(cases))
	for i, c := range cases {
		its[i] = c.item
	}
	br, _, err := d.client.SubmitBatch(ctx, its)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		r := br.Results[i]
		if r.Status != c.status || !strings.Contains(r.Reason, c.reason) {
			t.Errorf("%s: %+v, want %s with %q", c.name, r, c.status, c.reason)
		}
		if r.Status == exchange.ItemRejected && (!r.Permanent || !persianText(r.ReasonFa)) {
			t.Errorf("%s: rejection without a Persian reason or not permanent: %+v", c.name, r)
		}
	}
	// A rejection is stored: the resend is a duplicate with the same reason.
	again, _, err := d.client.SubmitBatch(ctx, its)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range again.Results {
		first := br.Results[i]
		if r.Status != exchange.ItemDuplicate || r.Original != first.Status || r.Reason != first.Reason || r.ReasonFa != first.ReasonFa {
			t.Errorf("%s resent: %+v, first %+v", cases[i].name, r, first)
		}
	}
	st, err := e.sim.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Accepted != 4 || st.Rejected != int64(len(cases)-4) || st.AcceptLog != int64(len(cases)) {
		t.Errorf("stats %+v", st)
	}
}

// persianText reports whether s has Arabic-script letters.
func persianText(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return true
		}
	}
	return false
}
