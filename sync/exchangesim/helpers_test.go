package exchangesim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// t0 is the fake clock's start.
var t0 = time.Date(2025, 3, 21, 8, 0, 0, 0, time.UTC)

// clock is a fake clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a simulator served on loopback with a fake clock.
type env struct {
	t   *testing.T
	cfg Config
	clk *clock
	sim *Sim
	srv *httptest.Server
}

// newEnv opens a simulator on a fresh database (unless cfg.DBPath is set)
// with a fake clock and serves it.
func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	if cfg.DBPath == "" {
		cfg.DBPath = filepath.Join(t.TempDir(), "sim.db")
	}
	if cfg.InquiryDelay == 0 {
		cfg.InquiryDelay = time.Second
	}
	e := &env{t: t, cfg: cfg, clk: newClock()}
	if cfg.Now != nil {
		panic("newEnv sets the clock")
	}
	e.start()
	t.Cleanup(e.stop)
	return e
}

func (e *env) start() {
	e.t.Helper()
	cfg := e.cfg
	cfg.Now = e.clk.Now
	cfg.Log = slog.New(slog.NewTextHandler(testWriter{e.t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sim, err := Open(context.Background(), cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.sim = sim
	e.srv = httptest.NewServer(sim)
}

func (e *env) stop() {
	if e.srv != nil {
		e.srv.Close()
		e.srv = nil
	}
	if e.sim != nil {
		if err := e.sim.Close(); err != nil {
			e.t.Error(err)
		}
		e.sim = nil
	}
}

// restart closes the simulator and opens it again on the same database.
func (e *env) restart(cfg func(*Config)) {
	e.t.Helper()
	e.stop()
	if cfg != nil {
		cfg(&e.cfg)
	}
	e.start()
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// desk is an enrolled desk with its client.
type desk struct {
	office, number int
	key            ed25519.PrivateKey
	client         *exchange.Client
}

// client returns an unenrolled client of the simulator whose signatures use the fake clock.
func (e *env) client() *exchange.Client {
	return &exchange.Client{BaseURL: e.srv.URL, Signer: &exchange.Signer{Now: e.clk.Now}}
}

// enrol issues a code and enrols a new key for the desk.
func (e *env) enrol(office, number int) *desk {
	e.t.Helper()
	code, err := e.sim.IssueEnrolCode(context.Background(), office, number)
	if err != nil {
		e.t.Fatal(err)
	}
	key, err := exchange.GenerateKey(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	resp, err := c.Enrol(context.Background(), office, number, code, key)
	if err != nil {
		e.t.Fatalf("enrol office %d desk %d: %v", office, number, err)
	}
	c.Signer.KeyID, c.Signer.Key = resp.KeyID, key
	return &desk{office: office, number: number, key: key, client: c}
}

// rebind points the desk's client at the current server (after a restart).
func (e *env) rebind(d *desk) { d.client.BaseURL = e.srv.URL }

// ids makes request ids deterministically from a seed.
func ids(seed byte) func() string {
	var s [32]byte
	s[0] = seed
	r := rand.NewChaCha8(s)
	n := 0
	return func() string {
		n++
		id, err := pishkhan.NewID(t0.Add(time.Duration(n)*time.Millisecond), r)
		if err != nil {
			panic(err)
		}
		return id.String()
	}
}

// catalogs caches the demo catalogs the tests use.
var catalogs sync.Map // int64 → *pishkhan.Catalog

func catalogOf(v int64) *pishkhan.Catalog {
	if c, ok := catalogs.Load(v); ok {
		return c.(*pishkhan.Catalog)
	}
	c := democatalog.Generate(pishkhan.CatalogVersion(v))
	catalogs.Store(v, c)
	return c
}

func subOf(t *testing.T, v int64, id string) pishkhan.SubService {
	t.Helper()
	for _, ss := range catalogOf(v).SubServices {
		if ss.ID == id {
			return ss
		}
	}
	t.Fatalf("sub-service %s is not in catalog version %d", id, v)
	return pishkhan.SubService{}
}

// mkItem is a valid item for sub-service ss as it is in catalog version v.
func mkItem(id string, n int, ss pishkhan.SubService, v int64) exchange.Item {
	nc, err := pishkhan.CompleteNationalCode(fmt.Sprintf("%09d", 100000000+n*7919))
	if err != nil {
		panic(err)
	}
	return exchange.Item{
		ID: id, TrackingCode: fmt.Sprintf("%018d", 140301010000000000+int64(n)), Day: "1404/01/01", CreatedAt: t0,
		NationalCode: string(nc), FirstName: "مریم", LastName: "احمدی", SubServiceID: ss.ID, CatalogVersion: v,
		Fields: map[string]string{}, GovFee: int64(ss.GovFee), CounterFee: int64(ss.CounterFee), Inquiries: ss.Inquiries,
		Payment: exchange.Payment{Method: "cash", Amount: int64(ss.GovFee + ss.CounterFee), PaidAt: t0}, Clerk: "clerk1",
	}
}

// items makes n valid items of version-1 sub-services, with inquiries.
func items(next func() string, n int) []exchange.Item {
	subs := catalogOf(1).SubServices
	out := make([]exchange.Item, n)
	for i := range out {
		ss := subs[(i*37)%len(subs)]
		out[i] = mkItem(next(), i, ss, 1)
	}
	return out
}

// httpErr returns the *exchange.HTTPError in err, failing the test if there is none.
func httpErr(t *testing.T, err error) *exchange.HTTPError {
	t.Helper()
	var he *exchange.HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("want an HTTP error from the exchange, got %v", err)
	}
	return he
}

func wantCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	he := httpErr(t, err)
	if he.Status != status || he.Detail.Code != code {
		t.Fatalf("got %d %q (%v), want %d %q", he.Status, he.Detail.Code, err, status, code)
	}
	if he.Detail.MessageFa == "" {
		t.Errorf("error %s has no Persian message", code)
	}
}

// rawCall signs a request with signer and sends it by hand, so that tests
// can replay or tamper with it. It returns the status and the error detail.
type rawCall struct {
	method, path, query string
	body                []byte
	header              http.Header
}

func sign(t *testing.T, s *exchange.Signer, method, path, query string, body []byte) rawCall {
	t.Helper()
	req, err := http.NewRequest(method, "http://x"+path+"?"+query, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if query == "" {
		req.URL.RawQuery = ""
	}
	if err := s.Sign(req, body); err != nil {
		t.Fatal(err)
	}
	return rawCall{method: method, path: path, query: query, body: body, header: req.Header}
}

func (e *env) send(c rawCall) (int, exchange.ErrorDetail, []byte) {
	e.t.Helper()
	u := e.srv.URL + c.path
	if c.query != "" {
		u += "?" + c.query
	}
	req, err := http.NewRequest(c.method, u, bytes.NewReader(c.body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header = c.header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	var eb exchange.ErrorBody
	if resp.StatusCode/100 != 2 {
		if err := json.Unmarshal(data, &eb); err != nil {
			e.t.Fatalf("error body %q: %v", data, err)
		}
	}
	return resp.StatusCode, eb.Error, data
}

// allUpdates pulls every ready update of a desk page by page.
func allUpdates(t *testing.T, c *exchange.Client, after int64, limit int) ([]exchange.Update, int64) {
	t.Helper()
	var out []exchange.Update
	for {
		resp, err := c.Updates(context.Background(), after, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Updates) > limit {
			t.Fatalf("%d updates for a limit of %d", len(resp.Updates), limit)
		}
		out = append(out, resp.Updates...)
		if resp.Next < after {
			t.Fatalf("cursor went back from %d to %d", after, resp.Next)
		}
		after = resp.Next
		if !resp.More {
			return out, after
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
