package exchangesim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

func (s *Sim) handleDayClose(w http.ResponseWriter, r *http.Request) *apiError {
	body, e := readBody(r, 1<<16)
	if e != nil {
		return e
	}
	c, e := s.authenticate(r, body)
	if e != nil {
		return e
	}
	dc, err := exchange.DecodeDayClose(bytes.NewReader(body))
	if err != nil {
		return badRequest("%v", err)
	}
	canon, err := json.Marshal(dc)
	if err != nil {
		return internal(fmt.Errorf("encode day close: %w", err))
	}
	sum := sha256.Sum256(canon)
	ctx := context.WithoutCancel(r.Context())
	var resp exchange.DayCloseResponse
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var hash []byte
		err := tx.QueryRowContext(ctx, "SELECT body_hash FROM day_closes WHERE office = ? AND desk = ? AND day = ?",
			c.Office, c.Desk, dc.Day).Scan(&hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO day_closes(office, desk, day, body_hash, body, stored_ns)
				VALUES(?, ?, ?, ?, ?, ?)`, c.Office, c.Desk, dc.Day, sum[:], string(canon), s.now().UnixNano()); err != nil {
				return fmt.Errorf("store day close: %w", err)
			}
			resp = exchange.DayCloseResponse{Status: exchange.ItemAccepted}
			return bump(ctx, tx, "day_closes", 1)
		case err != nil:
			return fmt.Errorf("look up day close: %w", err)
		case bytes.Equal(hash, sum[:]):
			resp = exchange.DayCloseResponse{Status: exchange.ItemDuplicate}
		default:
			resp = exchange.DayCloseResponse{Status: exchange.ItemConflict,
				Reason: fmt.Sprintf("day %s of office %d desk %d was closed before with other figures", dc.Day, c.Office, c.Desk)}
		}
		return bump(ctx, tx, "day_close_"+resp.Status, 1)
	})
	if err != nil {
		return internal(err)
	}
	s.log.Info("day close", "office", c.Office, "desk", c.Desk, "day", dc.Day, "status", resp.Status)
	writeJSON(w, http.StatusOK, resp)
	return nil
}
