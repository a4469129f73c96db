package exchange_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// fakeExchange is a tiny exchange on a loopback port: it checks every
// signature with exchange.Verify, the clock window and the nonces as the
// contract says, and answers each endpoint from canned data.
type fakeExchange struct {
	t    *testing.T
	URL  string
	skew time.Duration // the exchange's clock minus the real one

	mu       sync.Mutex
	codes    map[string][2]int // one-time code → office, desk
	keys     map[string]ed25519.PublicKey
	deskOf   map[string][2]int
	revoked  map[string]bool
	nonces   map[string]bool
	calls    []fakeCall
	answers  map[string]exchange.ItemResult // by item id; accepted when absent
	got      []exchange.Item                // items received
	updates  []exchange.Update
	closes   map[string]exchange.DayClose
	scramble bool // answer batches in the wrong order
}

type fakeCall struct {
	Method, Path, Query, KeyID, Nonce string
	Signed                            bool
	Status                            int
	Code                              string
}

func newFakeExchange(t *testing.T) *fakeExchange {
	f := &fakeExchange{t: t, codes: map[string][2]int{}, keys: map[string]ed25519.PublicKey{}, deskOf: map[string][2]int{},
		revoked: map[string]bool{}, nonces: map[string]bool{}, answers: map[string]exchange.ItemResult{}, closes: map[string]exchange.DayClose{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *fakeExchange) callLog() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeCall(nil), f.calls...)
}

func (f *fakeExchange) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now().Add(f.skew)
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	call := fakeCall{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Signed: r.Header.Get(exchange.HeaderSig) != ""}
	defer func() { f.calls = append(f.calls, call) }()
	answer := func(status int, v any) {
		call.Status = status
		w.Header().Set("Content-Type", "application/json")
		b, err := json.Marshal(v)
		if err != nil {
			f.t.Error(err)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(status)
		w.Write(b)
	}
	fail := func(status int, code, format string, a ...any) {
		call.Code = code
		answer(status, exchange.ErrorBody{Error: exchange.ErrorDetail{Code: code, Message: fmt.Sprintf(format, a...), MessageFa: "خطا"}})
	}
	want := map[string]string{exchange.PathHealth: "GET", exchange.PathEnrol: "POST", exchange.PathBatch: "POST",
		exchange.PathUpdates: "GET", exchange.PathCatalog: "GET", exchange.PathDayCloses: "POST"}
	if m, ok := want[r.URL.Path]; !ok || m != r.Method {
		fail(http.StatusNotFound, exchange.CodeBadRequest, "no %s %s", r.Method, r.URL.Path)
		return
	}
	if r.Header.Get("Accept") != "application/json" {
		fail(http.StatusBadRequest, exchange.CodeBadRequest, "Accept %q", r.Header.Get("Accept"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, exchange.MaxRequestBytes+1))
	if err != nil || len(body) > exchange.MaxRequestBytes {
		fail(http.StatusRequestEntityTooLarge, exchange.CodeTooLarge, "body: %v", err)
		return
	}
	if r.Method == "POST" && r.Header.Get("Content-Type") != "application/json" {
		fail(http.StatusBadRequest, exchange.CodeBadRequest, "Content-Type %q", r.Header.Get("Content-Type"))
		return
	}
	if r.URL.Path == exchange.PathHealth {
		if call.Signed || len(body) > 0 {
			fail(http.StatusBadRequest, exchange.CodeBadRequest, "health is unsigned and has no body")
			return
		}
		answer(http.StatusOK, exchange.Health{Status: "ok", APIVersion: exchange.APIVersion, ServerTime: now.UTC(), CatalogVersion: 2})
		return
	}

	// Authentication, in the order of the contract.
	var pub ed25519.PublicKey
	var enrol exchange.EnrolRequest
	if r.URL.Path == exchange.PathEnrol {
		if enrol, err = exchange.DecodeEnrolRequest(bytes.NewReader(body)); err != nil {
			fail(http.StatusBadRequest, exchange.CodeBadRequest, "%v", err)
			return
		}
		pub = enrol.PublicKey
	} else {
		keyID, err := exchange.KeyIDOf(r)
		if err != nil {
			fail(http.StatusUnauthorized, exchange.CodeBadSignature, "%v", err)
			return
		}
		if pub = f.keys[keyID]; pub == nil {
			fail(http.StatusUnauthorized, exchange.CodeUnknownKey, "key %s", keyID)
			return
		}
	}
	v, err := exchange.Verify(r, body, pub)
	if err != nil {
		var ve *exchange.VerifyError
		if !errors.As(err, &ve) {
			f.t.Errorf("Verify gave %T %v", err, err)
			return
		}
		fail(http.StatusUnauthorized, ve.Code, "%s", ve.Reason)
		return
	}
	call.KeyID, call.Nonce = v.KeyID, v.Nonce
	if (r.URL.Path == exchange.PathEnrol) != (v.KeyID == exchange.EnrolKeyID) {
		fail(http.StatusUnauthorized, exchange.CodeBadSignature, "keyid %q on %s", v.KeyID, r.URL.Path)
		return
	}
	if f.revoked[v.KeyID] {
		fail(http.StatusForbidden, exchange.CodeRevoked, "key %s revoked", v.KeyID)
		return
	}
	if err := exchange.CheckFreshness(v, now); err != nil {
		fail(http.StatusUnauthorized, exchange.CodeBadSignature, "%v", err)
		return
	}
	if f.nonces[v.KeyID+" "+v.Nonce] {
		fail(http.StatusUnauthorized, exchange.CodeReplayed, "nonce %s", v.Nonce)
		return
	}
	f.nonces[v.KeyID+" "+v.Nonce] = true

	switch r.URL.Path {
	case exchange.PathEnrol:
		desk, ok := f.codes[enrol.OneTimeCode]
		if !ok || desk != [2]int{enrol.OfficeCode, enrol.DeskNumber} {
			fail(http.StatusForbidden, exchange.CodeBadEnrolCode, "code")
			return
		}
		delete(f.codes, enrol.OneTimeCode)
		n := 1
		for id, d := range f.deskOf {
			if d == desk {
				f.revoked[id] = true
				n++
			}
		}
		id := fmt.Sprintf("k-%d-%d-%d", desk[0], desk[1], n)
		f.keys[id], f.deskOf[id] = pub, desk
		answer(http.StatusOK, exchange.EnrolResponse{KeyID: id, OfficeCode: desk[0], DeskNumber: desk[1], ServerTime: now.UTC(), CatalogVersion: 2})
	case exchange.PathBatch:
		b, err := exchange.DecodeBatchRequest(bytes.NewReader(body))
		if err != nil {
			fail(http.StatusBadRequest, exchange.CodeBadRequest, "%v", err)
			return
		}
		f.got = append(f.got, b.Items...)
		res := make([]exchange.ItemResult, len(b.Items))
		for i, it := range b.Items {
			res[i] = exchange.ItemResult{ID: it.ID, Status: exchange.ItemAccepted}
			if a, ok := f.answers[it.ID]; ok {
				res[i] = a
			}
		}
		if f.scramble && len(res) > 1 {
			res[0], res[1] = res[1], res[0]
		}
		answer(http.StatusOK, exchange.BatchResponse{Results: res})
	case exchange.PathUpdates:
		q := r.URL.Query()
		after, err1 := strconv.ParseInt(q.Get("after"), 10, 64)
		limit, err2 := strconv.Atoi(q.Get("limit"))
		if err1 != nil || err2 != nil || limit < 1 {
			fail(http.StatusBadRequest, exchange.CodeBadRequest, "query %q", r.URL.RawQuery)
			return
		}
		out := exchange.UpdatesResponse{Updates: []exchange.Update{}, Next: after}
		for _, u := range f.updates {
			if u.Seq <= after {
				continue
			}
			if len(out.Updates) == limit {
				out.More = true
				break
			}
			out.Updates = append(out.Updates, u)
			out.Next = u.Seq
		}
		answer(http.StatusOK, out)
	case exchange.PathCatalog:
		since, err := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
		switch {
		case err != nil:
			fail(http.StatusBadRequest, exchange.CodeBadRequest, "since")
		case since == 0:
			c := democatalog.Generate(2)
			answer(http.StatusOK, exchange.CatalogDelta{Version: 2, Full: true, Agencies: c.Agencies, Services: c.Services,
				SubServices: c.SubServices, InquiryTypes: c.InquiryTypes})
		case since == 1:
			answer(http.StatusOK, deltaFromChanges(f.t, 2))
		case since == 2:
			answer(http.StatusOK, exchange.CatalogDelta{Base: 2, Version: 2})
		default:
			fail(http.StatusBadRequest, exchange.CodeStaleCatalog, "the desk is ahead")
		}
	case exchange.PathDayCloses:
		dc, err := exchange.DecodeDayClose(bytes.NewReader(body))
		if err != nil {
			fail(http.StatusBadRequest, exchange.CodeBadRequest, "%v", err)
			return
		}
		key := fmt.Sprint(f.deskOf[v.KeyID], dc.Day)
		old, seen := f.closes[key]
		switch {
		case !seen:
			f.closes[key] = dc
			answer(http.StatusOK, exchange.DayCloseResponse{Status: exchange.ItemAccepted})
		case normal(f.t, old) == normal(f.t, dc):
			answer(http.StatusOK, exchange.DayCloseResponse{Status: exchange.ItemDuplicate})
		default:
			answer(http.StatusOK, exchange.DayCloseResponse{Status: exchange.ItemConflict, Reason: "closed with other figures"})
		}
	}
}

func TestClientAgainstAVerifyingExchange(t *testing.T) {
	f := newFakeExchange(t)
	f.codes["48213377"] = [2]int{12345, 3}
	f.codes["55550001"] = [2]int{12345, 3}
	ctx := context.Background()
	c := &exchange.Client{BaseURL: f.URL + "/"}

	h, err := c.Health(ctx)
	if err != nil || h.Status != "ok" || h.CatalogVersion != 2 {
		t.Fatalf("health: %+v %v", h, err)
	}
	if calls := f.callLog(); len(calls) != 1 || calls[0].Signed {
		t.Fatalf("health went out as %+v; it is unsigned", calls)
	}

	// Not enrolled: nothing is sent.
	items := []exchange.Item{goodItem(fuzzIDs[0]), goodItem(fuzzIDs[1]), goodItem(fuzzIDs[2])}
	if _, _, err := c.SubmitBatch(ctx, items); err == nil || !strings.Contains(err.Error(), "not enrolled") {
		t.Errorf("a batch without a key: %v", err)
	}
	if _, err := c.Updates(ctx, 0, 10); err == nil {
		t.Error("updates without a key")
	}
	if _, err := c.Enrol(ctx, 12345, 3, "48213377", nil); err == nil {
		t.Error("enrolled without a key")
	}
	if n := len(f.callLog()); n != 1 {
		t.Fatalf("%d calls reached the exchange without a key", n)
	}

	// Enrolment: a wrong code is an identity refusal; the right one gives a key id.
	key := newKey(t)
	_, err = c.Enrol(ctx, 12345, 3, "00000000", key)
	var he *exchange.HTTPError
	if !errors.As(err, &he) || he.Status != 403 || he.Detail.Code != exchange.CodeBadEnrolCode || !he.Auth() || he.Temporary() {
		t.Fatalf("a wrong code: %v", err)
	}
	er, err := c.Enrol(ctx, 12345, 3, "48213377", key)
	if err != nil || er.KeyID != "k-12345-3-1" || er.OfficeCode != 12345 || er.DeskNumber != 3 {
		t.Fatalf("enrol: %+v %v", er, err)
	}
	if last := f.callLog()[len(f.callLog())-1]; last.KeyID != exchange.EnrolKeyID || !last.Signed {
		t.Errorf("the enrolment went out as %+v", last)
	}
	c.Signer = &exchange.Signer{KeyID: er.KeyID, Key: key}

	// A batch: one result per item, in order, as the exchange said.
	f.answers[fuzzIDs[1]] = exchange.ItemResult{ID: fuzzIDs[1], Status: exchange.ItemDuplicate, Original: exchange.ItemRejected,
		Reason: "invalid national code", ReasonFa: "کد ملی معتبر نیست."}
	f.answers[fuzzIDs[2]] = exchange.ItemResult{ID: fuzzIDs[2], Status: exchange.ItemDeferred}
	br, size, err := c.SubmitBatch(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(exchange.BatchRequest{Items: items})
	if size != len(want) {
		t.Errorf("batch size %d, want %d", size, len(want))
	}
	var outcomes []string
	for _, r := range br.Results {
		outcomes = append(outcomes, r.Outcome())
	}
	if fmt.Sprint(outcomes) != "[accepted rejected deferred]" || br.Results[1].ReasonFa != "کد ملی معتبر نیست." {
		t.Errorf("batch results %+v", br.Results)
	}
	if normal(t, f.got) != normal(t, items) {
		t.Error("the exchange received other items than the desk sent")
	}

	// Updates: the cursor and the limit travel in the query.
	for i := range 3 {
		f.updates = append(f.updates, exchange.Update{Seq: int64(10 * (i + 1)), RequestID: fuzzIDs[i], State: "in_progress",
			NoteFa: "رسیدگی آغاز شد.", At: time.Now().UTC(), Inquiries: []exchange.InquiryResult{{TypeID: "iq-0007", State: "pending"}}})
	}
	up, err := c.Updates(ctx, 0, 2)
	if err != nil || len(up.Updates) != 2 || up.Next != 20 || !up.More {
		t.Fatalf("first page: %+v %v", up, err)
	}
	up, err = c.Updates(ctx, up.Next, 100)
	if err != nil || len(up.Updates) != 1 || up.Next != 30 || up.More {
		t.Fatalf("second page: %+v %v", up, err)
	}
	if up, err = c.Updates(ctx, 30, 100); err != nil || len(up.Updates) != 0 || up.Next != 30 {
		t.Fatalf("nothing new: %+v %v", up, err)
	}
	var queries []string
	for _, call := range f.callLog() {
		if call.Path == exchange.PathUpdates {
			queries = append(queries, call.Query)
		}
	}
	if fmt.Sprint(queries) != "[after=0&limit=2 after=20&limit=100 after=30&limit=100]" {
		t.Errorf("updates queries %v", queries)
	}

	// The catalog: whole, as a delta, unchanged, and a desk that is ahead.
	var lastRead, total int64
	full, err := c.Catalog(ctx, 0, func(read, tot int64) { lastRead, total = read, tot })
	if err != nil || !full.Full {
		t.Fatalf("full catalog: %v", err)
	}
	if lastRead != total || total < 1<<20 {
		t.Errorf("progress ended at %d of %d", lastRead, total)
	}
	if cat, err := full.Apply(nil); err != nil || normal(t, cat) != normal(t, democatalog.Generate(2)) {
		t.Errorf("the full catalog applied: %v", err)
	}
	delta, err := c.Catalog(ctx, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cat, err := delta.Apply(democatalog.Generate(1)); err != nil || normal(t, cat) != normal(t, democatalog.Generate(2)) {
		t.Errorf("the delta applied to version 1: %v", err)
	}
	if same, err := c.Catalog(ctx, 2, nil); err != nil || same.Base != 2 || same.Version != 2 {
		t.Errorf("unchanged: %+v %v", same, err)
	}
	_, err = c.Catalog(ctx, 9, nil)
	if !errors.As(err, &he) || he.Status != 400 || he.Detail.Code != exchange.CodeStaleCatalog || he.Auth() || he.Temporary() || he.TooLarge() {
		t.Errorf("a desk ahead of the exchange: %v", err)
	}

	// Day close: accepted, the same again, other figures.
	dc := exchange.DayClose{Day: "1405/09/07", Requests: 3, ExpectedCash: 120_000, CountedCash: 120_000, ClosedBy: "modir", ClosedAt: time.Now().UTC()}
	for i, wantStatus := range []string{exchange.ItemAccepted, exchange.ItemDuplicate, exchange.ItemConflict} {
		if i == 2 {
			dc.CountedCash -= 10_000
		}
		r, err := c.UploadDayClose(ctx, dc)
		if err != nil || r.Status != wantStatus {
			t.Errorf("day close #%d: %+v %v, want %s", i+1, r, err, wantStatus)
		}
	}

	// A malformed answer is an error of its own, not an HTTPError.
	f.mu.Lock()
	f.scramble = true
	f.mu.Unlock()
	if _, _, err := c.SubmitBatch(ctx, items[:2]); err == nil || errors.As(err, &he) {
		t.Errorf("results out of order: %v", err)
	}

	// Every signed call carried a fresh nonce and the desk's key id.
	nonces := map[string]bool{}
	for _, call := range f.callLog() {
		if call.Code == exchange.CodeReplayed || (call.Signed && call.Nonce == "" && call.Code == "") {
			t.Errorf("call %+v", call)
		}
		if call.Nonce != "" {
			if nonces[call.Nonce] {
				t.Errorf("nonce %s used twice", call.Nonce)
			}
			nonces[call.Nonce] = true
		}
	}

	// Enrolling again revokes the old key: the old client is refused for good.
	key2 := newKey(t)
	er2, err := (&exchange.Client{BaseURL: f.URL}).Enrol(ctx, 12345, 3, "55550001", key2)
	if err != nil || er2.KeyID != "k-12345-3-2" {
		t.Fatalf("enrol again: %+v %v", er2, err)
	}
	_, err = c.Updates(ctx, 0, 10)
	if !errors.As(err, &he) || he.Status != 403 || he.Detail.Code != exchange.CodeRevoked || !he.Auth() {
		t.Errorf("the revoked key: %v", err)
	}
	c2 := &exchange.Client{BaseURL: f.URL, Signer: &exchange.Signer{KeyID: er2.KeyID, Key: key2}}
	if _, err := c2.Updates(ctx, 0, 10); err != nil {
		t.Errorf("the new key: %v", err)
	}
	// Another desk's key under this key id is no signature.
	c3 := &exchange.Client{BaseURL: f.URL, Signer: &exchange.Signer{KeyID: er2.KeyID, Key: newKey(t)}}
	if _, err := c3.Updates(ctx, 0, 10); !errors.As(err, &he) || he.Detail.Code != exchange.CodeBadSignature || !he.Auth() {
		t.Errorf("a stranger's key: %v", err)
	}
	c4 := &exchange.Client{BaseURL: f.URL, Signer: &exchange.Signer{KeyID: "k-99", Key: newKey(t)}}
	if _, err := c4.Updates(ctx, 0, 10); !errors.As(err, &he) || he.Detail.Code != exchange.CodeUnknownKey || !he.Auth() {
		t.Errorf("an unknown key id: %v", err)
	}
}

// TestClientCorrectsItsClock: a desk whose clock is 20 minutes off has its
// first call refused, learns the exchange's clock from the Date header and
// succeeds with one more attempt; a refusal that is not about the clock is
// not retried.
func TestClientCorrectsItsClock(t *testing.T) {
	for _, skew := range []time.Duration{20 * time.Minute, -20 * time.Minute} {
		f := newFakeExchange(t)
		f.skew = skew
		key := newKey(t)
		f.keys["k-1"] = key.Public().(ed25519.PublicKey)
		c := &exchange.Client{BaseURL: f.URL, Signer: &exchange.Signer{KeyID: "k-1", Key: key}}
		if _, err := c.Updates(context.Background(), 0, 10); err != nil {
			t.Fatalf("skew %s: %v", skew, err)
		}
		calls := f.callLog()
		if len(calls) != 2 || calls[0].Code != exchange.CodeBadSignature || calls[1].Status != 200 || calls[0].Nonce == calls[1].Nonce {
			t.Errorf("skew %s: calls %+v", skew, calls)
		}
		if off := c.ClockOffset(); off < skew-2*time.Second || off > skew+2*time.Second {
			t.Errorf("skew %s: learnt offset %s", skew, off)
		}
		if _, _, err := c.SubmitBatch(context.Background(), []exchange.Item{goodItem(fuzzIDs[0])}); err != nil || len(f.callLog()) != 3 {
			t.Errorf("skew %s: the next call: %v after %d calls", skew, err, len(f.callLog()))
		}
	}
	// A key the exchange does not hold: the clock is learnt, the call made
	// once more, and then the refusal stands.
	f := newFakeExchange(t)
	f.skew = 20 * time.Minute
	f.keys["k-1"] = newKey(t).Public().(ed25519.PublicKey)
	c := &exchange.Client{BaseURL: f.URL, Signer: &exchange.Signer{KeyID: "k-1", Key: newKey(t)}}
	var he *exchange.HTTPError
	for want := 2; want <= 3; want++ {
		if _, err := c.Updates(context.Background(), 0, 10); !errors.As(err, &he) || !he.Auth() {
			t.Errorf("a wrong key: %v", err)
		}
		if n := len(f.callLog()); n != want {
			t.Errorf("%d calls, want %d", n, want)
		}
	}
}

// TestRetryAfterDateOnTheExchangesClock: an HTTP-date Retry-After is read
// against the exchange's clock (learnt from Date), not the desk's wrong one.
func TestRetryAfterDateOnTheExchangesClock(t *testing.T) {
	for _, skew := range []time.Duration{0, 20 * time.Minute, -20 * time.Minute} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			now := time.Now().Add(skew)
			w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
			w.Header().Set("Retry-After", now.Add(90*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		_, err := (&exchange.Client{BaseURL: srv.URL}).Health(context.Background())
		srv.Close()
		var he *exchange.HTTPError
		if !errors.As(err, &he) || !he.Temporary() {
			t.Fatalf("skew %s: %v", skew, err)
		}
		if he.RetryAfter < 85*time.Second || he.RetryAfter > 92*time.Second {
			t.Errorf("exchange clock %s off: Retry-After read as %s, want about 90 s", skew, he.RetryAfter)
		}
	}
}

// TestConnectionDroppedAfterSending: the exchange reads the batch and hangs
// up without answering. The client reports a plain error (not an HTTP
// status): the desk does not know whether the batch was stored, and sends
// it again.
func TestConnectionDroppedAfterSending(t *testing.T) {
	var mu sync.Mutex
	var got [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, b)
		n := len(got)
		mu.Unlock()
		if n == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
			return
		}
		var br exchange.BatchRequest
		json.Unmarshal(b, &br)
		json.NewEncoder(w).Encode(exchange.BatchResponse{Results: []exchange.ItemResult{{ID: br.Items[0].ID, Status: exchange.ItemDuplicate, Original: exchange.ItemAccepted}}})
	}))
	defer srv.Close()
	c := &exchange.Client{BaseURL: srv.URL, Signer: &exchange.Signer{KeyID: "k-1", Key: newKey(t)}}
	items := []exchange.Item{goodItem(fuzzIDs[0])}
	_, _, err := c.SubmitBatch(context.Background(), items)
	var he *exchange.HTTPError
	if err == nil || errors.As(err, &he) {
		t.Fatalf("a dropped connection: %v", err)
	}
	br, _, err := c.SubmitBatch(context.Background(), items)
	if err != nil || br.Results[0].Outcome() != exchange.ItemAccepted {
		t.Fatalf("the resend: %+v %v", br, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !bytes.Equal(got[0], got[1]) {
		t.Errorf("the resend is not byte for byte the same body:\n%s\n%s", got[0], got[len(got)-1])
	}
}

// deltaFromChanges builds the delta from version v-1 to v of the demo
// catalog out of democatalog.Changes, as an exchange would publish it.
func deltaFromChanges(t *testing.T, v pishkhan.CatalogVersion) exchange.CatalogDelta {
	t.Helper()
	ch := democatalog.Changes(v)
	to := democatalog.Generate(v)
	byID := map[string]pishkhan.SubService{}
	for _, s := range to.SubServices {
		byID[s.ID] = s
	}
	d := exchange.CatalogDelta{Base: int64(v - 1), Version: int64(v)}
	for _, id := range ch.Raised {
		s, ok := byID[id]
		if !ok {
			t.Fatalf("raised %s is not in version %d", id, v)
		}
		d.SubServices = append(d.SubServices, s)
	}
	d.Deleted.SubServices = ch.Retired
	return d
}
