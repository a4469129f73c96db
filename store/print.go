package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pishkhan/pishkhan"
)

// A receipt's print job goes pending → (attempt) → printed or failed. The
// attempt is counted before a byte is sent, so a job that was being printed
// when the app died is found on the next start (pending with attempts) and
// set aside as failed for a person to look at the paper, instead of being
// printed a second time without anyone deciding to.

// PrintJobByID returns one print job, or ENotFound.
func (s *DB) PrintJobByID(ctx context.Context, id int64) (pishkhan.PrintJob, error) {
	jobs, err := printJobs(ctx, s.db, "WHERE id = ?", id)
	if err != nil {
		return pishkhan.PrintJob{}, err
	}
	if len(jobs) == 0 {
		return pishkhan.PrintJob{}, pishkhan.Errorf(pishkhan.ENotFound, "کار چاپ پیدا نشد.", "no print job %d", id)
	}
	return jobs[0], nil
}

// StartPrint records an attempt at printing job id and returns the job. A
// job already printed is refused (EConflict): a second paper copy is a
// reprint, a new job that says رونوشت.
func (s *DB) StartPrint(ctx context.Context, id int64) (pishkhan.PrintJob, error) {
	var job pishkhan.PrintJob
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		jobs, err := printJobs(ctx, tx, "WHERE id = ?", id)
		if err != nil {
			return err
		}
		if len(jobs) == 0 {
			return pishkhan.Errorf(pishkhan.ENotFound, "کار چاپ پیدا نشد.", "no print job %d", id)
		}
		job = jobs[0]
		if job.State == pishkhan.PrintPrinted {
			return pishkhan.Errorf(pishkhan.EConflict, "این رسید پیش‌تر چاپ شده است؛ برای نسخهٔ دوم «رونوشت» بگیرید.",
				"print job %d was printed at %s; a second copy is a reprint", id, fmtTime(job.PrintedAt))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = 'pending', attempts = attempts + 1 WHERE id = ?`, id); err != nil {
			return fmt.Errorf("count print attempt %d: %w", id, err)
		}
		job.State = pishkhan.PrintPending
		job.Attempts++
		return nil
	})
	return job, err
}

// FinishPrint records how an attempt ended: printed when printErr is nil,
// failed with its message otherwise. Only a job being attempted (pending)
// can finish.
func (s *DB) FinishPrint(ctx context.Context, id int64, printErr error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		if printErr == nil {
			res, err = tx.ExecContext(ctx, `UPDATE print_jobs SET state = 'printed', printed_at = ?, last_error = '' WHERE id = ? AND state = 'pending'`,
				fmtTime(s.Now()), id)
		} else {
			msg := printErr.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			res, err = tx.ExecContext(ctx, `UPDATE print_jobs SET state = 'failed', last_error = ? WHERE id = ? AND state = 'pending'`, msg, id)
		}
		if err != nil {
			return fmt.Errorf("finish print job %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return pishkhan.Errorf(pishkhan.EConflict, "وضعیت کار چاپ در این میان تغییر کرده است.", "print job %d is not being printed", id)
		}
		return nil
	})
}

// RecoverPrints sets aside the jobs that were being printed when the app
// stopped (pending, attempted at least once) as failed, and returns them.
// Whether their paper came out is for a person to see.
func (s *DB) RecoverPrints(ctx context.Context) ([]pishkhan.PrintJob, error) {
	var jobs []pishkhan.PrintJob
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		jobs, err = printJobs(ctx, tx, "WHERE state = 'pending' AND attempts > 0 ORDER BY id")
		if err != nil || len(jobs) == 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = 'failed',
			last_error = 'interrupted: the app stopped while printing; look at the paper before printing again'
			WHERE state = 'pending' AND attempts > 0`); err != nil {
			return fmt.Errorf("set aside interrupted print jobs: %w", err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: s.Now(), Actor: "system", Action: "print.interrupted", Subject: "print_jobs",
			Detail: fmt.Sprintf("%d print jobs interrupted by a stop", len(jobs))})
	})
	for i := range jobs {
		jobs[i].State = pishkhan.PrintFailed
	}
	return jobs, err
}

// QueueReprint adds a reprint (a copy that says رونوشت) of a request's
// receipt and returns the new job.
func (s *DB) QueueReprint(ctx context.Context, requestID pishkhan.ID, actor string) (pishkhan.PrintJob, error) {
	var job pishkhan.PrintJob
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var code string
		err := tx.QueryRowContext(ctx, `SELECT tracking_code FROM requests WHERE id = ?`, requestID.String()).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return pishkhan.Errorf(pishkhan.ENotFound, "درخواست پیدا نشد.", "no request with id %s", requestID)
		}
		if err != nil {
			return fmt.Errorf("find request %s: %w", requestID, err)
		}
		now := s.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO print_jobs (request_id, kind, state, created_at) VALUES (?, 'reprint', 'pending', ?)`,
			requestID.String(), fmtTime(now))
		if err != nil {
			return fmt.Errorf("queue reprint of %s: %w", code, err)
		}
		id, _ := res.LastInsertId()
		job = pishkhan.PrintJob{ID: id, RequestID: requestID, Kind: pishkhan.PrintReprint, State: pishkhan.PrintPending, CreatedAt: now}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "print.reprint", Subject: code,
			Detail: fmt.Sprintf("job %d", id)})
	})
	return job, err
}
