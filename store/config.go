package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pishkhan/pishkhan"
)

// InitDesk saves the desk's configuration once. A second call with the same
// office, desk and office name is a no-op that writes nothing; the same
// office and desk under another office name renames the office (with a
// "desk.rename" audit entry); a different office or desk is a conflict.
func (s *DB) InitDesk(ctx context.Context, cfg pishkhan.DeskConfig, actor string) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	renamed := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		subject := fmt.Sprintf("%05d-%02d", cfg.OfficeCode, cfg.DeskNumber)
		old, err := deskConfig(ctx, tx)
		if err == nil {
			if old.OfficeCode != cfg.OfficeCode || old.DeskNumber != cfg.DeskNumber {
				return pishkhan.Errorf(pishkhan.EConflict, "این میز قبلاً با کد دفتر و شماره میز دیگری راه‌اندازی شده است.",
					"desk already initialised as office %d desk %d", old.OfficeCode, old.DeskNumber)
			}
			if old.OfficeName == cfg.OfficeName {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `UPDATE desk_config SET office_name = ? WHERE id = 1`, cfg.OfficeName); err != nil {
				return fmt.Errorf("rename office: %w", err)
			}
			renamed = true
			return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "desk.rename",
				Subject: subject, Detail: old.OfficeName + " -> " + cfg.OfficeName})
		}
		if pishkhan.ErrorCode(err) != pishkhan.ENotInit {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO desk_config (id, office_code, office_name, desk_number, created_at)
			VALUES (1, ?, ?, ?, ?)`, cfg.OfficeCode, cfg.OfficeName, cfg.DeskNumber, fmtTime(now)); err != nil {
			return fmt.Errorf("save desk config: %w", err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "desk.init",
			Subject: subject, Detail: cfg.OfficeName})
	})
	if err == nil && renamed {
		s.mu.Lock()
		s.desk = nil
		s.mu.Unlock()
	}
	return err
}

// DeskConfig returns the desk's configuration, or an ENotInit error.
func (s *DB) DeskConfig(ctx context.Context) (pishkhan.DeskConfig, error) {
	return deskConfig(ctx, s.db)
}

// deskConfigTx is DeskConfig inside tx, remembered once found: a desk's
// office and number never change after init (InitDesk refuses other values).
// Only the office name may change (InitDesk forgets the copy then; another
// process's rename is not seen, which is harmless as intake uses only the
// office code and desk number).
func (s *DB) deskConfigTx(ctx context.Context, tx *sql.Tx) (pishkhan.DeskConfig, error) {
	s.mu.Lock()
	cached := s.desk
	s.mu.Unlock()
	if cached != nil {
		return *cached, nil
	}
	cfg, err := deskConfig(ctx, tx)
	if err != nil {
		return cfg, err
	}
	s.mu.Lock()
	s.desk = &cfg
	s.mu.Unlock()
	return cfg, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func deskConfig(ctx context.Context, q queryer) (pishkhan.DeskConfig, error) {
	var c pishkhan.DeskConfig
	var created string
	err := q.QueryRowContext(ctx, `SELECT office_code, office_name, desk_number, created_at FROM desk_config WHERE id = 1`).
		Scan(&c.OfficeCode, &c.OfficeName, &c.DeskNumber, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, pishkhan.Errorf(pishkhan.ENotInit, "این میز هنوز راه‌اندازی نشده است؛ ابتدا «pishkhan init» را اجرا کنید.",
			"desk is not initialised; run 'pishkhan init' first")
	}
	if err != nil {
		return c, storageError(fmt.Errorf("read desk config: %w", err))
	}
	c.CreatedAt, err = parseTime(created)
	return c, err
}
