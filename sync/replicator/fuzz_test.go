package replicator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/sync/exchange"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
)

// FuzzHostileExchange points the replicator at an exchange that answers
// one of its calls with arbitrary bytes and status. Whatever comes back,
// the replicator must not panic, must leave no request in sending, must
// never change a request that was not sent, and the desk's database must
// stay consistent.
func FuzzHostileExchange(f *testing.F) {
	valid := map[byte]string{
		0: `{"results":[{"id":"%ID%","status":"accepted"}]}`,
		1: `{"updates":[{"seq":1,"request_id":"%ID%","state":"done","note_fa":"انجام شد"}],"next":1}`,
		2: `{"base":1,"version":1}`,
	}
	for sel, body := range valid {
		f.Add(sel, 200, body)
	}
	f.Add(byte(0), 200, `{"results":[{"id":"%ID%","status":"duplicate","original":"rejected","reason_fa":"x"}]}`)
	f.Add(byte(0), 200, `{"results":[{"id":"%ID%","status":"accepted"},{"id":"%ID%","status":"accepted"}]}`)
	f.Add(byte(1), 200, `{"updates":[{"seq":2,"request_id":"%ID%","state":"refused","inquiries":[{"type_id":"iq-0001","state":"answered","answer":"\u0000"}]}],"next":2}`)
	f.Add(byte(1), 200, `{"updates":[],"next":-5,"more":true}`)
	f.Add(byte(2), 200, `{"base":1,"version":2,"deleted":{"sub_services":["ss-0012"]}}`)
	f.Add(byte(2), 200, `{"base":0,"version":3,"full":true}`)
	f.Add(byte(0), 413, `{"error":{"code":"too_large"}}`)
	f.Add(byte(0), 401, `{"error":{"code":"replayed"}}`)
	f.Add(byte(1), 503, `garbage`)

	r := newRig(f, exchangesim.Config{})
	ctx := context.Background()
	sent := r.file(1, "")[0] // sent and accepted by the real simulator before the fuzzing starts
	r.drain(fastConfig())
	fresh := r.file(3, "")
	ss, err := r.d.Store.SyncState(ctx)
	if err != nil {
		f.Fatal(err)
	}
	var sel atomic.Int32
	var status atomic.Int32
	var body atomic.Value
	paths := []string{exchange.PathBatch, exchange.PathUpdates, exchange.PathCatalog}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		if q.URL.Path == paths[sel.Load()] {
			w.WriteHeader(int(status.Load()))
			w.Write([]byte(body.Load().(string)))
			return
		}
		r.sim.ServeHTTP(w, q) // every other call gets the real exchange
	}))
	defer srv.Close()
	if err := r.d.Store.SetEnrolment(ctx, srv.URL, ss.KeyID, "tech"); err != nil {
		f.Fatal(err)
	}
	rep := r.replicator(fastConfig())
	catalog, err := r.d.Store.CatalogVersion(ctx)
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, which byte, code int, answer string) {
		r.t = t // the rig's helpers report to this input's test
		if code < 200 || code > 599 {
			code = 200 + (code%400+400)%400
		}
		sel.Store(int32(which % 3))
		status.Store(int32(code))
		id := fresh[0].ID.String()
		if which%2 == 1 {
			id = sent.ID.String()
		}
		body.Store(strings.ReplaceAll(answer, "%ID%", id))
		rep.Cycle(ctx) // any error is fine; what it leaves behind is what counts

		st := r.states()
		if st[pishkhan.StateSending] != 0 {
			t.Fatalf("requests left in sending: %v", st)
		}
		problems, err := r.d.Store.IntegrityReport(ctx)
		if err != nil || len(problems) > 0 {
			t.Fatalf("integrity: %v %v", problems, err)
		}
		for _, q := range append(fresh, sent) {
			got := r.request(q.ID)
			if got.TrackingCode != q.TrackingCode || got.GovFee != q.GovFee || got.CatalogVersion != q.CatalogVersion {
				t.Fatalf("request %s changed identity: %+v", q.TrackingCode, got)
			}
		}
		if v, err := r.d.Store.CatalogVersion(ctx); err != nil || v < catalog {
			t.Fatalf("catalog version went from %d to %d (%v)", catalog, v, err)
		}
		if n, err := r.d.Store.CatalogCounts(ctx); err != nil || n.SubServices == 0 {
			t.Fatalf("the catalog was emptied: %+v %v", n, err)
		}
	})
}
