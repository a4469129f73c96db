package exchangesim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Stats counts what the simulator has done since its database was made.
type Stats struct {
	CatalogVersion int64 `json:"catalog_version"`
	Requests       int64 `json:"requests"`    // request ids stored (accepted or rejected)
	Accepted       int64 `json:"accepted"`    // stored as accepted
	Rejected       int64 `json:"rejected"`    // stored as rejected (business rules or injected)
	AcceptLog      int64 `json:"accept_log"`  // rows of the accept log: equals Requests unless an id was stored twice
	Duplicates     int64 `json:"duplicates"`  // duplicate answers given
	Conflicts      int64 `json:"conflicts"`   // conflict answers given
	Deferred       int64 `json:"deferred"`    // deferred answers given
	Batches        int64 `json:"batches"`     // batches processed and committed
	Updates        int64 `json:"updates"`     // status updates published
	Scheduled      int64 `json:"scheduled"`   // status updates not yet due
	Enrolments     int64 `json:"enrolments"`  // successful enrolments
	ActiveKeys     int64 `json:"active_keys"` // enrolled keys not revoked
	DayCloses      int64 `json:"day_closes"`  // days closed
	// Faults counts the injected faults by kind (see FaultKinds); every
	// kind is present.
	Faults map[string]int64 `json:"faults"`
}

// Stats returns the simulator's counters.
func (s *Sim) Stats(ctx context.Context) (Stats, error) {
	st := Stats{CatalogVersion: s.CatalogVersion(), Faults: make(map[string]int64, len(FaultKinds))}
	for _, k := range FaultKinds {
		st.Faults[k] = 0
	}
	counts := []struct {
		dst   *int64
		query string
	}{
		{&st.Requests, "SELECT count(*) FROM requests"},
		{&st.Accepted, "SELECT count(*) FROM requests WHERE status = 'accepted'"},
		{&st.Rejected, "SELECT count(*) FROM requests WHERE status = 'rejected'"},
		{&st.AcceptLog, "SELECT count(*) FROM accept_log"},
		{&st.Updates, "SELECT count(*) FROM updates"},
		{&st.Scheduled, "SELECT count(*) FROM events"},
		{&st.ActiveKeys, "SELECT count(*) FROM keys WHERE revoked_ns IS NULL"},
		{&st.DayCloses, "SELECT count(*) FROM day_closes"},
	}
	for _, c := range counts {
		if err := s.db.QueryRowContext(ctx, c.query).Scan(c.dst); err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
	}
	rows, err := s.db.QueryContext(ctx, "SELECT name, n FROM counters")
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	named := map[string]*int64{"duplicates": &st.Duplicates, "conflicts": &st.Conflicts, "deferred": &st.Deferred,
		"batches": &st.Batches, "enrolments": &st.Enrolments}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
		if p, ok := named[name]; ok {
			*p = n
		} else if k, ok := strings.CutPrefix(name, "fault_"); ok {
			st.Faults[k] = n
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}

// StoredRequest is a request id the simulator holds, with how many times it
// was stored as new (the accept log): anything but 1 is a bug.
type StoredRequest struct {
	ID          string `json:"id"`
	Status      string `json:"status"` // accepted or rejected
	OfficeCode  int    `json:"office_code"`
	DeskNumber  int    `json:"desk_number"`
	AcceptCount int    `json:"accept_count"`
}

// RequestsReport is the answer of GET /sim/requests.
type RequestsReport struct {
	Total          int             `json:"total"`            // stored request ids
	AcceptLogTotal int             `json:"accept_log_total"` // rows of the accept log
	StoredTwice    int             `json:"stored_twice"`     // ids whose accept count is above 1
	Requests       []StoredRequest `json:"requests"`
}

// Requests returns every stored request id, in id order, with its accept-log count.
func (s *Sim) Requests(ctx context.Context) ([]StoredRequest, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.status, r.office, r.desk,
		(SELECT count(*) FROM accept_log a WHERE a.request_id = r.id) FROM requests r ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	defer rows.Close()
	out := []StoredRequest{}
	for rows.Next() {
		var r StoredRequest
		if err := rows.Scan(&r.ID, &r.Status, &r.OfficeCode, &r.DeskNumber, &r.AcceptCount); err != nil {
			return nil, fmt.Errorf("list requests: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	return out, nil
}

// RequestIDs returns the ids of every stored request (accepted or
// rejected), in id order.
func (s *Sim) RequestIDs(ctx context.Context) ([]string, error) {
	reqs, err := s.Requests(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		ids[i] = r.ID
	}
	return ids, nil
}

// AcceptCounts returns how many times each request id was stored as new,
// from the append-only accept log.
func (s *Sim) AcceptCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT request_id, count(*) FROM accept_log GROUP BY request_id")
	if err != nil {
		return nil, fmt.Errorf("read the accept log: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("read the accept log: %w", err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the accept log: %w", err)
	}
	return out, nil
}

// EnrolCodeRequest is the body of POST /sim/enrol-codes.
type EnrolCodeRequest struct {
	OfficeCode int `json:"office_code"`
	DeskNumber int `json:"desk_number"`
}

// EnrolCodeResponse is its answer.
type EnrolCodeResponse struct {
	Code string `json:"code"`
}

func (s *Sim) serveAdmin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	route := r.Method + " " + r.URL.Path
	var e *apiError
	switch route {
	case "GET /sim/faults":
		writeJSON(w, http.StatusOK, s.Faults())
	case "PUT /sim/faults":
		var f Faults
		if e = decodeAdmin(r, &f); e == nil {
			if err := s.SetFaults(f); err != nil {
				e = badRequest("%v", err)
			} else {
				writeJSON(w, http.StatusOK, s.Faults())
			}
		}
	case "POST /sim/catalog/publish":
		v, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
		switch {
		case err != nil:
			e = badRequest("version %q is not a number", r.URL.Query().Get("version"))
		default:
			if err := s.PublishCatalog(ctx, v); err != nil {
				e = badRequest("%v", err)
			} else {
				writeJSON(w, http.StatusOK, map[string]int64{"catalog_version": s.CatalogVersion()})
			}
		}
	case "POST /sim/enrol-codes":
		var req EnrolCodeRequest
		if e = decodeAdmin(r, &req); e == nil {
			code, err := s.IssueEnrolCode(ctx, req.OfficeCode, req.DeskNumber)
			if err != nil {
				e = badRequest("%v", err)
			} else {
				writeJSON(w, http.StatusOK, EnrolCodeResponse{Code: code})
			}
		}
	case "GET /sim/requests":
		reqs, err := s.Requests(ctx)
		if err != nil {
			e = internal(err)
			break
		}
		rep := RequestsReport{Total: len(reqs), Requests: reqs}
		for _, q := range reqs {
			rep.AcceptLogTotal += q.AcceptCount
			if q.AcceptCount > 1 {
				rep.StoredTwice++
			}
		}
		writeJSON(w, http.StatusOK, rep)
	case "GET /sim/stats":
		st, err := s.Stats(ctx)
		if err != nil {
			e = internal(err)
		} else {
			writeJSON(w, http.StatusOK, st)
		}
	default:
		e = errNotFound(r)
	}
	if e != nil {
		writeError(w, e)
	}
}

// decodeAdmin reads one strict JSON value of an admin call.
func decodeAdmin(r *http.Request, v any) *apiError {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		return badRequest("read the body: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("decode JSON: %v", err)
	}
	if dec.More() {
		return badRequest("trailing data after the JSON value")
	}
	return nil
}
