package exchangesim

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

// The update states.
const (
	stateInProgress  = "in_progress"
	stateNeedsAction = "needs_action"
	stateDone        = "done"
	stateRefused     = "refused"
)

// The shares of the final outcomes of an accepted request.
const (
	shareDone        = 0.80
	shareNeedsAction = 0.12 // then in progress again, then done
	// the rest, 8%, is refused
	inquiryFailShare = 0.05
)

// DefaultUpdatesLimit is the page size of GET /v1/updates without a limit.
const DefaultUpdatesLimit = 100

// event is a status update scheduled for a due time.
type event struct {
	due       time.Time
	state     string
	note      string
	noteFa    string
	inquiries string // JSON of []exchange.InquiryResult, or "" for none
}

var answers = []string{
	"پاسخ استعلام: تأیید شد",
	"پاسخ استعلام: مانعی ندارد",
	"پاسخ استعلام: اطلاعات متقاضی تطبیق داده شد",
}

var documents = []struct{ en, fa string }{
	{"a copy of the deed", "تصویر سند"},
	{"a copy of the national card", "تصویر کارت ملی"},
	{"a recent photograph", "عکس جدید"},
	{"proof of address", "گواهی محل سکونت"},
}

var refusals = []struct{ en, fa string }{
	{"the applicant is not eligible for this service", "متقاضی واجد شرایط دریافت این خدمت نیست."},
	{"an inquiry's result does not allow the service", "نتیجه استعلام اجازه ارائه خدمت را نمی‌دهد."},
	{"the documents do not match the agency's records", "مدارک ارائه‌شده با سوابق دستگاه مطابقت ندارد."},
}

// plan returns the status updates of a request accepted at time at. They
// depend only on the seed, the request id, its inquiries and at: the same
// request gets the same future in every run with the same seed.
func (s *Sim) plan(id string, inquiries []string, at time.Time) []event {
	h := sha256.New()
	binary.Write(h, binary.BigEndian, s.seed) //nolint:errcheck // a hash does not fail
	h.Write([]byte("outcome\x00" + id))
	sum := h.Sum(nil)
	r := rand.New(rand.NewPCG(binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16])))
	outcome := r.Float64() // first, so the outcome does not depend on the number of inquiries
	d := float64(s.delay)
	span := func(lo, hi float64) time.Duration { return time.Duration(d * (lo + (hi-lo)*r.Float64())) }

	states := make([]exchange.InquiryResult, len(inquiries))
	for i, q := range inquiries {
		states[i] = exchange.InquiryResult{TypeID: q, State: "pending"}
	}
	snapshot := func() string {
		if len(states) == 0 {
			return ""
		}
		b, _ := json.Marshal(states) // plain strings: cannot fail
		return string(b)
	}
	// The first update lists every inquiry (all pending); each later one
	// carries only the inquiry it answers, so a request with 40 inquiries
	// costs 40 small updates, not 40 copies of the whole list.
	var evs []event
	add := func(due time.Time, state, note, noteFa, inquiries string) {
		if n := len(evs); n > 0 && !due.After(evs[n-1].due) {
			due = evs[n-1].due.Add(time.Millisecond) // strictly in order
		}
		evs = append(evs, event{due: due, state: state, note: note, noteFa: noteFa, inquiries: inquiries})
	}
	one := func(q exchange.InquiryResult) string {
		b, _ := json.Marshal([]exchange.InquiryResult{q}) // plain strings: cannot fail
		return string(b)
	}

	start := at.Add(span(0.4, 0.6))
	add(start, stateInProgress, "the agency has started work on the request", "رسیدگی به درخواست آغاز شد.", snapshot())

	type answer struct {
		i      int
		at     time.Time
		failed bool
		text   string
	}
	as := make([]answer, len(inquiries))
	for i := range inquiries {
		as[i] = answer{i: i, at: start.Add(span(0.5, 2)), failed: r.Float64() < inquiryFailShare, text: answers[r.IntN(len(answers))]}
	}
	slices.SortStableFunc(as, func(a, b answer) int { return a.at.Compare(b.at) })
	last := start
	for _, a := range as {
		q := &states[a.i]
		if a.failed {
			q.State, q.Answer = "failed", "استعلام ناموفق: سامانه دستگاه پاسخ نداد"
			add(a.at, stateInProgress, "inquiry "+q.TypeID+" failed", "استعلام "+q.TypeID+" ناموفق بود.", one(*q))
		} else {
			q.State, q.Answer = "answered", a.text
			add(a.at, stateInProgress, "inquiry "+q.TypeID+" answered", "پاسخ استعلام "+q.TypeID+" رسید.", one(*q))
		}
		last = evs[len(evs)-1].due
	}

	switch {
	case outcome < shareDone:
		add(last.Add(span(0.3, 0.8)), stateDone, "the request is done", "درخواست انجام شد.", "")
	case outcome < shareDone+shareNeedsAction:
		doc := documents[r.IntN(len(documents))]
		t := last.Add(span(0.3, 0.8))
		add(t, stateNeedsAction, "supporting documents needed: "+doc.en, "مدارک تکمیلی لازم است: "+doc.fa, "")
		t = evs[len(evs)-1].due.Add(span(0.5, 1))
		add(t, stateInProgress, "the documents arrived; work goes on", "مدارک تکمیلی رسید؛ رسیدگی ادامه دارد.", "")
		t = evs[len(evs)-1].due.Add(span(0.3, 0.8))
		add(t, stateDone, "the request is done", "درخواست انجام شد.", "")
	default:
		why := refusals[r.IntN(len(refusals))]
		add(last.Add(span(0.3, 0.8)), stateRefused, "refused: "+why.en, why.fa, "")
	}
	return evs
}

// materialize moves every event now due into the updates log, whose row id
// is the cursor, in due order and in one transaction.
func (s *Sim) materialize(ctx context.Context) error {
	now := s.now().UnixNano()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var due int
		err := tx.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM events WHERE due_ns <= ? LIMIT 1)", now).Scan(&due)
		if err != nil || due == 0 {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO updates(request_id, office, desk, state, note, note_fa, inquiries, at_ns)
			SELECT request_id, office, desk, state, note, note_fa, inquiries, due_ns FROM events
			WHERE due_ns <= ? ORDER BY due_ns, id`, now)
		if err != nil {
			return fmt.Errorf("publish due updates: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM events WHERE due_ns <= ?", now); err != nil {
			return fmt.Errorf("drop published events: %w", err)
		}
		return bump(ctx, tx, "updates", n)
	})
}

func (s *Sim) handleUpdates(w http.ResponseWriter, r *http.Request) *apiError {
	body, e := readBody(r, 1<<16)
	if e != nil {
		return e
	}
	c, e := s.authenticate(r, body)
	if e != nil {
		return e
	}
	q := r.URL.Query()
	after, limit := int64(0), DefaultUpdatesLimit
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return badRequest("after %q is not a cursor", v)
		}
		after = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return badRequest("limit %q is not a positive number", v)
		}
		limit = min(n, exchange.MaxUpdates)
	}
	ctx := context.WithoutCancel(r.Context())
	if err := s.materialize(ctx); err != nil {
		return internal(err)
	}
	ups, more, err := s.desksUpdates(ctx, c.Office, c.Desk, after, limit)
	if err != nil {
		return internal(err)
	}
	next := after
	if len(ups) > 0 {
		next = ups[len(ups)-1].Seq
	}
	if ups == nil {
		ups = []exchange.Update{}
	}
	writeJSON(w, http.StatusOK, exchange.UpdatesResponse{Updates: ups, Next: next, More: more})
	return nil
}

// desksUpdates returns up to limit published updates of one desk after the
// cursor, and whether more are ready.
func (s *Sim) desksUpdates(ctx context.Context, office, desk int, after int64, limit int) ([]exchange.Update, bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, request_id, state, note, note_fa, inquiries, at_ns FROM updates
		WHERE office = ? AND desk = ? AND seq > ? ORDER BY seq LIMIT ?`, office, desk, after, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("read updates: %w", err)
	}
	defer rows.Close()
	var ups []exchange.Update
	for rows.Next() {
		var u exchange.Update
		var inq string
		var at int64
		if err := rows.Scan(&u.Seq, &u.RequestID, &u.State, &u.Note, &u.NoteFa, &inq, &at); err != nil {
			return nil, false, fmt.Errorf("read updates: %w", err)
		}
		if inq != "" {
			if err := json.Unmarshal([]byte(inq), &u.Inquiries); err != nil {
				return nil, false, fmt.Errorf("update %d: inquiries: %w", u.Seq, err)
			}
		}
		u.At = time.Unix(0, at).UTC()
		ups = append(ups, u)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read updates: %w", err)
	}
	more := len(ups) > limit
	if more {
		ups = ups[:limit]
	}
	return ups, more, nil
}
