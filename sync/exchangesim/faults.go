package exchangesim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

// Faults are the misbehaviours the simulator injects into /v1 calls. The
// zero value injects none. Rates are probabilities from 0 to 1, drawn per
// call (per item for RejectRate and DeferRate) from the seeded source.
//
// In JSON, durations are Go duration strings ("250ms"); a number is read as
// nanoseconds.
type Faults struct {
	// Latency delays every /v1 call; LatencyJitter adds a random extra
	// delay from 0 up to it. The delay ends early if the client goes away.
	Latency       time.Duration `json:"latency"`
	LatencyJitter time.Duration `json:"latency_jitter"`
	// ErrorRate answers 500 internal.
	ErrorRate float64 `json:"error_rate"`
	// ThrottleRate answers 429 rate_limited with Retry-After.
	ThrottleRate float64 `json:"throttle_rate"`
	// UnavailableRate answers 503 unavailable with Retry-After.
	UnavailableRate float64 `json:"unavailable_rate"`
	// RetryAfterSeconds is the Retry-After of 429 and 503 answers (1 when 0).
	RetryAfterSeconds int `json:"retry_after_seconds"`
	// Outage closes every /v1 connection without an answer, like a dead
	// network path. The admin API keeps working.
	Outage bool `json:"outage"`
	// MaxBatchItems and MaxBodyBytes, when positive, refuse a batch with
	// more items or a larger body with 413 too_large before processing it.
	MaxBatchItems int   `json:"max_batch_items"`
	MaxBodyBytes  int64 `json:"max_body_bytes"`
	// CommitDropRate processes and commits a batch, then closes the
	// connection without answering.
	CommitDropRate float64 `json:"commit_drop_rate"`
	// RejectRate rejects a new item permanently (it is stored as rejected);
	// DeferRate defers it (transient: not stored, to be sent again).
	RejectRate float64 `json:"reject_rate"`
	DeferRate  float64 `json:"defer_rate"`
}

// The kinds of injected fault, as counted in Stats.Faults.
const (
	FaultLatency     = "latency"
	FaultError       = "error"
	FaultThrottle    = "throttle"
	FaultUnavailable = "unavailable"
	FaultOutage      = "outage"
	FaultTooLarge    = "too_large"
	FaultCommitDrop  = "commit_drop"
	FaultReject      = "reject"
	FaultDefer       = "defer"
)

// FaultKinds lists every kind of fault.
var FaultKinds = []string{FaultLatency, FaultError, FaultThrottle, FaultUnavailable, FaultOutage,
	FaultTooLarge, FaultCommitDrop, FaultReject, FaultDefer}

// Validate checks that rates are between 0 and 1 and nothing is negative.
func (f Faults) Validate() error {
	rates := []struct {
		name string
		v    float64
	}{
		{"error_rate", f.ErrorRate}, {"throttle_rate", f.ThrottleRate}, {"unavailable_rate", f.UnavailableRate},
		{"commit_drop_rate", f.CommitDropRate}, {"reject_rate", f.RejectRate}, {"defer_rate", f.DeferRate},
	}
	for _, r := range rates {
		if !(r.v >= 0 && r.v <= 1) { // also refuses NaN
			return fmt.Errorf("faults: %s %v is not between 0 and 1", r.name, r.v)
		}
	}
	switch {
	case f.Latency < 0 || f.LatencyJitter < 0:
		return fmt.Errorf("faults: negative latency %v or jitter %v", f.Latency, f.LatencyJitter)
	case f.Latency > time.Hour || f.LatencyJitter > time.Hour:
		return fmt.Errorf("faults: latency %v or jitter %v above an hour", f.Latency, f.LatencyJitter)
	case f.RetryAfterSeconds < 0 || f.RetryAfterSeconds > 3600:
		return fmt.Errorf("faults: retry_after_seconds %d out of range 0..3600", f.RetryAfterSeconds)
	case f.MaxBatchItems < 0 || f.MaxBodyBytes < 0:
		return fmt.Errorf("faults: negative max_batch_items %d or max_body_bytes %d", f.MaxBatchItems, f.MaxBodyBytes)
	}
	return nil
}

// faultsJSON is Faults with durations as strings.
type faultsJSON struct {
	Latency           jsonDuration `json:"latency"`
	LatencyJitter     jsonDuration `json:"latency_jitter"`
	ErrorRate         float64      `json:"error_rate"`
	ThrottleRate      float64      `json:"throttle_rate"`
	UnavailableRate   float64      `json:"unavailable_rate"`
	RetryAfterSeconds int          `json:"retry_after_seconds"`
	Outage            bool         `json:"outage"`
	MaxBatchItems     int          `json:"max_batch_items"`
	MaxBodyBytes      int64        `json:"max_body_bytes"`
	CommitDropRate    float64      `json:"commit_drop_rate"`
	RejectRate        float64      `json:"reject_rate"`
	DeferRate         float64      `json:"defer_rate"`
}

// MarshalJSON writes the faults with durations as strings.
func (f Faults) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultsJSON{
		Latency: jsonDuration(f.Latency), LatencyJitter: jsonDuration(f.LatencyJitter),
		ErrorRate: f.ErrorRate, ThrottleRate: f.ThrottleRate, UnavailableRate: f.UnavailableRate,
		RetryAfterSeconds: f.RetryAfterSeconds, Outage: f.Outage, MaxBatchItems: f.MaxBatchItems,
		MaxBodyBytes: f.MaxBodyBytes, CommitDropRate: f.CommitDropRate, RejectRate: f.RejectRate, DeferRate: f.DeferRate,
	})
}

// UnmarshalJSON reads faults; unknown fields are an error, absent ones are zero.
func (f *Faults) UnmarshalJSON(data []byte) error {
	var j faultsJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	*f = Faults{
		Latency: time.Duration(j.Latency), LatencyJitter: time.Duration(j.LatencyJitter),
		ErrorRate: j.ErrorRate, ThrottleRate: j.ThrottleRate, UnavailableRate: j.UnavailableRate,
		RetryAfterSeconds: j.RetryAfterSeconds, Outage: j.Outage, MaxBatchItems: j.MaxBatchItems,
		MaxBodyBytes: j.MaxBodyBytes, CommitDropRate: j.CommitDropRate, RejectRate: j.RejectRate, DeferRate: j.DeferRate,
	}
	return nil
}

type jsonDuration time.Duration

func (d jsonDuration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *jsonDuration) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = jsonDuration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("a duration is a string like \"250ms\" or a number of nanoseconds: %w", err)
	}
	*d = jsonDuration(n)
	return nil
}

// SetFaults replaces the injected faults.
func (s *Sim) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
	s.log.Info("faults set", "faults", f)
	return nil
}

// Faults returns the injected faults.
func (s *Sim) Faults() Faults {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.faults
}

// countFault records an injected fault.
func (s *Sim) countFault(kind string, n int64) {
	if err := bump(context.Background(), s.db, "fault_"+kind, n); err != nil {
		s.log.Error("exchange simulator: count a fault", "kind", kind, "err", err)
	}
}

// injectCallFaults applies the per-call faults to a /v1 call. It reports
// false when it has answered (or dropped) the call itself.
func (s *Sim) injectCallFaults(w http.ResponseWriter, r *http.Request) bool {
	f := s.Faults()
	if f.Outage {
		s.countFault(FaultOutage, 1)
		dropConnection(w)
		return false
	}
	if f.Latency > 0 || f.LatencyJitter > 0 {
		d := f.Latency
		if f.LatencyJitter > 0 {
			d += time.Duration(s.randN(int64(f.LatencyJitter) + 1))
		}
		s.countFault(FaultLatency, 1)
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			dropConnection(w) // the client is gone, or the server is stopping
			return false
		}
	}
	retry := f.RetryAfterSeconds
	if retry <= 0 {
		retry = 1
	}
	switch {
	case s.chance(f.ErrorRate):
		s.countFault(FaultError, 1)
		writeError(w, newError(http.StatusInternalServerError, exchange.CodeInternal, "injected internal error"))
	case s.chance(f.ThrottleRate):
		s.countFault(FaultThrottle, 1)
		e := newError(http.StatusTooManyRequests, exchange.CodeRateLimited, "injected throttling: retry in %d s", retry)
		e.retryAfter = retry
		writeError(w, e)
	case s.chance(f.UnavailableRate):
		s.countFault(FaultUnavailable, 1)
		e := newError(http.StatusServiceUnavailable, exchange.CodeUnavailable, "injected unavailability: retry in %d s", retry)
		e.retryAfter = retry
		writeError(w, e)
	default:
		return true
	}
	return false
}
