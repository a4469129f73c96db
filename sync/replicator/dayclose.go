package replicator

import (
	"context"
	"fmt"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// DayCloses is what an outbox that also keeps closed days offers (the
// desk's store does); the replicator sends each close once, after the
// requests of the cycle.
type DayCloses interface {
	UnsentDayCloses(ctx context.Context) ([]pishkhan.DayClose, error)
	MarkDayCloseSent(ctx context.Context, id int64) error
}

// pushDayCloses uploads the closes the exchange does not have yet. The
// exchange answers accepted, duplicate (it has this very close) or
// conflict (it has another close of that day, e.g. before a reopening);
// each ends the close's sending, a conflict with an error in the log.
func (r *Replicator) pushDayCloses(ctx context.Context, c *exchange.Client) error {
	dc, ok := r.out.(DayCloses)
	if !ok {
		return nil
	}
	closes, err := dc.UnsentDayCloses(ctx)
	if err != nil {
		return fmt.Errorf("read unsent day closes: %w", err)
	}
	for _, d := range closes {
		resp, err := c.UploadDayClose(ctx, exchange.DayClose{Day: d.Date, Requests: d.Requests, ExpectedCash: int64(d.ExpectedCash),
			CountedCash: int64(d.CountedCash), CardTotal: int64(d.ExpectedCard), ClosedBy: d.ClosedBy, ClosedAt: d.ClosedAt, Note: d.Reason})
		if err != nil {
			return fmt.Errorf("upload the close of %s: %w", d.Date, err)
		}
		switch resp.Status {
		case "accepted", "duplicate":
		case "conflict":
			r.cfg.Log.Error("the exchange holds another close of this day; this one is kept on the desk only", "day", d.Date, "reason", resp.Reason)
		default:
			return fmt.Errorf("upload the close of %s: unknown answer %q", d.Date, resp.Status)
		}
		if err := dc.MarkDayCloseSent(ctx, d.ID); err != nil {
			return fmt.Errorf("mark the close of %s sent: %w", d.Date, err)
		}
		r.cfg.Log.Info("day close sent", "day", d.Date, "answer", resp.Status)
	}
	return nil
}
