package pishkhan

import (
	"errors"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// designAllowed is the state machine as DESIGN.md describes it, written out
// by hand as (from, to) pairs; anything not listed is forbidden.
var designAllowed = map[[2]string]bool{
	{"queued", "sending"}: true,

	{"sending", "queued"}:   true, // a row in sending at start-up goes back to queued
	{"sending", "accepted"}: true,
	{"sending", "rejected"}: true,
	{"sending", "conflict"}: true,

	{"accepted", "in_progress"}:  true,
	{"accepted", "needs_action"}: true,
	{"accepted", "done"}:         true,
	{"accepted", "refused"}:      true,

	{"in_progress", "needs_action"}: true,
	{"in_progress", "done"}:         true,
	{"in_progress", "refused"}:      true,

	{"needs_action", "in_progress"}: true,
	{"needs_action", "done"}:        true,
	{"needs_action", "refused"}:     true,
}

var designStates = []string{"queued", "sending", "accepted", "rejected", "conflict", "in_progress", "needs_action", "done", "refused"}

var designTerminal = map[string]bool{"rejected": true, "conflict": true, "done": true, "refused": true}

func TestAllStatesMatchesDesign(t *testing.T) {
	if len(AllStates) != len(designStates) {
		t.Fatalf("AllStates has %d states, design has %d", len(AllStates), len(designStates))
	}
	for i, s := range AllStates {
		if string(s) != designStates[i] {
			t.Errorf("AllStates[%d] = %q, want %q", i, s, designStates[i])
		}
		if !s.Valid() {
			t.Errorf("%s not Valid", s)
		}
		if !hasPersianLetter(s.Persian()) {
			t.Errorf("%s has no Persian name: %q", s, s.Persian())
		}
		if s.Terminal() != designTerminal[string(s)] {
			t.Errorf("%s.Terminal() = %v", s, s.Terminal())
		}
		if want := s == "queued" || s == "sending"; s.Unsent() != want {
			t.Errorf("%s.Unsent() = %v", s, s.Unsent())
		}
	}
	seen := map[string]bool{}
	for _, s := range AllStates {
		if p := s.Persian(); seen[p] {
			t.Errorf("Persian name %q used twice", p)
		} else {
			seen[p] = true
		}
	}
}

func TestTransitionTableMatchesDesign(t *testing.T) {
	for _, from := range AllStates {
		for _, to := range AllStates {
			want := designAllowed[[2]string{string(from), string(to)}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := CheckTransition(from, to)
			if want {
				if err != nil {
					t.Errorf("CheckTransition(%s, %s) = %v, want nil", from, to, err)
				}
				continue
			}
			if err == nil {
				t.Errorf("CheckTransition(%s, %s) allowed", from, to)
				continue
			}
			wantCodeAndPersian(t, err, EState)
		}
	}
}

func TestUnknownStatesRefused(t *testing.T) {
	unknown := []RequestState{"", "QUEUED", "Queued", "cancelled", "queued ", "in-progress"}
	for _, u := range unknown {
		if u.Valid() {
			t.Errorf("%q Valid", u)
		}
		if u.Terminal() {
			t.Errorf("%q Terminal", u)
		}
		if u.Unsent() {
			t.Errorf("%q Unsent", u)
		}
		for _, s := range AllStates {
			for _, pair := range [][2]RequestState{{u, s}, {s, u}} {
				if CanTransition(pair[0], pair[1]) {
					t.Errorf("CanTransition(%q, %q)", pair[0], pair[1])
				}
				wantCodeAndPersian(t, CheckTransition(pair[0], pair[1]), EState)
			}
		}
		wantCodeAndPersian(t, CheckTransition(u, u), EState)
	}
}

func TestRequestTransition(t *testing.T) {
	t0 := time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)
	for _, from := range AllStates {
		for _, to := range AllStates {
			r := &Request{State: from, CreatedAt: t0, UpdatedAt: t0, StateNote: "note"}
			at := t0.Add(time.Hour)
			err := r.Transition(to, at)
			if designAllowed[[2]string{string(from), string(to)}] {
				if err != nil || r.State != to || !r.UpdatedAt.Equal(at) {
					t.Errorf("%s→%s: err=%v state=%s updated=%v", from, to, err, r.State, r.UpdatedAt)
				}
			} else {
				if err == nil || r.State != from || !r.UpdatedAt.Equal(t0) {
					t.Errorf("%s→%s: err=%v state=%s updated=%v; want refused and unchanged", from, to, err, r.State, r.UpdatedAt)
				}
				if ErrorCode(err) != EState {
					t.Errorf("%s→%s: code %q", from, to, ErrorCode(err))
				}
			}
			if !r.CreatedAt.Equal(t0) || r.StateNote != "note" {
				t.Errorf("%s→%s touched other fields", from, to)
			}
		}
	}
}

// A random walk through the machine: allowed moves happen, forbidden ones
// change nothing, terminal states are never left, and the outbox states are
// exactly queued and sending.
func TestRequestStateMachineProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		r := &Request{State: StateQueued, CreatedAt: t0, UpdatedAt: t0}
		clock := t0
		var history []RequestState
		t.Repeat(map[string]func(*rapid.T){
			"transition": func(t *rapid.T) {
				to := rapid.SampledFrom(AllStates).Draw(t, "to")
				clock = clock.Add(time.Duration(rapid.IntRange(1, 1000).Draw(t, "ms")) * time.Millisecond)
				before, beforeAt := r.State, r.UpdatedAt
				err := r.Transition(to, clock)
				allowed := designAllowed[[2]string{string(before), string(to)}]
				switch {
				case allowed && err != nil:
					t.Fatalf("%s→%s refused: %v", before, to, err)
				case !allowed && err == nil:
					t.Fatalf("%s→%s allowed", before, to)
				case err != nil && (r.State != before || !r.UpdatedAt.Equal(beforeAt)):
					t.Fatalf("refused %s→%s changed the request", before, to)
				case err != nil && ErrorCode(err) != EState:
					t.Fatalf("refused %s→%s with code %q", before, to, ErrorCode(err))
				case err == nil && (r.State != to || !r.UpdatedAt.Equal(clock)):
					t.Fatalf("allowed %s→%s did not apply", before, to)
				}
				if err == nil {
					history = append(history, to)
				}
			},
			"": func(t *rapid.T) {
				if !r.State.Valid() {
					t.Fatalf("invalid state %q", r.State)
				}
				if r.State.Unsent() != (r.State == StateQueued || r.State == StateSending) {
					t.Fatalf("Unsent wrong for %s", r.State)
				}
				for i, s := range history {
					if s.Terminal() && i != len(history)-1 {
						t.Fatalf("left terminal state %s: %v", s, history)
					}
					// Once the exchange has answered, the request never goes back to the outbox.
					if !s.Unsent() {
						for _, later := range history[i+1:] {
							if later.Unsent() {
								t.Fatalf("back to outbox after %s: %v", s, history)
							}
						}
					}
				}
				if r.State.Terminal() {
					for _, to := range AllStates {
						if CanTransition(r.State, to) {
							t.Fatalf("terminal %s can go to %s", r.State, to)
						}
					}
				}
			},
		})
	})
}

func TestRequestTotalFee(t *testing.T) {
	r := &Request{GovFee: 120000, CounterFee: 35000}
	if r.TotalFee() != 155000 {
		t.Errorf("TotalFee = %d", r.TotalFee())
	}
	s := SubService{GovFee: 1, CounterFee: 2}
	if s.TotalFee() != 3 {
		t.Errorf("SubService.TotalFee = %d", s.TotalFee())
	}
}

func TestPaymentValidate(t *testing.T) {
	const due = Rials(155000)
	ok := []Payment{
		{Method: PayCash, Amount: due},
		{Method: PayCard, Amount: due, TerminalRef: "123456"},
		{Method: PayCard, Amount: due, TerminalRef: "12345678901234567890"},
		{Method: PayCard, Amount: due, TerminalRef: toScript("987654321", persianZero)},
		{Method: PayCard, Amount: due, TerminalRef: "1234-5678"},
	}
	for _, p := range ok {
		if err := p.Validate(due); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
	if err := (Payment{Method: PayCash}).Validate(0); err != nil {
		t.Errorf("free cash payment: %v", err)
	}
	bad := []struct {
		p     Payment
		field string
	}{
		{Payment{Method: PayCash, Amount: due, TerminalRef: "123456"}, "terminal_ref"},
		{Payment{Method: PayCard, Amount: due}, "terminal_ref"},
		{Payment{Method: PayCard, Amount: due, TerminalRef: "12345"}, "terminal_ref"},
		{Payment{Method: PayCard, Amount: due, TerminalRef: "123456789012345678901"}, "terminal_ref"},
		{Payment{Method: PayCard, Amount: due, TerminalRef: "12345a"}, "terminal_ref"},
		{Payment{Method: "", Amount: due}, "payment"},
		{Payment{Method: "cheque", Amount: due}, "payment"},
		{Payment{Method: "CASH", Amount: due}, "payment"},
		{Payment{Method: PayCash, Amount: due - 1}, "amount"},
		{Payment{Method: PayCash, Amount: due + 1}, "amount"},
		{Payment{Method: PayCash, Amount: -due}, "amount"},
		{Payment{Method: PayCard, Amount: 0, TerminalRef: "123456"}, "amount"},
	}
	for _, tc := range bad {
		err := tc.p.Validate(due)
		wantCodeAndPersian(t, err, EInvalid)
		var e *Error
		if errors.As(err, &e) && e.Field != tc.field {
			t.Errorf("%+v: field %q, want %q", tc.p, e.Field, tc.field)
		}
	}
}

func TestPaymentAmountProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		due := Rials(rapid.Int64Range(0, 1e12).Draw(t, "due"))
		paid := Rials(rapid.Int64Range(-1e12, 1e12).Draw(t, "paid"))
		err := Payment{Method: PayCash, Amount: paid}.Validate(due)
		if (err == nil) != (paid == due) {
			t.Fatalf("paid %d due %d: %v", paid, due, err)
		}
		if err != nil && ErrorCode(err) != EInvalid {
			t.Fatalf("code %q", ErrorCode(err))
		}
		if err != nil && !strings.Contains(PersianMessage(err), persianAmount(due)) {
			t.Fatalf("Persian message %q does not name the amount due", PersianMessage(err))
		}
	})
}
