package exchangesim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

// caller is the desk that signed a call. Ownership of requests, updates and
// day closes is by office and desk, not by key, so a desk that enrols again
// keeps seeing its own requests.
type caller struct {
	KeyID  string
	Office int
	Desk   int
}

// IssueEnrolCode issues a one-time enrolment code for one desk of one
// office: eight random digits, good for a single enrolment of that desk
// within EnrolCodeTTL.
func (s *Sim) IssueEnrolCode(ctx context.Context, office, desk int) (string, error) {
	if office < 1 || office > 99999 || desk < 1 || desk > 99 {
		return "", fmt.Errorf("issue enrolment code: office %d or desk %d out of range (1..99999, 1..99)", office, desk)
	}
	now := s.now().UnixNano()
	var code string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for range 100 {
			code = fmt.Sprintf("%08d", s.randN(100_000_000))
			res, err := tx.ExecContext(ctx, `INSERT INTO enrol_codes(code, office, desk, issued_ns) VALUES(?, ?, ?, ?)
				ON CONFLICT(code) DO NOTHING`, code, office, desk, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				return nil
			}
		}
		return errors.New("no free code after 100 draws")
	})
	if err != nil {
		return "", fmt.Errorf("issue enrolment code for office %d desk %d: %w", office, desk, err)
	}
	s.log.Info("enrolment code issued", "office", office, "desk", desk)
	return code, nil
}

func (s *Sim) handleEnrol(w http.ResponseWriter, r *http.Request) *apiError {
	body, e := readBody(r, 1<<16)
	if e != nil {
		return e
	}
	req, err := exchange.DecodeEnrolRequest(bytes.NewReader(body))
	if err != nil {
		return badRequest("%v", err)
	}
	v, err := exchange.Verify(r, body, ed25519.PublicKey(req.PublicKey))
	if err != nil {
		return verifyError(err)
	}
	if v.KeyID != exchange.EnrolKeyID {
		return newError(http.StatusUnauthorized, exchange.CodeBadSignature,
			"an enrolment is signed with keyid %q, not %q", exchange.EnrolKeyID, v.KeyID)
	}
	now := s.now()
	if err := exchange.CheckFreshness(v, now); err != nil {
		return verifyError(err)
	}
	if e := s.useNonce(r.Context(), v, now.UnixNano()); e != nil {
		return e
	}
	var keyID string
	var badCode bool
	err = s.inTx(context.WithoutCancel(r.Context()), func(tx *sql.Tx) error {
		ctx := context.WithoutCancel(r.Context())
		var issued int64
		var used sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT issued_ns, used_ns FROM enrol_codes WHERE code = ? AND office = ? AND desk = ?",
			req.OneTimeCode, req.OfficeCode, req.DeskNumber).Scan(&issued, &used)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (used.Valid || now.UnixNano()-issued > int64(EnrolCodeTTL))) {
			badCode = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("read enrolment code: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE enrol_codes SET used_ns = ? WHERE code = ?", now.UnixNano(), req.OneTimeCode); err != nil {
			return fmt.Errorf("use enrolment code: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE keys SET revoked_ns = ? WHERE office = ? AND desk = ? AND revoked_ns IS NULL",
			now.UnixNano(), req.OfficeCode, req.DeskNumber); err != nil {
			return fmt.Errorf("revoke the desk's previous key: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM keys WHERE office = ? AND desk = ?",
			req.OfficeCode, req.DeskNumber).Scan(&n); err != nil {
			return fmt.Errorf("count the desk's keys: %w", err)
		}
		keyID = fmt.Sprintf("k-%d-%d-%d", req.OfficeCode, req.DeskNumber, n+1)
		if _, err := tx.ExecContext(ctx, "INSERT INTO keys(key_id, office, desk, public_key, enrolled_ns) VALUES(?, ?, ?, ?, ?)",
			keyID, req.OfficeCode, req.DeskNumber, []byte(req.PublicKey), now.UnixNano()); err != nil {
			return fmt.Errorf("store the desk key: %w", err)
		}
		return bump(ctx, tx, "enrolments", 1)
	})
	if err != nil {
		return internal(fmt.Errorf("enrol: %w", err))
	}
	if badCode {
		return newError(http.StatusForbidden, exchange.CodeBadEnrolCode,
			"one-time code is wrong, used, expired or not for office %d desk %d", req.OfficeCode, req.DeskNumber)
	}
	s.log.Info("desk enrolled", "office", req.OfficeCode, "desk", req.DeskNumber, "key_id", keyID)
	writeJSON(w, http.StatusOK, exchange.EnrolResponse{KeyID: keyID, OfficeCode: req.OfficeCode, DeskNumber: req.DeskNumber,
		ServerTime: now.UTC(), CatalogVersion: s.CatalogVersion()})
	return nil
}

// authenticate checks a signed call: a known key, a good signature over
// body, an unrevoked key, a fresh signature and an unused nonce.
func (s *Sim) authenticate(r *http.Request, body []byte) (caller, *apiError) {
	keyID, err := exchange.KeyIDOf(r)
	if err != nil {
		return caller{}, verifyError(err)
	}
	var c caller
	var pub []byte
	var revoked sql.NullInt64
	err = s.db.QueryRowContext(r.Context(), "SELECT office, desk, public_key, revoked_ns FROM keys WHERE key_id = ?", keyID).
		Scan(&c.Office, &c.Desk, &pub, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return caller{}, newError(http.StatusUnauthorized, exchange.CodeUnknownKey, "unknown key id %q", keyID)
	}
	if err != nil {
		return caller{}, internal(fmt.Errorf("look up key %s: %w", keyID, err))
	}
	c.KeyID = keyID
	v, err := exchange.Verify(r, body, ed25519.PublicKey(pub))
	if err != nil {
		return caller{}, verifyError(err)
	}
	if revoked.Valid {
		return caller{}, newError(http.StatusForbidden, exchange.CodeRevoked, "key %s was revoked when the desk enrolled again", keyID)
	}
	now := s.now()
	if err := exchange.CheckFreshness(v, now); err != nil {
		return caller{}, verifyError(err)
	}
	if e := s.useNonce(r.Context(), v, now.UnixNano()); e != nil {
		return caller{}, e
	}
	return c, nil
}

// useNonce records the signature's (keyid, nonce) and refuses one seen
// before; it forgets nonces older than exchange.NonceWindow, whose
// signatures are stale anyway.
func (s *Sim) useNonce(ctx context.Context, v exchange.Verified, now int64) *apiError {
	ctx = context.WithoutCancel(ctx)
	var fresh bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM nonces WHERE seen_ns < ?", now-int64(exchange.NonceWindow)); err != nil {
			return fmt.Errorf("forget old nonces: %w", err)
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO nonces(key_id, nonce, seen_ns) VALUES(?, ?, ?) ON CONFLICT DO NOTHING",
			v.KeyID, v.Nonce, now)
		if err != nil {
			return fmt.Errorf("remember nonce: %w", err)
		}
		n, err := res.RowsAffected()
		fresh = n == 1
		return err
	})
	if err != nil {
		return internal(err)
	}
	if !fresh {
		return newError(http.StatusUnauthorized, exchange.CodeReplayed, "nonce %s of key %s was used before", v.Nonce, v.KeyID)
	}
	return nil
}

// verifyError turns an error of exchange.Verify or CheckFreshness into a 401.
func verifyError(err error) *apiError {
	var ve *exchange.VerifyError
	if errors.As(err, &ve) {
		return newError(http.StatusUnauthorized, ve.Code, "%s", ve.Reason)
	}
	return newError(http.StatusUnauthorized, exchange.CodeBadSignature, "%v", err)
}
