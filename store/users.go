package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pishkhan/pishkhan"
)

// AddUser saves a new user; the user name must be free.
func (s *DB) AddUser(ctx context.Context, u pishkhan.User, actor string) error {
	if err := pishkhan.CheckUsername(u.Username); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return pishkhan.FieldError("role", "نقش نامعتبر است.", "unknown role %q", u.Role)
	}
	if !strings.HasPrefix(u.PINHash, "$argon2id$") {
		return pishkhan.FieldError("pin", "رمز کاربر تعیین نشده است.", "user %s has no argon2id PIN hash", u.Username)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE username = ?", u.Username).Scan(&n); err != nil {
			return fmt.Errorf("check user name: %w", err)
		}
		if n > 0 {
			return pishkhan.Errorf(pishkhan.EConflict, "این نام کاربری قبلاً ثبت شده است.", "user %s already exists", u.Username)
		}
		now := s.Now()
		if u.ID.IsZero() {
			u.ID = pishkhan.MustNewID(now)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, full_name, role, pin_hash, active, created_at)
			VALUES (?, ?, ?, ?, ?, 1, ?)`, u.ID.String(), u.Username, u.FullName, string(u.Role), u.PINHash, fmtTime(now)); err != nil {
			return fmt.Errorf("save user %s: %w", u.Username, err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "user.add", Subject: u.Username, Detail: string(u.Role)})
	})
}

// UserByName returns the user with that user name, or ENotFound.
func (s *DB) UserByName(ctx context.Context, username string) (pishkhan.User, error) {
	row := s.db.QueryRowContext(ctx, `SELECT id, username, full_name, role, pin_hash, active, created_at FROM users WHERE username = ?`, username)
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return u, pishkhan.Errorf(pishkhan.ENotFound, "کاربری با این نام وجود ندارد.", "no user %q", username)
	}
	if err != nil {
		return u, storageError(fmt.Errorf("read user %s: %w", username, err))
	}
	return u, nil
}

// Users lists all users by user name.
func (s *DB) Users(ctx context.Context) ([]pishkhan.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, username, full_name, role, pin_hash, active, created_at FROM users ORDER BY username`)
	if err != nil {
		return nil, storageError(fmt.Errorf("list users: %w", err))
	}
	defer rows.Close()
	var out []pishkhan.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, storageError(fmt.Errorf("read user: %w", err))
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, storageError(fmt.Errorf("list users: %w", err))
	}
	return out, nil
}

func scanUser(r scanner) (pishkhan.User, error) {
	var u pishkhan.User
	var id, role, created string
	var active int
	if err := r.Scan(&id, &u.Username, &u.FullName, &role, &u.PINHash, &active, &created); err != nil {
		return u, err
	}
	var err error
	if u.ID, err = pishkhan.ParseID(id); err != nil {
		return u, err
	}
	u.Role, u.Active = pishkhan.Role(role), active == 1
	u.CreatedAt, err = parseTime(created)
	return u, err
}

// HasUsers reports whether the desk has any user, active or not. A desk
// without users is still being set up.
func (s *DB) HasUsers(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&n); err != nil {
		return false, storageError(fmt.Errorf("count users: %w", err))
	}
	return n == 1, nil
}
