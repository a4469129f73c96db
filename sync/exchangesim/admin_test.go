package exchangesim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

// admin calls the admin API and decodes a 200 answer into out.
func (e *env) admin(method, path string, body any, out any) int {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK && out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: %s: %v", method, path, data, err)
		}
	}
	if resp.StatusCode != http.StatusOK {
		if d := exchange.DecodeError(bytes.NewReader(data)); d.Code == "" {
			e.t.Errorf("%s %s: %d without an error body: %s", method, path, resp.StatusCode, data)
		}
	}
	return resp.StatusCode
}

func TestAdminAPI(t *testing.T) {
	e := newEnv(t, Config{Faults: Faults{ErrorRate: 0.5}})
	ctx := context.Background()

	var f Faults
	if st := e.admin(http.MethodGet, "/sim/faults", nil, &f); st != http.StatusOK || f.ErrorRate != 0.5 {
		t.Fatalf("GET faults: %d %+v", st, f)
	}
	// PUT with durations as strings, as a person would type them.
	req, _ := http.NewRequest(http.MethodPut, e.srv.URL+"/sim/faults",
		bytes.NewReader([]byte(`{"latency":"20ms","throttle_rate":0.25,"retry_after_seconds":9}`)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := e.sim.Faults(); resp.StatusCode != http.StatusOK || got != (Faults{Latency: 20 * time.Millisecond, ThrottleRate: 0.25, RetryAfterSeconds: 9}) {
		t.Errorf("PUT faults: %d, now %+v", resp.StatusCode, got)
	}
	if st := e.admin(http.MethodPut, "/sim/faults", map[string]any{"error_rate": 2}, nil); st != http.StatusBadRequest {
		t.Errorf("PUT an error rate of 2: %d", st)
	}
	if st := e.admin(http.MethodPut, "/sim/faults", map[string]any{"nonsense": 1}, nil); st != http.StatusBadRequest {
		t.Errorf("PUT an unknown fault: %d", st)
	}
	if st := e.admin(http.MethodPut, "/sim/faults", Faults{}, nil); st != http.StatusOK || e.sim.Faults() != (Faults{}) {
		t.Errorf("clearing the faults: %d", st)
	}

	// Enrol with a code from the admin API.
	var code EnrolCodeResponse
	if st := e.admin(http.MethodPost, "/sim/enrol-codes", EnrolCodeRequest{OfficeCode: 777, DeskNumber: 3}, &code); st != http.StatusOK || len(code.Code) != 8 {
		t.Fatalf("POST enrol-codes: %d %+v", st, code)
	}
	key, _ := exchange.GenerateKey(nil)
	c := e.client()
	er, err := c.Enrol(ctx, 777, 3, code.Code, key)
	if err != nil {
		t.Fatal(err)
	}
	c.Signer.KeyID, c.Signer.Key = er.KeyID, key
	if st := e.admin(http.MethodPost, "/sim/enrol-codes", EnrolCodeRequest{OfficeCode: 0, DeskNumber: 3}, nil); st != http.StatusBadRequest {
		t.Errorf("a code for office 0: %d", st)
	}

	its := items(ids(12), 4)
	if _, _, err := c.SubmitBatch(ctx, its); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.SubmitBatch(ctx, its[:2]); err != nil {
		t.Fatal(err)
	}
	var rep RequestsReport
	if st := e.admin(http.MethodGet, "/sim/requests", nil, &rep); st != http.StatusOK {
		t.Fatalf("GET requests: %d", st)
	}
	if ids, err := e.sim.RequestIDs(ctx); err != nil || len(ids) != 4 || ids[0] != rep.Requests[0].ID {
		t.Errorf("request ids %v, %v", ids, err)
	}
	if rep.Total != 4 || rep.AcceptLogTotal != 4 || rep.StoredTwice != 0 || len(rep.Requests) != 4 {
		t.Errorf("requests report %+v", rep)
	}
	for _, r := range rep.Requests {
		if r.AcceptCount != 1 || r.Status != exchange.ItemAccepted || r.OfficeCode != 777 || r.DeskNumber != 3 {
			t.Errorf("stored request %+v", r)
		}
	}
	var st Stats
	if code := e.admin(http.MethodGet, "/sim/stats", nil, &st); code != http.StatusOK {
		t.Fatalf("GET stats: %d", code)
	}
	if st.Requests != 4 || st.Duplicates != 2 || st.Enrolments != 1 || st.ActiveKeys != 1 || st.CatalogVersion != 1 || len(st.Faults) != len(FaultKinds) {
		t.Errorf("stats %+v", st)
	}
	if code := e.admin(http.MethodGet, "/sim/nothing", nil, nil); code != http.StatusNotFound {
		t.Errorf("unknown admin path: %d", code)
	}
	if code := e.admin(http.MethodDelete, "/sim/faults", nil, nil); code != http.StatusNotFound {
		t.Errorf("DELETE faults: %d", code)
	}
	if code := e.admin(http.MethodGet, "/v1/nothing", nil, nil); code != http.StatusNotFound {
		t.Errorf("unknown /v1 path: %d", code)
	}
	if code := e.admin(http.MethodPost, exchange.PathHealth, nil, nil); code != http.StatusMethodNotAllowed {
		t.Errorf("POST health: %d", code)
	}
}
