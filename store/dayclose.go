package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
)

// Total is a count and a sum of fees under one name (a service, an agency,
// a clerk).
type Total struct {
	Name   string
	Count  int
	Amount pishkhan.Rials
}

// DaySummary is what a supervisor closes a day from: the money expected
// per payment method, the totals, and what has not reached the exchange.
type DaySummary struct {
	Date         persian.Date
	Requests     int
	ExpectedCash pishkhan.Rials
	ExpectedCard pishkhan.Rials
	ByService    []Total
	ByAgency     []Total
	ByClerk      []Total
	Unsent       []RequestView
	Close        *pishkhan.DayClose // the day's open close, if it is closed
}

// DaySummary reads a day's figures.
func (s *DB) DaySummary(ctx context.Context, day persian.Date) (DaySummary, error) {
	sum := DaySummary{Date: day}
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN p.method = 'cash' THEN p.amount END), 0),
			COALESCE(SUM(CASE WHEN p.method = 'card' THEN p.amount END), 0)
		FROM requests r LEFT JOIN payments p ON p.request_id = r.id WHERE r.day = ?`, day.String()).
		Scan(&sum.Requests, &sum.ExpectedCash, &sum.ExpectedCard)
	if err != nil {
		return sum, storageError(fmt.Errorf("sum day %s: %w", day, err))
	}
	for _, g := range []struct {
		col string
		out *[]Total
	}{{"r.sub_service_name", &sum.ByService}, {"r.agency_name", &sum.ByAgency}, {"COALESCE(u.full_name, r.clerk)", &sum.ByClerk}} {
		rows, err := s.db.QueryContext(ctx, `SELECT `+g.col+`, COUNT(*), SUM(r.gov_fee + r.counter_fee)
			FROM requests r LEFT JOIN users u ON u.username = r.clerk WHERE r.day = ? GROUP BY 1 ORDER BY 2 DESC, 1`, day.String())
		if err != nil {
			return sum, storageError(fmt.Errorf("totals of day %s: %w", day, err))
		}
		for rows.Next() {
			var t Total
			if err := rows.Scan(&t.Name, &t.Count, &t.Amount); err != nil {
				rows.Close()
				return sum, storageError(fmt.Errorf("totals of day %s: %w", day, err))
			}
			*g.out = append(*g.out, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return sum, storageError(fmt.Errorf("totals of day %s: %w", day, err))
		}
	}
	if sum.Unsent, err = s.queryRequests(ctx, "WHERE r.day = ? AND r.state IN ('queued', 'sending') ORDER BY r.seq", day.String()); err != nil {
		return sum, err
	}
	c, err := openClose(ctx, s.db, day)
	if err != nil {
		return sum, err
	}
	sum.Close = c
	return sum, nil
}

const closeColumns = `id, day, expected_cash, counted_cash, expected_card, counted_card, requests, reason, closed_by, closed_at,
	COALESCE(reopened_by, ''), COALESCE(reopened_at, ''), reopen_reason, sync_state`

func scanClose(r scanner) (pishkhan.DayClose, error) {
	var c pishkhan.DayClose
	var closed, reopened, state string
	err := r.Scan(&c.ID, &c.Date, &c.ExpectedCash, &c.CountedCash, &c.ExpectedCard, &c.CountedCard, &c.Requests, &c.Reason, &c.ClosedBy,
		&closed, &c.ReopenedBy, &reopened, &c.ReopenReason, &state)
	if err != nil {
		return c, err
	}
	if c.ClosedAt, err = parseTime(closed); err != nil {
		return c, err
	}
	if reopened != "" {
		if c.ReopenedAt, err = parseTime(reopened); err != nil {
			return c, err
		}
	}
	c.Sent = state == "sent"
	return c, nil
}

// openClose is the day's close that stands (not reopened), or nil.
func openClose(ctx context.Context, q queryer, day persian.Date) (*pishkhan.DayClose, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+closeColumns+` FROM day_close_rounds WHERE day = ? AND reopened_at IS NULL`, day.String())
	if err != nil {
		return nil, storageError(fmt.Errorf("read close of %s: %w", day, err))
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	c, err := scanClose(rows)
	if err != nil {
		return nil, storageError(fmt.Errorf("read close of %s: %w", day, err))
	}
	return &c, nil
}

// CloseDay closes a day with the supervisor's counted amounts. The expected
// amounts and the request count are computed here, in the same transaction
// that writes the close, so nothing filed meanwhile is missed; c's are
// ignored. A difference needs c.Reason. The close is audited, queued for
// the exchange, and a day-close print job (the Z-report) is queued.
func (s *DB) CloseDay(ctx context.Context, c pishkhan.DayClose, actor string) (pishkhan.DayClose, error) {
	day, err := persian.ParseDate(c.Date)
	if err != nil {
		return c, pishkhan.FieldError("date", "تاریخ روز نامعتبر است.", "day %q: %v", c.Date, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if open, err := openClose(ctx, tx, day); err != nil {
			return err
		} else if open != nil {
			return pishkhan.Errorf(pishkhan.ELocked, "این روز پیش‌تر بسته شده است.", "day %s is already closed (by %s)", day, open.ClosedBy)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*),
				COALESCE(SUM(CASE WHEN p.method = 'cash' THEN p.amount END), 0),
				COALESCE(SUM(CASE WHEN p.method = 'card' THEN p.amount END), 0)
			FROM requests r LEFT JOIN payments p ON p.request_id = r.id WHERE r.day = ?`, day.String()).
			Scan(&c.Requests, &c.ExpectedCash, &c.ExpectedCard); err != nil {
			return fmt.Errorf("sum day %s: %w", day, err)
		}
		now := s.Now()
		c.ClosedAt = now
		c.ReopenedAt, c.ReopenedBy, c.ReopenReason, c.Sent = time.Time{}, "", "", false
		if err := c.Check(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO day_close_rounds (day, expected_cash, counted_cash, expected_card, counted_card,
			requests, reason, closed_by, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			day.String(), c.ExpectedCash, c.CountedCash, c.ExpectedCard, c.CountedCard, c.Requests, c.Reason, c.ClosedBy, fmtTime(now))
		if err != nil {
			return fmt.Errorf("close day %s: %w", day, err)
		}
		c.ID, _ = res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO print_jobs (kind, state, created_at, day) VALUES ('day_close', 'pending', ?, ?)`, fmtTime(now), day.String()); err != nil {
			return fmt.Errorf("queue the day's receipt: %w", err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "day.close", Subject: day.String(),
			Detail: fmt.Sprintf("%d requests; cash expected %d counted %d; card expected %d counted %d; reason %q",
				c.Requests, c.ExpectedCash, c.CountedCash, c.ExpectedCard, c.CountedCard, c.Reason)})
	})
	return c, err
}

// ReopenDay reopens a closed day (the close stays on record, marked
// reopened) with a reason; audited.
func (s *DB) ReopenDay(ctx context.Context, day persian.Date, reason, actor string) error {
	if reason == "" {
		return pishkhan.FieldError("reason", "دلیل بازکردن روز را بنویسید.", "reopening a day needs a reason")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		open, err := openClose(ctx, tx, day)
		if err != nil {
			return err
		}
		if open == nil {
			return pishkhan.Errorf(pishkhan.EState, "این روز بسته نیست.", "day %s is not closed", day)
		}
		now := s.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE day_close_rounds SET reopened_by = ?, reopened_at = ?, reopen_reason = ? WHERE id = ?`,
			actor, fmtTime(now), reason, open.ID); err != nil {
			return fmt.Errorf("reopen day %s: %w", day, err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "day.reopen", Subject: day.String(),
			Detail: fmt.Sprintf("close %d by %s reopened: %s", open.ID, open.ClosedBy, reason)})
	})
}

// DayCloses lists a day's closes, the reopened ones too, oldest first.
func (s *DB) DayCloses(ctx context.Context, day persian.Date) ([]pishkhan.DayClose, error) {
	return s.closes(ctx, "WHERE day = ? ORDER BY id", day.String())
}

// UnsentDayCloses lists the closes the exchange has not acknowledged yet.
func (s *DB) UnsentDayCloses(ctx context.Context) ([]pishkhan.DayClose, error) {
	return s.closes(ctx, "WHERE sync_state = 'queued' ORDER BY id")
}

func (s *DB) closes(ctx context.Context, where string, args ...any) ([]pishkhan.DayClose, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+closeColumns+` FROM day_close_rounds `+where, args...)
	if err != nil {
		return nil, storageError(fmt.Errorf("read day closes: %w", err))
	}
	defer rows.Close()
	var out []pishkhan.DayClose
	for rows.Next() {
		c, err := scanClose(rows)
		if err != nil {
			return nil, storageError(fmt.Errorf("read day close: %w", err))
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MarkDayCloseSent records that the exchange holds close id.
func (s *DB) MarkDayCloseSent(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE day_close_rounds SET sync_state = 'sent' WHERE id = ?`, id)
	if err != nil {
		return classify(fmt.Errorf("mark day close %d sent: %w", id, err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return pishkhan.Errorf(pishkhan.ENotFound, "بستن روز پیدا نشد.", "no day close %d", id)
	}
	return nil
}

// QueueDayReprint queues another print of a closed day's receipt (audited).
func (s *DB) QueueDayReprint(ctx context.Context, day persian.Date, actor string) (pishkhan.PrintJob, error) {
	var job pishkhan.PrintJob
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		open, err := openClose(ctx, tx, day)
		if err != nil {
			return err
		}
		if open == nil {
			return pishkhan.Errorf(pishkhan.EState, "این روز بسته نشده است؛ گزارشی برای چاپ ندارد.", "day %s is not closed", day)
		}
		now := s.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO print_jobs (kind, state, created_at, day) VALUES ('day_close', 'pending', ?, ?)`, fmtTime(now), day.String())
		if err != nil {
			return fmt.Errorf("queue the receipt of %s: %w", day, err)
		}
		id, _ := res.LastInsertId()
		job = pishkhan.PrintJob{ID: id, Kind: pishkhan.PrintDayClose, State: pishkhan.PrintPending, CreatedAt: now, Day: day.String()}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "print.day_reprint", Subject: day.String(), Detail: fmt.Sprintf("job %d", id)})
	})
	return job, err
}

// DayReceiptPrinted reports whether a receipt of the day was printed
// before job id (so this one is a copy).
func (s *DB) DayReceiptPrinted(ctx context.Context, day persian.Date, before int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM print_jobs WHERE kind = 'day_close' AND day = ? AND state = 'printed' AND id < ?`,
		day.String(), before).Scan(&n)
	if err != nil {
		return false, storageError(fmt.Errorf("read the receipts of %s: %w", day, err))
	}
	return n > 0, nil
}

// PeriodLine is one request of a period, for the reports.
type PeriodLine struct {
	Tracking  pishkhan.TrackingCode
	Citizen   string
	Service   string
	Agency    string
	Clerk     string // full name when known
	State     pishkhan.RequestState
	PayMethod pishkhan.PaymentMethod // "" when no payment
	Paid      pishkhan.Rials
	Gov       pishkhan.Rials
	Counter   pishkhan.Rials
	CreatedAt time.Time
	Day       string
}

// PeriodLines reads every request filed from day from to day to, in filing order.
func (s *DB) PeriodLines(ctx context.Context, from, to persian.Date) ([]PeriodLine, error) {
	return s.periodLines(ctx, "", "WHERE r.day BETWEEN ? AND ? ORDER BY r.day, r.seq", from.String(), to.String())
}

// periodLines reads request lines; join adds tables, where filters and orders.
func (s *DB) periodLines(ctx context.Context, join, where string, args ...any) ([]PeriodLine, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.tracking_code, trim(r.first_name || ' ' || r.last_name), r.sub_service_name, r.agency_name,
			COALESCE(u.full_name, r.clerk), r.state, COALESCE(p.method, ''), COALESCE(p.amount, 0), r.gov_fee, r.counter_fee, r.created_at, r.day
		FROM requests r `+join+`
		LEFT JOIN payments p ON p.request_id = r.id LEFT JOIN users u ON u.username = r.clerk `+where, args...)
	if err != nil {
		return nil, storageError(fmt.Errorf("read request lines: %w", err))
	}
	defer rows.Close()
	var out []PeriodLine
	for rows.Next() {
		var l PeriodLine
		var code, state, method, created string
		if err := rows.Scan(&code, &l.Citizen, &l.Service, &l.Agency, &l.Clerk, &state, &method, &l.Paid, &l.Gov, &l.Counter, &created, &l.Day); err != nil {
			return nil, storageError(fmt.Errorf("read request line: %w", err))
		}
		l.Tracking, l.State, l.PayMethod = pishkhan.TrackingCode(code), pishkhan.RequestState(state), pishkhan.PaymentMethod(method)
		if l.CreatedAt, err = parseTime(created); err != nil {
			return nil, storageError(fmt.Errorf("read request line %s: %w", code, err))
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LateChanges lists the requests of closed days (closed before their
// change) whose state changed from day from to day to: a late-synced
// change belongs to the open day it arrived on.
func (s *DB) LateChanges(ctx context.Context, from, to persian.Date) ([]PeriodLine, error) {
	start, err := from.Time(persian.Tehran())
	if err != nil {
		return nil, pishkhan.FieldError("day", "تاریخ نامعتبر است.", "day %v: %v", from, err)
	}
	end, err := to.AddDays(1).Time(persian.Tehran())
	if err != nil {
		return nil, pishkhan.FieldError("day", "تاریخ نامعتبر است.", "day %v: %v", to, err)
	}
	return s.periodLines(ctx, "JOIN day_close_rounds c ON c.day = r.day AND c.reopened_at IS NULL",
		"WHERE r.day < ? AND r.updated_at > c.closed_at AND r.updated_at >= ? AND r.updated_at < ? ORDER BY r.updated_at",
		from.String(), fmtTime(start), fmtTime(end))
}
