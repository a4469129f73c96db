package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pishkhan/pishkhan"
)

// appendAudit seals e onto the end of the chain inside tx.
func (s *DB) appendAudit(ctx context.Context, tx *sql.Tx, e pishkhan.AuditEntry) error {
	last, err := s.stmt(ctx, tx, `SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq DESC LIMIT 1`)
	if err != nil {
		return err
	}
	prev, err := scanAudit(last.QueryRowContext(ctx))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		e.Seal(nil)
	case err != nil:
		return fmt.Errorf("read last audit entry: %w", err)
	default:
		e.Seal(&prev)
	}
	ins, err := s.stmt(ctx, tx, `INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	if _, err = ins.ExecContext(ctx, e.Seq, fmtTime(e.At), e.Actor, e.Action, e.Subject, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("append audit entry %s: %w", e.Action, err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanAudit(r scanner) (pishkhan.AuditEntry, error) {
	var e pishkhan.AuditEntry
	var at string
	if err := r.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	t, err := parseTime(at)
	e.At = t
	return e, err
}

// AppendAudit adds one entry to the audit trail in its own transaction.
func (s *DB) AppendAudit(ctx context.Context, actor, action, subject, detail string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: s.Now(), Actor: actor, Action: action, Subject: subject, Detail: detail})
	})
}

// VerifyAudit walks the whole audit trail, checking every link of the hash
// chain. It returns the number of entries and the last one.
func (s *DB) VerifyAudit(ctx context.Context) (int64, *pishkhan.AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq`)
	if err != nil {
		return 0, nil, storageError(fmt.Errorf("read audit trail: %w", err))
	}
	defer rows.Close()
	var v pishkhan.AuditVerifier
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil && e.Seq > 0 {
			// The row was read but its time does not parse: it was altered.
			return v.Count(), v.Last(), pishkhan.WrapError(err, pishkhan.EConflict, "یکی از رویدادها دستکاری شده است.",
				"audit entry %d was altered", e.Seq)
		}
		if err != nil {
			return v.Count(), v.Last(), storageError(fmt.Errorf("read audit entry: %w", err))
		}
		if err := v.Next(e); err != nil {
			return v.Count(), v.Last(), err
		}
	}
	if err := rows.Err(); err != nil {
		return v.Count(), v.Last(), storageError(fmt.Errorf("read audit trail: %w", err))
	}
	return v.Count(), v.Last(), nil
}

// AuditTrail returns audit entries about subject (all entries when subject is ""), oldest first, at most limit.
func (s *DB) AuditTrail(ctx context.Context, subject string, limit int) ([]pishkhan.AuditEntry, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit
		WHERE ? = '' OR subject = ? ORDER BY seq LIMIT ?`, subject, subject, limit)
	if err != nil {
		return nil, storageError(fmt.Errorf("read audit trail: %w", err))
	}
	defer rows.Close()
	var out []pishkhan.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, storageError(fmt.Errorf("read audit entry: %w", err))
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, storageError(fmt.Errorf("read audit trail: %w", err))
	}
	return out, nil
}
