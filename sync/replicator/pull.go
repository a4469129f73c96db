package replicator

import (
	"context"
	"fmt"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// pullUpdates asks for status updates page by page from the cursor and
// applies each page with the cursor move in one transaction.
func (r *Replicator) pullUpdates(ctx context.Context, c *exchange.Client, cursor int64) error {
	r.update(func(s *Status) { s.Phase = PhaseUpdates })
	for {
		resp, err := c.Updates(ctx, cursor, r.cfg.UpdatesPage)
		if err != nil {
			return err
		}
		if len(resp.Updates) == 0 && resp.Next == cursor {
			return nil
		}
		ups := make([]pishkhan.StatusUpdate, len(resp.Updates))
		for i, u := range resp.Updates {
			ups[i] = UpdateOf(u)
		}
		res, err := r.out.ApplyStatusUpdates(ctx, ups, resp.Next, r.cfg.Actor)
		if err != nil {
			return fmt.Errorf("apply status updates: %w", err)
		}
		if res.Unknown > 0 || res.Stale > 0 {
			r.cfg.Log.Info("status updates skipped", "unknown", res.Unknown, "stale", res.Stale)
		}
		cursor = resp.Next
		if !resp.More {
			return nil
		}
	}
}

// UpdateOf is a decoded wire update as the desk records it (the decoder has
// checked its id and states). The Persian note is preferred: a clerk reads it.
func UpdateOf(u exchange.Update) pishkhan.StatusUpdate {
	id, _ := pishkhan.ParseID(u.RequestID)
	su := pishkhan.StatusUpdate{Seq: u.Seq, RequestID: id, State: exchange.UpdateStates[u.State], Note: u.NoteFa, At: u.At}
	if su.Note == "" {
		su.Note = u.Note
	}
	for _, q := range u.Inquiries {
		su.Inquiries = append(su.Inquiries, pishkhan.InquiryUpdate{TypeID: q.TypeID, State: pishkhan.InquiryState(q.State), Answer: q.Answer})
	}
	return su
}

// pullCatalog asks for catalog changes since the installed version and
// applies them in one transaction. Requests already filed keep the version
// and fees they were made under.
func (r *Replicator) pullCatalog(ctx context.Context, c *exchange.Client) error {
	ver, err := r.out.CatalogVersion(ctx)
	if err != nil {
		return fmt.Errorf("catalog version: %w", err)
	}
	r.update(func(s *Status) { s.Phase, s.Done, s.Total = PhaseCatalog, 0, -1 })
	delta, err := c.Catalog(ctx, int64(ver), func(read, total int64) {
		r.update(func(s *Status) { s.Done, s.Total = read, total })
	})
	if err != nil {
		return err
	}
	if !delta.Full && delta.Version == int64(ver) {
		return nil
	}
	nv, err := r.out.UpgradeCatalog(ctx, r.cfg.Actor, func(cur *pishkhan.Catalog) (*pishkhan.Catalog, error) {
		if delta.Full {
			return delta.Apply(nil)
		}
		return delta.Apply(cur)
	})
	if err != nil {
		return fmt.Errorf("apply catalog version %d: %w", delta.Version, err)
	}
	r.cfg.Log.Info("catalog upgraded", "from", ver, "to", nv)
	r.update(func(s *Status) { s.CatalogVersion = nv })
	return nil
}
