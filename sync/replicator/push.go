package replicator

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// drain sends the outbox in batches until it is empty. Two batches are in
// flight at a time: while the exchange works on one, the desk claims the
// next and records the answer to the one before, so the two databases work
// side by side instead of in turn. On an error it waits for the batch still
// in flight (which returns its own requests to the queue if it fails too)
// and returns the first error.
func (r *Replicator) drain(ctx context.Context, c *exchange.Client) error {
	st, err := r.out.OutboxStats(ctx)
	if err != nil {
		return fmt.Errorf("outbox stats: %w", err)
	}
	if st.Pending == 0 {
		return nil
	}
	r.update(func(s *Status) { s.Phase, s.Done, s.Total = PhaseSending, 0, int64(st.Pending) })
	var inflight chan error
	wait := func() error {
		if inflight == nil {
			return nil
		}
		err := <-inflight
		inflight = nil
		return err
	}
	for {
		r.mu.Lock()
		n := r.maxBatch
		r.mu.Unlock()
		reqs, err := r.out.ClaimOutbox(ctx, n)
		if err != nil {
			return errors.Join(fmt.Errorf("claim outbox: %w", err), wait())
		}
		if len(reqs) == 0 {
			return wait()
		}
		next := make(chan error, 1)
		go func() { next <- r.send(ctx, c, reqs) }()
		if err := wait(); err != nil {
			inflight = next
			return errors.Join(err, wait())
		}
		inflight = next
	}
}

// send submits claimed requests and records the answers. On a failure it
// returns the requests not yet answered to queued. A 413 splits the batch
// in halves (and remembers the smaller size); a single request that is still
// too large, or that the exchange calls malformed (400), is rejected on its
// own so that it never blocks the others.
func (r *Replicator) send(ctx context.Context, c *exchange.Client, reqs []pishkhan.Request) error {
	items := make([]exchange.Item, len(reqs))
	for i := range reqs {
		items[i] = ItemOf(&reqs[i])
	}
	resp, _, err := c.SubmitBatch(ctx, items)
	var he *exchange.HTTPError
	if err != nil && errors.As(err, &he) && (he.TooLarge() || he.Status == 400) {
		if len(reqs) == 1 {
			note := "درخواست بزرگ‌تر از حد مجاز مرکز است و پذیرفته نشد."
			if !he.TooLarge() {
				note = "مرکز این درخواست را نامعتبر دانست و نپذیرفت."
			}
			if he.Detail.MessageFa != "" {
				note = he.Detail.MessageFa
			}
			r.cfg.Log.Error("the exchange refused one request for good", "id", reqs[0].ID, "status", he.Status, "err", he)
			return r.record(ctx, []pishkhan.SendOutcome{{ID: reqs[0].ID, State: pishkhan.StateRejected, Note: note}})
		}
		half := len(reqs) / 2
		if he.TooLarge() {
			r.mu.Lock()
			r.maxBatch = max(1, min(r.maxBatch, half))
			r.mu.Unlock()
			r.cfg.Log.Info("batch too large; splitting", "items", len(reqs), "now", half)
		}
		if err := r.send(ctx, c, reqs[:half]); err != nil {
			r.release(ctx, reqs[half:])
			return err
		}
		return r.send(ctx, c, reqs[half:])
	}
	if err != nil {
		r.release(ctx, reqs)
		return err
	}
	outcomes := make([]pishkhan.SendOutcome, len(resp.Results))
	for i, res := range resp.Results {
		o := pishkhan.SendOutcome{ID: reqs[i].ID, Note: res.ReasonFa}
		switch res.Outcome() {
		case exchange.ItemAccepted:
			o.State = pishkhan.StateAccepted
		case exchange.ItemRejected:
			o.State = pishkhan.StateRejected
		case exchange.ItemConflict:
			o.State = pishkhan.StateConflict
		default: // deferred
			o.State = pishkhan.StateQueued
		}
		if o.Note == "" && o.State != pishkhan.StateAccepted && o.State != pishkhan.StateQueued {
			o.Note = res.Reason
		}
		outcomes[i] = o
	}
	return r.record(ctx, outcomes)
}

func (r *Replicator) record(ctx context.Context, outcomes []pishkhan.SendOutcome) error {
	// The exchange has answered: record it even if ctx ends now, or the
	// answer is lost (harmless, but it costs a resend).
	if err := r.out.ApplySendOutcomes(context.WithoutCancel(ctx), outcomes, r.cfg.Actor); err != nil {
		return fmt.Errorf("record the exchange's answers: %w", err)
	}
	sent, deferred := int64(0), 0
	for _, o := range outcomes {
		if o.State == pishkhan.StateQueued {
			deferred++
		} else {
			sent++
		}
	}
	r.update(func(s *Status) { s.Done += sent; s.Sent += sent; s.Online = true })
	if deferred == len(outcomes) {
		return fmt.Errorf("the exchange deferred all %d requests of the batch", deferred)
	}
	return nil
}

func (r *Replicator) release(ctx context.Context, reqs []pishkhan.Request) {
	ids := make([]pishkhan.ID, len(reqs))
	for i := range reqs {
		ids[i] = reqs[i].ID
	}
	if err := r.out.ReleaseSending(context.WithoutCancel(ctx), ids); err != nil {
		// They stay in sending; the next start puts them back in the queue.
		r.cfg.Log.Error("could not return unsent requests to the queue", "err", err, "count", len(ids))
	}
}

// ItemOf is a request as the exchange receives it.
func ItemOf(q *pishkhan.Request) exchange.Item {
	it := exchange.Item{
		ID: q.ID.String(), TrackingCode: string(q.TrackingCode), Day: q.Day, CreatedAt: q.CreatedAt.UTC(),
		NationalCode: string(q.Citizen.NationalCode), FirstName: q.Citizen.FirstName, LastName: q.Citizen.LastName,
		FatherName: q.Citizen.FatherName, BirthDate: q.Citizen.BirthDate, Mobile: string(q.Citizen.Mobile),
		SubServiceID: q.SubServiceID, CatalogVersion: int64(q.CatalogVersion), Fields: q.Fields,
		GovFee: int64(q.GovFee), CounterFee: int64(q.CounterFee), Clerk: q.ClerkID,
	}
	if it.Fields == nil {
		it.Fields = map[string]string{}
	}
	for _, iq := range q.Inquiries {
		it.Inquiries = append(it.Inquiries, iq.TypeID)
	}
	if p := q.Payment; p != nil {
		it.Payment = exchange.Payment{Method: string(p.Method), Amount: int64(p.Amount), TerminalRef: p.TerminalRef, PaidAt: p.PaidAt.UTC()}
	}
	return it
}

func errorsContains(err error, subs ...string) bool {
	msg := err.Error()
	for _, s := range subs {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
