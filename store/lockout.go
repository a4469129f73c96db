package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pishkhan/pishkhan"
)

// PINLockedUntil is when a user's lockout ends; zero when not locked.
func (s *DB) PINLockedUntil(ctx context.Context, username string) (time.Time, error) {
	var until sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT locked_until FROM pin_failures WHERE username = ?`, username).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !until.Valid {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, storageError(fmt.Errorf("read lockout of %s: %w", username, err))
	}
	t, err := parseTime(until.String)
	if err != nil {
		return time.Time{}, storageError(fmt.Errorf("read lockout of %s: %w", username, err))
	}
	if !t.After(s.Now()) {
		return time.Time{}, nil
	}
	return t, nil
}

// RecordPINFailure counts a wrong PIN; at max failures in a row the user
// is locked for lock, audited, and the count starts again. It returns the
// lockout's end when this failure locked the user.
func (s *DB) RecordPINFailure(ctx context.Context, username string, max int, lock time.Duration) (time.Time, error) {
	var until time.Time
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `INSERT INTO pin_failures (username, failures) VALUES (?, 1)
			ON CONFLICT (username) DO UPDATE SET failures = failures + 1 RETURNING failures`, username).Scan(&n); err != nil {
			return fmt.Errorf("count wrong PIN of %s: %w", username, err)
		}
		if n < max {
			return nil
		}
		now := s.Now()
		until = now.Add(lock)
		if _, err := tx.ExecContext(ctx, `UPDATE pin_failures SET failures = 0, locked_until = ? WHERE username = ?`, fmtTime(until), username); err != nil {
			return fmt.Errorf("lock %s: %w", username, err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: "system", Action: "user.locked", Subject: username,
			Detail: fmt.Sprintf("%d wrong PINs in a row; locked until %s", n, fmtTime(until))})
	})
	return until, err
}

// ResetPINFailures clears a user's count after a right PIN.
func (s *DB) ResetPINFailures(ctx context.Context, username string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM pin_failures WHERE username = ? AND (failures > 0 OR locked_until IS NOT NULL)`, username); err != nil {
		return storageError(fmt.Errorf("reset wrong PINs of %s: %w", username, err))
	}
	return nil
}
