package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
)

// NewRequest is a request that the desk has validated and is ready to file.
type NewRequest struct {
	ID             pishkhan.ID
	Citizen        pishkhan.Citizen
	SubServiceID   string
	CatalogVersion pishkhan.CatalogVersion // the version the form was validated against
	Fields         map[string]string       // canonical values from SubService.ValidateForm
	Payment        pishkhan.Payment
	Clerk          string
}

// Intake files a request in one transaction: the request row with its
// tracking code and fee snapshot, one row per inquiry it needs, the payment,
// a pending receipt print job and an audit entry. It commits (an fsync)
// before returning; only then may the receipt be printed. On any error
// nothing at all is written.
//
// The request's ID is its idempotency key, so a retry after a lost answer is
// harmless: an ID already filed with the same body (national code,
// sub-service, catalog version, form fields, payment method, amount and
// terminal reference, clerk) returns the stored request, in its current
// state, and writes nothing; the same ID with a different body is an
// EConflict.
func (s *DB) Intake(ctx context.Context, in NewRequest) (*pishkhan.Request, error) {
	if in.ID.IsZero() || in.ID.Version() != 7 {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "شناسه درخواست نامعتبر است.", "request id must be a UUIDv7")
	}
	if in.Citizen.NationalCode == "" || in.Clerk == "" {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "کد ملی و نام اپراتور لازم است.", "intake needs a national code and a clerk")
	}
	nc, err := pishkhan.ParseNationalCode(string(in.Citizen.NationalCode))
	if err != nil {
		return nil, err
	}
	in.Citizen.NationalCode = nc // canonical ASCII digits, so lookups find it
	fieldsJSON, err := json.Marshal(in.Fields)
	if err != nil {
		return nil, fmt.Errorf("encode form fields: %w", err)
	}
	if in.Fields == nil {
		fieldsJSON = []byte("{}")
	}
	var req *pishkhan.Request
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		filed, err := s.alreadyFiled(ctx, tx, in)
		if err != nil || filed != nil {
			req = filed
			return err
		}
		now := s.Now()
		cfg, err := s.deskConfigTx(ctx, tx)
		if err != nil {
			return err
		}
		cat, err := s.loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		entry, err := cat.entry(in.SubServiceID)
		if err != nil {
			return err
		}
		if entry.Version != in.CatalogVersion {
			return pishkhan.Errorf(pishkhan.EConflict, "فهرست خدمات همین حالا به‌روز شد؛ فرم را دوباره بررسی و ثبت کنید.",
				"catalog changed from version %d to %d while the form was filled", in.CatalogVersion, entry.Version)
		}
		if err := in.Payment.Validate(entry.SubService.TotalFee()); err != nil {
			return err
		}
		day := persian.DateOf(now.In(persian.Tehran()))
		dayKey := day.String()
		next, err := s.stmt(ctx, tx, `SELECT EXISTS (SELECT 1 FROM day_close_rounds WHERE day = ?1 AND reopened_at IS NULL),
			COALESCE((SELECT MAX(seq) FROM requests WHERE day = ?1), 0) + 1`)
		if err != nil {
			return err
		}
		var closed bool
		var seq int
		if err := next.QueryRowContext(ctx, dayKey).Scan(&closed, &seq); err != nil {
			return fmt.Errorf("next sequence: %w", err)
		}
		if closed {
			return pishkhan.Errorf(pishkhan.ELocked, "روز کاری امروز بسته شده است؛ درخواست تازه ثبت نمی‌شود.", "day %s is closed", dayKey)
		}
		if seq > pishkhan.MaxDailySequence {
			return pishkhan.Errorf(pishkhan.ELimit, "سقف تعداد درخواست روزانه این میز پر شده است.", "desk reached %d requests today", pishkhan.MaxDailySequence)
		}
		code, err := pishkhan.NewTrackingCode(pishkhan.TrackingParts{Office: cfg.OfficeCode, Desk: cfg.DeskNumber,
			Year: day.Year, Month: day.Month, Day: day.Day, Seq: seq})
		if err != nil {
			return err
		}
		c := in.Citizen
		r := &pishkhan.Request{ID: in.ID, TrackingCode: code, Day: dayKey, Citizen: c, SubServiceID: entry.SubService.ID,
			ServiceID: entry.Service.ID, AgencyID: entry.Agency.ID, CatalogVersion: entry.Version, Fields: in.Fields,
			GovFee: entry.SubService.GovFee, CounterFee: entry.SubService.CounterFee, State: pishkhan.StateQueued,
			ClerkID: in.Clerk, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		id, at := r.ID.String(), fmtTime(now)
		ins, err := s.stmt(ctx, tx, `INSERT INTO requests (id, tracking_code, day, seq, national_code, first_name, last_name,
			father_name, birth_date, mobile, sub_service_id, sub_service_name, service_id, service_name, agency_id, agency_name,
			catalog_version, fields_json, gov_fee, counter_fee, state, clerk, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		if _, err = ins.ExecContext(ctx, id, string(code), dayKey, seq, string(c.NationalCode), c.FirstName, c.LastName,
			c.FatherName, c.BirthDate, string(c.Mobile), entry.SubService.ID, entry.SubService.Name, entry.Service.ID,
			entry.Service.Name, entry.Agency.ID, entry.Agency.Name, int64(entry.Version), string(fieldsJSON),
			int64(r.GovFee), int64(r.CounterFee), string(r.State), in.Clerk, at, at); err != nil {
			return fmt.Errorf("insert request: %w", err)
		}
		if n := len(entry.Inquiries); n > 0 {
			// One statement for all of a request's inquiries (licence services need 20 and more).
			q := "INSERT INTO inquiries (request_id, type_id, type_name, position, state, updated_at) VALUES " +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, 'pending', ?), ", n), ", ")
			st, err := s.stmt(ctx, tx, q)
			if err != nil {
				return err
			}
			args := make([]any, 0, 5*n)
			for i, it := range entry.Inquiries {
				args = append(args, id, it.ID, it.Name, i, at)
				r.Inquiries = append(r.Inquiries, pishkhan.Inquiry{RequestID: r.ID, TypeID: it.ID, State: pishkhan.InquiryPending, UpdatedAt: now.UTC()})
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("insert inquiries: %w", err)
			}
		}
		p := in.Payment
		p.RequestID, p.PaidAt = r.ID, now.UTC()
		pay, err := s.stmt(ctx, tx, `INSERT INTO payments (request_id, method, amount, terminal_ref, paid_at) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		if _, err := pay.ExecContext(ctx, id, string(p.Method), int64(p.Amount), p.TerminalRef, at); err != nil {
			return fmt.Errorf("insert payment: %w", err)
		}
		r.Payment = &p
		job, err := s.stmt(ctx, tx, `INSERT INTO print_jobs (request_id, kind, state, created_at) VALUES (?, 'receipt', 'pending', ?)`)
		if err != nil {
			return err
		}
		if _, err := job.ExecContext(ctx, id, at); err != nil {
			return fmt.Errorf("insert print job: %w", err)
		}
		detail, err := intakeDetail(id, entry.SubService.ID, c.NationalCode.Masked(), p.Amount, p.Method)
		if err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: in.Clerk, Action: "intake", Subject: string(code), Detail: detail}); err != nil {
			return err
		}
		req = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return req, nil
}

// alreadyFiled looks for a request with in.ID inside tx. It returns nil,
// nil when there is none; the stored request when its body is in's; and an
// EConflict when the ID was filed with a different body. in's national code
// must be canonical.
func (s *DB) alreadyFiled(ctx context.Context, tx *sql.Tx, in NewRequest) (*pishkhan.Request, error) {
	id := in.ID.String()
	var nc, sub, fj, clerk, method, ref string
	var ver, amount int64
	err := tx.QueryRowContext(ctx, `SELECT r.national_code, r.sub_service_id, r.catalog_version, r.fields_json, r.clerk,
			COALESCE(p.method, ''), COALESCE(p.amount, -1), COALESCE(p.terminal_ref, '')
		FROM requests r LEFT JOIN payments p ON p.request_id = r.id WHERE r.id = ?`, id).
		Scan(&nc, &sub, &ver, &fj, &clerk, &method, &amount, &ref)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look for request %s: %w", id, err)
	}
	var stored map[string]string
	if err := json.Unmarshal([]byte(fj), &stored); err != nil {
		return nil, fmt.Errorf("decode fields of request %s: %w", id, err)
	}
	same := nc == string(in.Citizen.NationalCode) && sub == in.SubServiceID && ver == int64(in.CatalogVersion) &&
		maps.Equal(stored, in.Fields) && clerk == in.Clerk && method == string(in.Payment.Method) &&
		amount == int64(in.Payment.Amount) && ref == in.Payment.TerminalRef
	if !same {
		return nil, pishkhan.Errorf(pishkhan.EConflict, "این درخواست قبلاً با اطلاعات دیگری ثبت شده است.",
			"request %s was already filed with different content", id)
	}
	v, err := requestByID(ctx, tx, in.ID)
	if err != nil {
		return nil, err
	}
	return &v.Request, nil
}

// intakeDetail is the JSON detail of an intake's audit entry.
func intakeDetail(id, subService, maskedNC string, amount pishkhan.Rials, method pishkhan.PaymentMethod) (string, error) {
	b, err := json.Marshal(struct {
		ID           string `json:"id"`
		SubService   string `json:"sub_service"`
		NationalCode string `json:"national_code"`
		Amount       int64  `json:"amount"`
		Method       string `json:"method"`
	}{id, subService, maskedNC, int64(amount), string(method)})
	if err != nil {
		return "", fmt.Errorf("encode intake audit detail: %w", err)
	}
	return string(b), nil
}

const requestColumns = `r.id, r.tracking_code, r.national_code, r.first_name, r.last_name, r.father_name, r.birth_date, r.mobile,
	r.sub_service_id, r.service_id, r.agency_id, r.catalog_version, r.fields_json, r.gov_fee, r.counter_fee, r.state,
	r.state_note, r.clerk, r.created_at, r.updated_at, r.sub_service_name, r.service_name, r.agency_name, r.day`

// RequestView is a request with the catalog names it was filed under and its print jobs.
type RequestView struct {
	pishkhan.Request
	SubServiceName string
	ServiceName    string
	AgencyName     string
	InquiryNames   map[string]string
	PrintJobs      []pishkhan.PrintJob
}

func scanRequest(r scanner) (RequestView, error) {
	var v RequestView
	var id, code, nc, mobile, fj, state, created, updated string
	var ver, gov, counter int64
	err := r.Scan(&id, &code, &nc, &v.Citizen.FirstName, &v.Citizen.LastName, &v.Citizen.FatherName, &v.Citizen.BirthDate, &mobile,
		&v.SubServiceID, &v.ServiceID, &v.AgencyID, &ver, &fj, &gov, &counter, &state, &v.StateNote, &v.ClerkID, &created, &updated,
		&v.SubServiceName, &v.ServiceName, &v.AgencyName, &v.Day)
	if err != nil {
		return v, err
	}
	if v.ID, err = pishkhan.ParseID(id); err != nil {
		return v, err
	}
	v.TrackingCode, v.Citizen.NationalCode, v.Citizen.Mobile = pishkhan.TrackingCode(code), pishkhan.NationalCode(nc), pishkhan.Mobile(mobile)
	v.CatalogVersion, v.GovFee, v.CounterFee = pishkhan.CatalogVersion(ver), pishkhan.Rials(gov), pishkhan.Rials(counter)
	v.State = pishkhan.RequestState(state)
	if err := json.Unmarshal([]byte(fj), &v.Fields); err != nil {
		return v, fmt.Errorf("decode fields of %s: %w", code, err)
	}
	if v.CreatedAt, err = parseTime(created); err != nil {
		return v, err
	}
	v.UpdatedAt, err = parseTime(updated)
	return v, err
}

func (s *DB) queryRequests(ctx context.Context, where string, args ...any) ([]RequestView, error) {
	return queryRequests(ctx, s.db, where, args...)
}

// queryRequests reads the requests matching a WHERE clause through q (the
// database or a transaction).
func queryRequests(ctx context.Context, q queryer, where string, args ...any) ([]RequestView, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+requestColumns+" FROM requests r "+where, args...)
	if err != nil {
		return nil, storageError(fmt.Errorf("query requests: %w", err))
	}
	defer rows.Close()
	var out []RequestView
	for rows.Next() {
		v, err := scanRequest(rows)
		if err != nil {
			return nil, storageError(fmt.Errorf("read request: %w", err))
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, storageError(fmt.Errorf("query requests: %w", err))
	}
	return out, nil
}

// RequestByTracking returns one request with its inquiries, payment and print
// jobs, or ENotFound.
func (s *DB) RequestByTracking(ctx context.Context, code pishkhan.TrackingCode) (RequestView, error) {
	vs, err := s.queryRequests(ctx, "WHERE r.tracking_code = ?", string(code))
	if err != nil {
		return RequestView{}, err
	}
	if len(vs) == 0 {
		return RequestView{}, pishkhan.Errorf(pishkhan.ENotFound, "درخواستی با این کد رهگیری پیدا نشد.", "no request with tracking code %s", code)
	}
	v := vs[0]
	return v, loadDetails(ctx, s.db, &v)
}

// RequestByID returns one request with its details, or ENotFound.
func (s *DB) RequestByID(ctx context.Context, id pishkhan.ID) (RequestView, error) {
	return requestByID(ctx, s.db, id)
}

func requestByID(ctx context.Context, q queryer, id pishkhan.ID) (RequestView, error) {
	vs, err := queryRequests(ctx, q, "WHERE r.id = ?", id.String())
	if err != nil {
		return RequestView{}, err
	}
	if len(vs) == 0 {
		return RequestView{}, pishkhan.Errorf(pishkhan.ENotFound, "درخواست پیدا نشد.", "no request with id %s", id)
	}
	v := vs[0]
	return v, loadDetails(ctx, q, &v)
}

// loadDetails reads a request's inquiries, payment and print jobs through q.
func loadDetails(ctx context.Context, q queryer, v *RequestView) error {
	id := v.ID.String()
	rows, err := q.QueryContext(ctx, `SELECT type_id, type_name, state, answer, updated_at FROM inquiries WHERE request_id = ? ORDER BY position`, id)
	if err != nil {
		return storageError(fmt.Errorf("read inquiries: %w", err))
	}
	defer rows.Close()
	v.InquiryNames = map[string]string{}
	for rows.Next() {
		q := pishkhan.Inquiry{RequestID: v.ID}
		var name, state, at string
		if err := rows.Scan(&q.TypeID, &name, &state, &q.Answer, &at); err != nil {
			return storageError(fmt.Errorf("read inquiry: %w", err))
		}
		q.State = pishkhan.InquiryState(state)
		if q.UpdatedAt, err = parseTime(at); err != nil {
			return err
		}
		v.InquiryNames[q.TypeID] = name
		v.Inquiries = append(v.Inquiries, q)
	}
	if err := rows.Err(); err != nil {
		return storageError(fmt.Errorf("read inquiries: %w", err))
	}
	var p pishkhan.Payment
	var method, paid string
	var amount int64
	err = q.QueryRowContext(ctx, `SELECT method, amount, terminal_ref, paid_at FROM payments WHERE request_id = ?`, id).
		Scan(&method, &amount, &p.TerminalRef, &paid)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return storageError(fmt.Errorf("read payment: %w", err))
	default:
		p.RequestID, p.Method, p.Amount = v.ID, pishkhan.PaymentMethod(method), pishkhan.Rials(amount)
		if p.PaidAt, err = parseTime(paid); err != nil {
			return err
		}
		v.Payment = &p
	}
	jobs, err := printJobs(ctx, q, "WHERE request_id = ? ORDER BY id", id)
	v.PrintJobs = jobs
	return err
}

// RequestsByNationalCode returns a citizen's requests, newest first.
func (s *DB) RequestsByNationalCode(ctx context.Context, nc pishkhan.NationalCode) ([]RequestView, error) {
	return s.queryRequests(ctx, "WHERE r.national_code = ? ORDER BY r.created_at DESC, r.id DESC", string(nc))
}

// RequestsOfDay returns the requests filed on a Jalali day (YYYY/MM/DD), in filing order.
func (s *DB) RequestsOfDay(ctx context.Context, day persian.Date) ([]RequestView, error) {
	return s.queryRequests(ctx, "WHERE r.day = ? ORDER BY r.seq", day.String())
}

// Today is the Jalali date of the store's clock in Tehran.
func (s *DB) Today() persian.Date { return persian.DateOf(s.Now().In(persian.Tehran())) }

// OutboxBatch returns up to limit unsent requests (queued or sending), oldest first.
func (s *DB) OutboxBatch(ctx context.Context, limit int) ([]RequestView, error) {
	if limit <= 0 {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "اندازه دسته نامعتبر است.", "outbox batch limit must be positive, got %d", limit)
	}
	return s.queryRequests(ctx, "WHERE r.state IN ('queued', 'sending') ORDER BY r.created_at, r.id LIMIT ?", limit)
}

// OutboxStats are the size and age of the outbox.
type OutboxStats = pishkhan.OutboxStats

// OutboxStats counts unsent requests and finds the oldest.
func (s *DB) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	var oldest sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), MIN(created_at) FROM requests WHERE state IN ('queued', 'sending')`).Scan(&st.Pending, &oldest)
	if err != nil {
		return st, storageError(fmt.Errorf("outbox stats: %w", err))
	}
	if oldest.Valid {
		st.Oldest, err = parseTime(oldest.String)
	}
	return st, err
}

// TransitionRequest moves a request to a new state, checked by the domain's
// state machine (and by a trigger in the database), with an audit entry.
func (s *DB) TransitionRequest(ctx context.Context, id pishkhan.ID, to pishkhan.RequestState, note, actor string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var from, code string
		err := tx.QueryRowContext(ctx, "SELECT state, tracking_code FROM requests WHERE id = ?", id.String()).Scan(&from, &code)
		if errors.Is(err, sql.ErrNoRows) {
			return pishkhan.Errorf(pishkhan.ENotFound, "درخواست پیدا نشد.", "no request with id %s", id)
		}
		if err != nil {
			return fmt.Errorf("read request state: %w", err)
		}
		if err := pishkhan.CheckTransition(pishkhan.RequestState(from), to); err != nil {
			return err
		}
		now := s.Now()
		if _, err := tx.ExecContext(ctx, "UPDATE requests SET state = ?, state_note = ?, updated_at = ? WHERE id = ?",
			string(to), note, fmtTime(now), id.String()); err != nil {
			return fmt.Errorf("update request state: %w", err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "request.state", Subject: code,
			Detail: from + " -> " + string(to)})
	})
}

// PurgePersonalData blanks the citizen's personal data (names, birth date,
// mobile, form values, inquiry answers; the national code is kept masked) in requests filed
// before cutoff that the exchange has accepted (states accepted and after,
// not rejected or conflict, which still need a person). Tracking code,
// service, fees and states stay for the books. It returns how many requests
// were purged and writes one audit entry.
func (s *DB) PurgePersonalData(ctx context.Context, cutoff time.Time, actor string) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		res, err := tx.ExecContext(ctx, `UPDATE requests SET
				national_code = substr(national_code, 1, 3) || '****' || substr(national_code, 8, 3),
				first_name = '', last_name = '', father_name = '', birth_date = '', mobile = '', fields_json = '{}',
				purged_at = ?
			WHERE purged_at IS NULL AND created_at < ?
			  AND state IN ('accepted', 'in_progress', 'needs_action', 'done', 'refused')`, fmtTime(now), fmtTime(cutoff))
		if err != nil {
			return fmt.Errorf("purge personal data: %w", err)
		}
		c, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("purge personal data: %w", err)
		}
		n = int(c)
		if n == 0 {
			return nil
		}
		// Inquiry answers can carry personal data too (addresses, records).
		if _, err := tx.ExecContext(ctx, `UPDATE inquiries SET answer = '' WHERE answer <> ''
			AND request_id IN (SELECT id FROM requests WHERE purged_at = ?)`, fmtTime(now)); err != nil {
			return fmt.Errorf("purge inquiry answers: %w", err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "privacy.purge",
			Subject: "requests", Detail: fmt.Sprintf("%d requests filed before %s", n, fmtTime(cutoff))})
	})
	return n, err
}

// printJobs reads print jobs matching a WHERE clause through q.
func printJobs(ctx context.Context, q queryer, where string, args ...any) ([]pishkhan.PrintJob, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(request_id, ''), kind, state, attempts, last_error, created_at, COALESCE(printed_at, ''),
		COALESCE(day, '') FROM print_jobs `+where, args...)
	if err != nil {
		return nil, storageError(fmt.Errorf("read print jobs: %w", err))
	}
	defer rows.Close()
	var out []pishkhan.PrintJob
	for rows.Next() {
		var j pishkhan.PrintJob
		var rid, kind, state, created, printed string
		if err := rows.Scan(&j.ID, &rid, &kind, &state, &j.Attempts, &j.LastError, &created, &printed, &j.Day); err != nil {
			return nil, storageError(fmt.Errorf("read print job: %w", err))
		}
		bad := func(err error) ([]pishkhan.PrintJob, error) {
			return nil, storageError(fmt.Errorf("read print job %d: %w", j.ID, err))
		}
		if rid != "" {
			if j.RequestID, err = pishkhan.ParseID(rid); err != nil {
				return bad(err)
			}
		}
		j.Kind, j.State = pishkhan.PrintJobKind(kind), pishkhan.PrintJobState(state)
		if j.CreatedAt, err = parseTime(created); err != nil {
			return bad(err)
		}
		if printed != "" {
			if j.PrintedAt, err = parseTime(printed); err != nil {
				return bad(err)
			}
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, storageError(fmt.Errorf("read print jobs: %w", err))
	}
	return out, nil
}

// PendingPrintJobs lists print jobs not yet printed, oldest first.
func (s *DB) PendingPrintJobs(ctx context.Context) ([]pishkhan.PrintJob, error) {
	return printJobs(ctx, s.db, "WHERE state <> 'printed' ORDER BY id")
}

// IntegrityReport lists requests whose intake is incomplete: a missing
// payment, print job or audit entry, or fewer inquiry rows than the catalog
// snapshot needs. A healthy database gives an empty report.
func (s *DB) IntegrityReport(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.tracking_code,
			(SELECT COUNT(*) FROM payments p WHERE p.request_id = r.id),
			(SELECT COUNT(*) FROM print_jobs j WHERE j.request_id = r.id),
			(SELECT COUNT(*) FROM audit a WHERE a.subject = r.tracking_code AND a.action = 'intake'),
			(SELECT COUNT(*) FROM inquiries q WHERE q.request_id = r.id),
			(SELECT COUNT(*) FROM sub_service_inquiries si WHERE si.sub_service_id = r.sub_service_id),
			COALESCE(r.catalog_version = (SELECT version FROM catalog_meta WHERE id = 1), 0)
		FROM requests r ORDER BY r.created_at`)
	if err != nil {
		return nil, storageError(fmt.Errorf("integrity report: %w", err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var code string
		var pay, jobs, audit, inq, want int
		var sameVersion bool
		if err := rows.Scan(&code, &pay, &jobs, &audit, &inq, &want, &sameVersion); err != nil {
			return nil, storageError(fmt.Errorf("integrity report: %w", err))
		}
		var bad []string
		if pay != 1 {
			bad = append(bad, fmt.Sprintf("%d payments", pay))
		}
		if jobs < 1 {
			bad = append(bad, "no print job")
		}
		if audit != 1 {
			bad = append(bad, fmt.Sprintf("%d intake audit entries", audit))
		}
		if sameVersion && inq != want {
			bad = append(bad, fmt.Sprintf("%d inquiries, catalog needs %d", inq, want))
		}
		if len(bad) > 0 {
			problems = append(problems, code+": "+strings.Join(bad, ", "))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, storageError(fmt.Errorf("integrity report: %w", err))
	}
	return problems, nil
}

// RequestsNeedingAction returns, newest first and at most limit, the
// requests a supervisor should look at: refused by the exchange (rejected,
// conflict), waiting for the citizen or the office (needs action), or
// whose receipt failed to print.
func (s *DB) RequestsNeedingAction(ctx context.Context, limit int) ([]RequestView, error) {
	if limit <= 0 {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "اندازه فهرست نامعتبر است.", "limit must be positive, got %d", limit)
	}
	return s.queryRequests(ctx, `WHERE r.state IN ('rejected', 'conflict', 'needs_action')
		OR r.id IN (SELECT request_id FROM print_jobs WHERE state = 'failed')
		ORDER BY r.created_at DESC LIMIT ?`, limit)
}
