package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pishkhan/pishkhan"
)

// This file is the store's side of syncing with the central exchange: the
// outbox (claim, release, outcomes), status updates with their cursor, and
// the desk's sync state. Every change is one transaction.

// SyncState returns what the desk remembers about its link to the exchange.
func (s *DB) SyncState(ctx context.Context) (pishkhan.SyncState, error) {
	var st pishkhan.SyncState
	var enrolled, success, errAt sql.NullString
	var warn, refuse int64
	err := s.db.QueryRowContext(ctx, `SELECT exchange_url, key_id, enrolled_at, updates_cursor, last_success, last_error,
		last_error_at, alert, warn_after_s, refuse_after_s FROM sync_state WHERE id = 1`).
		Scan(&st.ExchangeURL, &st.KeyID, &enrolled, &st.UpdatesCursor, &success, &st.LastError, &errAt, &st.Alert, &warn, &refuse)
	if err != nil {
		return st, storageError(fmt.Errorf("read sync state: %w", err))
	}
	st.Limits = pishkhan.OfflineLimits{WarnAfter: time.Duration(warn) * time.Second, RefuseAfter: time.Duration(refuse) * time.Second}
	for _, f := range []struct {
		v   sql.NullString
		dst *time.Time
	}{{enrolled, &st.EnrolledAt}, {success, &st.LastSuccess}, {errAt, &st.LastErrorAt}} {
		if f.v.Valid {
			if *f.dst, err = parseTime(f.v.String); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// SetEnrolment records that the desk is enrolled with the exchange at url
// under keyID; it clears any alert. The key itself lives in a file, never here.
func (s *DB) SetEnrolment(ctx context.Context, url, keyID, actor string) error {
	if url == "" || keyID == "" {
		return pishkhan.Errorf(pishkhan.EInvalid, "نشانی مرکز و شناسه کلید لازم است.", "enrolment needs the exchange address and a key id")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET exchange_url = ?, key_id = ?, enrolled_at = ?, alert = '' WHERE id = 1`,
			url, keyID, fmtTime(now)); err != nil {
			return fmt.Errorf("save enrolment: %w", err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "sync.enrol", Subject: keyID, Detail: url})
	})
}

// SetOfflineLimits changes the offline rules.
func (s *DB) SetOfflineLimits(ctx context.Context, l pishkhan.OfflineLimits, actor string) error {
	if err := l.Check(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET warn_after_s = ?, refuse_after_s = ? WHERE id = 1`,
			int64(l.WarnAfter/time.Second), int64(l.RefuseAfter/time.Second)); err != nil {
			return fmt.Errorf("save offline limits: %w", err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "sync.limits", Subject: "offline",
			Detail: fmt.Sprintf("warn after %s, refuse after %s", l.WarnAfter, l.RefuseAfter)})
	})
}

// OfflineCheck returns what intake needs to apply the offline limits: the
// limits and the intake time of the oldest unsent request (zero when none).
// It is one query that reads the minimum off the outbox index, so its cost
// does not grow with the backlog (a count would).
func (s *DB) OfflineCheck(ctx context.Context) (pishkhan.OfflineLimits, time.Time, error) {
	var warn, refuse int64
	var oldest sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT warn_after_s, refuse_after_s,
		(SELECT MIN(created_at) FROM requests WHERE state IN ('queued', 'sending')) FROM sync_state WHERE id = 1`).Scan(&warn, &refuse, &oldest)
	if err != nil {
		return pishkhan.OfflineLimits{}, time.Time{}, storageError(fmt.Errorf("read offline state: %w", err))
	}
	l := pishkhan.OfflineLimits{WarnAfter: time.Duration(warn) * time.Second, RefuseAfter: time.Duration(refuse) * time.Second}
	if !oldest.Valid {
		return l, time.Time{}, nil
	}
	t, err := parseTime(oldest.String)
	return l, t, err
}

// RecordSyncSuccess notes a successful exchange with the central exchange at t.
func (s *DB) RecordSyncSuccess(ctx context.Context, t time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sync_state SET last_success = ? WHERE id = 1`, fmtTime(t))
		return err
	})
}

// RecordSyncError notes a failed attempt (English message, for the technician).
func (s *DB) RecordSyncError(ctx context.Context, msg string, t time.Time) error {
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sync_state SET last_error = ?, last_error_at = ? WHERE id = 1`, msg, fmtTime(t))
		return err
	})
}

// SetSyncAlert raises (or, with "", clears) the alert that stops syncing:
// the exchange refused the desk's identity.
func (s *DB) SetSyncAlert(ctx context.Context, alert, actor string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var cur string
		if err := tx.QueryRowContext(ctx, "SELECT alert FROM sync_state WHERE id = 1").Scan(&cur); err != nil {
			return fmt.Errorf("read sync alert: %w", err)
		}
		if cur == alert {
			return nil
		}
		now := s.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET alert = ? WHERE id = 1`, alert); err != nil {
			return fmt.Errorf("save sync alert: %w", err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "sync.alert", Subject: "exchange", Detail: alert})
	})
}

// ResetSending returns every request left in sending (by a run that
// stopped before it heard the exchange's answer) to queued, so it is sent
// again; the exchange deduplicates by id. It returns how many there were.
func (s *DB) ResetSending(ctx context.Context, actor string) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		res, err := tx.ExecContext(ctx, `UPDATE requests SET state = 'queued', updated_at = ? WHERE state = 'sending'`, fmtTime(now))
		if err != nil {
			return fmt.Errorf("reset sending requests: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "sync.reset", Subject: "outbox",
			Detail: fmt.Sprintf("%d requests back from sending to queued", n)})
	})
	return int(n), err
}

// ClaimOutbox moves up to limit queued requests, oldest first, to sending
// and returns them with their inquiries and payment, ready to send.
func (s *DB) ClaimOutbox(ctx context.Context, limit int) ([]pishkhan.Request, error) {
	if limit <= 0 {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "اندازه دسته نامعتبر است.", "outbox claim limit must be positive, got %d", limit)
	}
	var out []pishkhan.Request
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The first term lets SQLite use the partial index requests_outbox.
		vs, err := queryRequests(ctx, tx, "WHERE r.state IN ('queued', 'sending') AND r.state = 'queued' ORDER BY r.created_at, r.id LIMIT ?", limit)
		if err != nil || len(vs) == 0 {
			return err
		}
		ids := make([]any, 0, len(vs)+1)
		ids = append(ids, fmtTime(s.Now()))
		byID := make(map[string]*pishkhan.Request, len(vs))
		out = make([]pishkhan.Request, len(vs))
		for i := range vs {
			out[i] = vs[i].Request
			out[i].State = pishkhan.StateSending
			ids = append(ids, out[i].ID.String())
			byID[out[i].ID.String()] = &out[i]
		}
		in := placeholders(len(vs))
		if _, err := tx.ExecContext(ctx, "UPDATE requests SET state = 'sending', updated_at = ? WHERE id IN ("+in+")", ids...); err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		return loadSendDetails(ctx, tx, byID, ids[1:], in)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadSendDetails reads the inquiries and payments of many requests at once.
func loadSendDetails(ctx context.Context, tx *sql.Tx, byID map[string]*pishkhan.Request, ids []any, in string) error {
	rows, err := tx.QueryContext(ctx, "SELECT request_id, type_id, state, answer, updated_at FROM inquiries WHERE request_id IN ("+in+") ORDER BY request_id, position", ids...)
	if err != nil {
		return fmt.Errorf("read inquiries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid, state, at string
		var q pishkhan.Inquiry
		if err := rows.Scan(&rid, &q.TypeID, &state, &q.Answer, &at); err != nil {
			return fmt.Errorf("read inquiry: %w", err)
		}
		r := byID[rid]
		q.RequestID, q.State = r.ID, pishkhan.InquiryState(state)
		if q.UpdatedAt, err = parseTime(at); err != nil {
			return err
		}
		r.Inquiries = append(r.Inquiries, q)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read inquiries: %w", err)
	}
	prows, err := tx.QueryContext(ctx, "SELECT request_id, method, amount, terminal_ref, paid_at FROM payments WHERE request_id IN ("+in+")", ids...)
	if err != nil {
		return fmt.Errorf("read payments: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		var rid, method, paid string
		var amount int64
		var p pishkhan.Payment
		if err := prows.Scan(&rid, &method, &amount, &p.TerminalRef, &paid); err != nil {
			return fmt.Errorf("read payment: %w", err)
		}
		r := byID[rid]
		p.RequestID, p.Method, p.Amount = r.ID, pishkhan.PaymentMethod(method), pishkhan.Rials(amount)
		if p.PaidAt, err = parseTime(paid); err != nil {
			return err
		}
		r.Payment = &p
	}
	return prows.Err()
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// ReleaseSending returns claimed requests that could not be sent (the
// exchange was unreachable or answered with a transient error) to queued.
// Requests no longer in sending are left alone.
func (s *DB) ReleaseSending(ctx context.Context, ids []pishkhan.ID) error {
	if len(ids) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		args := make([]any, 0, len(ids)+1)
		args = append(args, fmtTime(s.Now()))
		for _, id := range ids {
			args = append(args, id.String())
		}
		_, err := tx.ExecContext(ctx, "UPDATE requests SET state = 'queued', updated_at = ? WHERE state = 'sending' AND id IN ("+placeholders(len(ids))+")", args...)
		if err != nil {
			return fmt.Errorf("release sending requests: %w", err)
		}
		return nil
	})
}

// ApplySendOutcomes records the exchange's answers to a sent batch in one
// transaction: accepted, rejected or conflict (with the exchange's note), or
// back to queued for a deferred one. A request that is no longer in sending
// (an update already moved it on) is left as it is. Rejections and
// conflicts, which need a person, get an audit entry each; the batch gets one.
func (s *DB) ApplySendOutcomes(ctx context.Context, outcomes []pishkhan.SendOutcome, actor string) error {
	if len(outcomes) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		at := fmtTime(now)
		// One statement per request: it moves only a request still in
		// sending, and says which one it was.
		upd, err := s.stmt(ctx, tx, "UPDATE requests SET state = ?, state_note = ?, updated_at = ? WHERE id = ? AND state = 'sending' RETURNING tracking_code")
		if err != nil {
			return err
		}
		exists, err := s.stmt(ctx, tx, "SELECT 1 FROM requests WHERE id = ?")
		if err != nil {
			return err
		}
		// known tells an answer for a request that moved on (nil) from one
		// for a request this desk never had (ENotFound).
		known := func(id string) error {
			var one int
			err := exists.QueryRowContext(ctx, id).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return pishkhan.Errorf(pishkhan.ENotFound, "درخواست پیدا نشد.", "send outcome for unknown request %s", id)
			}
			if err != nil {
				return fmt.Errorf("read request %s: %w", id, err)
			}
			return nil
		}
		counts := map[pishkhan.RequestState]int{}
		// The common answer, accepted with no note, moves the whole batch in
		// one statement; the rest go one by one below.
		var plain []any
		rest := outcomes[:0:0]
		for _, o := range outcomes {
			if o.State == pishkhan.StateAccepted && o.Note == "" {
				plain = append(plain, o.ID.String())
			} else {
				rest = append(rest, o)
			}
		}
		if len(plain) > 0 {
			args := append([]any{at}, plain...)
			rows, err := tx.QueryContext(ctx, "UPDATE requests SET state = 'accepted', state_note = '', updated_at = ? WHERE state = 'sending' AND id IN ("+
				placeholders(len(plain))+") RETURNING id", args...)
			if err != nil {
				return fmt.Errorf("record accepted requests: %w", err)
			}
			moved := map[string]bool{}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return fmt.Errorf("record accepted requests: %w", err)
				}
				moved[id] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("record accepted requests: %w", err)
			}
			counts[pishkhan.StateAccepted] += len(moved)
			for _, id := range plain {
				if moved[id.(string)] {
					continue
				}
				if err := known(id.(string)); err != nil {
					return err
				}
				counts["skipped"]++
			}
		}
		for _, o := range rest {
			switch o.State {
			case pishkhan.StateAccepted, pishkhan.StateRejected, pishkhan.StateConflict, pishkhan.StateQueued:
			default:
				return pishkhan.Errorf(pishkhan.EInvalid, "پاسخ مرکز نامعتبر است.", "send outcome %s for %s is not a send outcome", o.State, o.ID)
			}
			var code string
			err := upd.QueryRowContext(ctx, string(o.State), o.Note, at, o.ID.String()).Scan(&code)
			if errors.Is(err, sql.ErrNoRows) {
				if err := known(o.ID.String()); err != nil {
					return err
				}
				counts["skipped"]++ // no longer in sending: an update already moved it on
				continue
			}
			if err != nil {
				return fmt.Errorf("record send outcome of %s: %w", o.ID, err)
			}
			counts[o.State]++
			if o.State == pishkhan.StateRejected || o.State == pishkhan.StateConflict {
				if err := s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "request.state", Subject: code,
					Detail: "sending -> " + string(o.State) + ": " + o.Note}); err != nil {
					return err
				}
			}
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "sync.send", Subject: "outbox",
			Detail: fmt.Sprintf("%d sent: %d accepted, %d rejected, %d conflict, %d deferred, %d already moved on", len(outcomes),
				counts[pishkhan.StateAccepted], counts[pishkhan.StateRejected], counts[pishkhan.StateConflict], counts[pishkhan.StateQueued], counts["skipped"])})
	})
}

// UpdateResult counts what ApplyStatusUpdates did.
type UpdateResult = pishkhan.UpdateCounts

// ApplyStatusUpdates applies the exchange's status updates and moves the
// cursor to next, all in one transaction. An update about a request still
// queued or sending means the exchange holds it (its answer to the batch was
// lost), so the request becomes accepted first. An update that the state
// machine does not allow from the request's current state is stale (an
// older update delivered again) and is skipped; so is one about an unknown
// request, and one whose Seq is not above the cursor (a page applied
// before), which makes a replayed page harmless. Inquiry answers of a
// purged request are not stored.
func (s *DB) ApplyStatusUpdates(ctx context.Context, updates []pishkhan.StatusUpdate, next int64, actor string) (UpdateResult, error) {
	var res UpdateResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res = UpdateResult{}
		now := s.Now()
		at := fmtTime(now)
		read, err := s.stmt(ctx, tx, "SELECT state, state_note, purged_at IS NOT NULL FROM requests WHERE id = ?")
		if err != nil {
			return err
		}
		upd, err := s.stmt(ctx, tx, "UPDATE requests SET state = ?, state_note = ?, updated_at = ? WHERE id = ?")
		if err != nil {
			return err
		}
		inq, err := s.stmt(ctx, tx, `UPDATE inquiries SET state = ?, answer = ?, updated_at = ? WHERE request_id = ? AND type_id = ?
			AND (state <> ? OR answer <> ?)`)
		if err != nil {
			return err
		}
		var cursor int64
		if err := tx.QueryRowContext(ctx, "SELECT updates_cursor FROM sync_state WHERE id = 1").Scan(&cursor); err != nil {
			return fmt.Errorf("read updates cursor: %w", err)
		}
		for _, u := range updates {
			if !u.State.Valid() {
				return pishkhan.Errorf(pishkhan.EInvalid, "پاسخ مرکز نامعتبر است.", "status update with state %q", u.State)
			}
			if u.Seq <= cursor {
				res.Stale++
				continue
			}
			id := u.RequestID.String()
			var state, note string
			var purged bool
			err := read.QueryRowContext(ctx, id).Scan(&state, &note, &purged)
			if errors.Is(err, sql.ErrNoRows) {
				res.Unknown++
				continue
			}
			if err != nil {
				return fmt.Errorf("read request state: %w", err)
			}
			cur := pishkhan.RequestState(state)
			changed := false
			if cur.Unsent() {
				for _, step := range []pishkhan.RequestState{pishkhan.StateSending, pishkhan.StateAccepted} {
					if cur == step {
						continue
					}
					if _, err := upd.ExecContext(ctx, string(step), "", at, id); err != nil {
						return fmt.Errorf("accept %s on a status update: %w", id, err)
					}
					cur = step
				}
				changed = true
			}
			switch {
			case cur == u.State:
				if u.Note != "" && u.Note != note {
					if _, err := upd.ExecContext(ctx, string(cur), u.Note, at, id); err != nil {
						return fmt.Errorf("update note of %s: %w", id, err)
					}
					changed = true
				}
			case pishkhan.CanTransition(cur, u.State):
				if _, err := upd.ExecContext(ctx, string(u.State), u.Note, at, id); err != nil {
					return fmt.Errorf("update state of %s: %w", id, err)
				}
				changed = true
			default:
				res.Stale++
				if !changed {
					continue
				}
			}
			for _, q := range u.Inquiries {
				answer := q.Answer
				if purged {
					answer = ""
				}
				r, err := inq.ExecContext(ctx, string(q.State), answer, at, id, q.TypeID, string(q.State), answer)
				if err != nil {
					return fmt.Errorf("update inquiry %s of %s: %w", q.TypeID, id, err)
				}
				if n, _ := r.RowsAffected(); n > 0 {
					changed = true
				}
			}
			if changed {
				res.Applied++
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE sync_state SET updates_cursor = MAX(updates_cursor, ?) WHERE id = 1", next); err != nil {
			return fmt.Errorf("move updates cursor: %w", err)
		}
		if res.Applied == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "sync.updates", Subject: "exchange",
			Detail: fmt.Sprintf("%d updates up to %d: %d applied, %d stale, %d unknown", len(updates), next, res.Applied, res.Stale, res.Unknown)})
	})
	return res, err
}
