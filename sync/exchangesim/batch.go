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
	"strconv"
	"strings"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

func (s *Sim) handleBatch(w http.ResponseWriter, r *http.Request) *apiError {
	f := s.Faults()
	body, e := readBody(r, exchange.MaxRequestBytes)
	if e != nil {
		s.countFault(FaultTooLarge, 1)
		return e
	}
	if f.MaxBodyBytes > 0 && int64(len(body)) > f.MaxBodyBytes {
		s.countFault(FaultTooLarge, 1)
		return newError(http.StatusRequestEntityTooLarge, exchange.CodeTooLarge,
			"batch of %d bytes is above the limit of %d bytes", len(body), f.MaxBodyBytes)
	}
	// Count the items before anything else; a body that does not even
	// parse is left for the strict decoder to describe.
	var shape struct {
		Items []json.RawMessage `json:"items"`
	}
	if json.Unmarshal(body, &shape) == nil {
		limit := exchange.MaxBatchItems
		if f.MaxBatchItems > 0 {
			limit = min(limit, f.MaxBatchItems)
		}
		if len(shape.Items) > limit {
			s.countFault(FaultTooLarge, 1)
			return newError(http.StatusRequestEntityTooLarge, exchange.CodeTooLarge,
				"batch of %d items is above the limit of %d items", len(shape.Items), limit)
		}
	}
	c, e := s.authenticate(r, body)
	if e != nil {
		return e
	}
	batch, err := exchange.DecodeBatchRequest(bytes.NewReader(body))
	if err != nil {
		return badRequest("%v", err)
	}
	results, err := s.storeBatch(context.WithoutCancel(r.Context()), c, batch.Items, f)
	if err != nil {
		return internal(fmt.Errorf("store batch: %w", err))
	}
	if s.chance(f.CommitDropRate) {
		s.countFault(FaultCommitDrop, 1)
		s.log.Debug("batch committed, dropping the connection", "items", len(batch.Items))
		dropConnection(w)
		return nil
	}
	writeJSON(w, http.StatusOK, exchange.BatchResponse{Results: results})
	return nil
}

// storeBatch decides every item of a batch and stores the new ones, all in
// one transaction that is committed before it returns.
func (s *Sim) storeBatch(ctx context.Context, c caller, items []exchange.Item, f Faults) ([]exchange.ItemResult, error) {
	pub := s.CatalogVersion()
	now := s.now()
	results := make([]exchange.ItemResult, len(items))
	// The business verdicts need catalogs, which are built outside the transaction.
	verdicts := make([]*exchange.ItemResult, len(items))
	hashes := make([][]byte, len(items))
	bodies := make([][]byte, len(items))
	for i := range items {
		b, err := json.Marshal(items[i])
		if err != nil {
			return nil, fmt.Errorf("encode item %s: %w", items[i].ID, err)
		}
		sum := sha256.Sum256(b)
		hashes[i], bodies[i] = sum[:], b
		verdicts[i] = s.businessCheck(&items[i], pub)
	}
	var counts struct{ accepted, rejected, duplicates, conflicts, deferred, faultRejects, faultDefers int64 }
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		counts = struct{ accepted, rejected, duplicates, conflicts, deferred, faultRejects, faultDefers int64 }{}
		st, err := prepareBatch(ctx, tx)
		if err != nil {
			return err
		}
		defer st.close()
		for i := range items {
			it := &items[i]
			res := exchange.ItemResult{ID: it.ID}
			var status, reason, reasonFa string
			var hash []byte
			err := st.find.QueryRowContext(ctx, it.ID).Scan(&status, &reason, &reasonFa, &hash)
			switch {
			case err == nil && bytes.Equal(hash, hashes[i]):
				res.Status, res.Original, res.Reason, res.ReasonFa = exchange.ItemDuplicate, status, reason, reasonFa
				res.Permanent = status == exchange.ItemRejected
				counts.duplicates++
			case err == nil:
				res.Status, res.Permanent = exchange.ItemConflict, true
				res.Reason = "a request with this id was filed before with a different body"
				res.ReasonFa = "درخواستی با همین شناسه پیش‌تر با محتوای دیگری ثبت شده است."
				counts.conflicts++
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("look up request %s: %w", it.ID, err)
			case verdicts[i] != nil:
				res = *verdicts[i]
			case s.chance(f.DeferRate):
				res.Status = exchange.ItemDeferred
				res.Reason = "the exchange is busy; send the request again later (injected)"
				res.ReasonFa = "مرکز تبادل اکنون سرش شلوغ است؛ درخواست را بعداً دوباره بفرستید."
				counts.faultDefers++
			case s.chance(f.RejectRate):
				res.Status, res.Permanent = exchange.ItemRejected, true
				res.Reason = "the agency's system refused the request (injected)"
				res.ReasonFa = "سامانه دستگاه مربوط درخواست را نپذیرفت."
				counts.faultRejects++
			default:
				res.Status = exchange.ItemAccepted
			}
			if res.Status == exchange.ItemAccepted || res.Status == exchange.ItemRejected {
				if err := s.storeItem(ctx, st, c, it, res, hashes[i], bodies[i], now); err != nil {
					return err
				}
				if res.Status == exchange.ItemAccepted {
					counts.accepted++
				} else {
					counts.rejected++
				}
			}
			if res.Status == exchange.ItemDeferred {
				counts.deferred++
			}
			results[i] = res
		}
		for name, n := range map[string]int64{"accepted": counts.accepted, "rejected": counts.rejected,
			"duplicates": counts.duplicates, "conflicts": counts.conflicts, "deferred": counts.deferred,
			"fault_" + FaultReject: counts.faultRejects, "fault_" + FaultDefer: counts.faultDefers, "batches": 1} {
			if err := bump(ctx, tx, name, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.Debug("batch stored", "office", c.Office, "desk", c.Desk, "items", len(items), "accepted", counts.accepted,
		"rejected", counts.rejected, "duplicates", counts.duplicates, "conflicts", counts.conflicts, "deferred", counts.deferred)
	return results, nil
}

// batchStmts are the statements a batch runs per item, prepared once per batch.
type batchStmts struct {
	tx                   *sql.Tx
	find, insReq, insLog *sql.Stmt
	insEvents            map[int]*sql.Stmt // by the number of events inserted at once
}

func prepareBatch(ctx context.Context, tx *sql.Tx) (*batchStmts, error) {
	st := batchStmts{tx: tx, insEvents: map[int]*sql.Stmt{}}
	for _, p := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&st.find, "SELECT status, reason, reason_fa, body_hash FROM requests WHERE id = ?"},
		{&st.insReq, `INSERT INTO requests(id, office, desk, key_id, status, reason, reason_fa, body_hash, body, stored_ns)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&st.insLog, "INSERT INTO accept_log(request_id, status, office, desk, at_ns) VALUES(?, ?, ?, ?, ?)"},
	} {
		stmt, err := tx.PrepareContext(ctx, p.q)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("prepare batch statements: %w", err)
		}
		*p.dst = stmt
	}
	return &st, nil
}

func (st *batchStmts) close() {
	for _, s := range []*sql.Stmt{st.find, st.insReq, st.insLog} {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range st.insEvents {
		s.Close()
	}
}

// storeItem stores a new item with its verdict, logs it in the accept log
// and, when it is accepted, schedules its status updates.
func (s *Sim) storeItem(ctx context.Context, st *batchStmts, c caller, it *exchange.Item, res exchange.ItemResult,
	hash, body []byte, now time.Time) error {
	if _, err := st.insReq.ExecContext(ctx, it.ID, c.Office, c.Desk, c.KeyID, res.Status, res.Reason, res.ReasonFa,
		hash, string(body), now.UnixNano()); err != nil {
		return fmt.Errorf("store request %s: %w", it.ID, err)
	}
	if _, err := st.insLog.ExecContext(ctx, it.ID, res.Status, c.Office, c.Desk, now.UnixNano()); err != nil {
		return fmt.Errorf("log request %s: %w", it.ID, err)
	}
	if res.Status != exchange.ItemAccepted {
		return nil
	}
	evs := s.plan(it.ID, it.Inquiries, now)
	ins, err := st.events(ctx, len(evs))
	if err != nil {
		return err
	}
	args := make([]any, 0, 8*len(evs))
	for _, ev := range evs {
		args = append(args, it.ID, c.Office, c.Desk, ev.due.UnixNano(), ev.state, ev.note, ev.noteFa, ev.inquiries)
	}
	if _, err := ins.ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("schedule updates of %s: %w", it.ID, err)
	}
	return nil
}

// events returns a statement that inserts n events at once, prepared once
// per batch for each n.
func (st *batchStmts) events(ctx context.Context, n int) (*sql.Stmt, error) {
	if stmt := st.insEvents[n]; stmt != nil {
		return stmt, nil
	}
	q := "INSERT INTO events(request_id, office, desk, due_ns, state, note, note_fa, inquiries) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
	stmt, err := st.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare event insert: %w", err)
	}
	st.insEvents[n] = stmt
	return stmt, nil
}

// businessCheck applies the exchange's rules to a new item and returns a
// rejection, or nil when the item is acceptable. The rules are those of the
// catalog version the request was made under, not of the published one: a
// request whose sub-service was later retired or whose fee later rose is
// still good.
func (s *Sim) businessCheck(it *exchange.Item, published int64) *exchange.ItemResult {
	reject := func(en, fa string) *exchange.ItemResult {
		return &exchange.ItemResult{ID: it.ID, Status: exchange.ItemRejected, Reason: en, ReasonFa: fa, Permanent: true}
	}
	if _, err := pishkhan.ParseNationalCode(it.NationalCode); err != nil {
		return reject(fmt.Sprintf("national code %s is not valid: %v", it.NationalCode, err),
			"کد ملی متقاضی معتبر نیست: "+pishkhan.PersianMessage(err))
	}
	if it.CatalogVersion > published {
		return reject(fmt.Sprintf("catalog version %d is newer than the published version %d", it.CatalogVersion, published),
			fmt.Sprintf("نسخه فهرست خدمات درخواست (%s) از نسخه منتشرشده مرکز (%s) جلوتر است.",
				fa(it.CatalogVersion), fa(published)))
	}
	ss, ok := s.cat.subServices(it.CatalogVersion)[it.SubServiceID]
	if !ok {
		return reject(fmt.Sprintf("sub-service %s is not in catalog version %d", it.SubServiceID, it.CatalogVersion),
			fmt.Sprintf("زیرخدمت %s در نسخه %s فهرست خدمات نیست.", it.SubServiceID, fa(it.CatalogVersion)))
	}
	if it.GovFee != ss.govFee || it.CounterFee != ss.counterFee {
		return reject(fmt.Sprintf("fees %d + %d rials differ from catalog version %d's %d + %d rials",
			it.GovFee, it.CounterFee, it.CatalogVersion, ss.govFee, ss.counterFee),
			fmt.Sprintf("تعرفه درخواست (%s + %s ریال) با تعرفه نسخه %s فهرست خدمات (%s + %s ریال) یکسان نیست.",
				persian.FormatInt(it.GovFee), persian.FormatInt(it.CounterFee), fa(it.CatalogVersion),
				persian.FormatInt(ss.govFee), persian.FormatInt(ss.counterFee)))
	}
	seen := make(map[string]bool, len(it.Inquiries))
	for _, q := range it.Inquiries {
		if !ss.inquiries[q] || seen[q] {
			return reject(fmt.Sprintf("inquiry %q is not an inquiry of sub-service %s in catalog version %d, or is listed twice",
				q, it.SubServiceID, it.CatalogVersion),
				fmt.Sprintf("استعلام‌های درخواست با استعلام‌های زیرخدمت %s یکسان نیست.", it.SubServiceID))
		}
		seen[q] = true
	}
	return nil
}

// fa writes n in Persian digits.
func fa(n int64) string { return persian.ToPersianDigits(strconv.FormatInt(n, 10)) }
