//go:build unix

// The crash test needs SIGKILL and the wait status of a killed child, so it
// is built on unix systems only (there is no Windows CI).

package desk_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
)

// Environment variables between the crash test and its child process.
const (
	crashChildEnv  = "PISHKHAN_CRASH_CHILD"  // data folder; its presence makes TestCrashChildHelper the child
	crashSubsEnv   = "PISHKHAN_CRASH_SUBS"   // comma-separated sub-service ids the child files
	crashSeedEnv   = "PISHKHAN_CRASH_SEED"   // seed of the whole run (parent) or of this child
	crashDayEnv    = "PISHKHAN_CRASH_DAY"    // days the child's clock runs ahead of the real one
	crashRoundsEnv = "PISHKHAN_CRASH_ROUNDS" // kills in one run; 25 unless set (make chaos sets more)
)

// crashRoundsPerDay is how many rounds share one business day. Each round
// moves the child's clock on by a day every so often, so a run of thousands
// of rounds never reaches pishkhan.MaxDailySequence intakes in a day, and
// several restarts still continue the same day's sequence.
const crashRoundsPerDay = 5

// TestCrashChildHelper is not a test by itself: it is the body of the child
// process that TestCrashKillDuringIntake starts (the test binary re-executed
// with -test.run=^TestCrashChildHelper$) and kills with SIGKILL. In an
// ordinary `go test` run PISHKHAN_CRASH_CHILD is unset and it returns at
// once, passing without doing anything; it is a no-op, not a skip.
//
// As the child it opens the desk in the folder named by PISHKHAN_CRASH_CHILD
// and files intakes in a loop until it is killed. After every Intake that
// returned successfully (that is, committed) it writes one line
// "OK <tracking code> <request id> <sub-service id>" to stdout with a
// single unbuffered write, so the parent learns of every commit the child
// saw. Any error ends the child with exit status 3, which fails the parent.
func TestCrashChildHelper(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		return
	}
	if err := crashChild(context.Background(), dir); err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(3)
	}
	os.Exit(0) // not reached: the loop runs until the parent kills it
}

// crashChild files intakes in dir until the process is killed.
func crashChild(ctx context.Context, dir string) error {
	seed, err := strconv.ParseUint(os.Getenv(crashSeedEnv), 10, 64)
	if err != nil {
		return fmt.Errorf("%s: %w", crashSeedEnv, err)
	}
	days, err := strconv.Atoi(os.Getenv(crashDayEnv))
	if err != nil {
		return fmt.Errorf("%s: %w", crashDayEnv, err)
	}
	d, err := desk.Open(ctx, dir, nil)
	if err != nil {
		return err
	}
	defer d.Close()
	shift := time.Duration(days) * 24 * time.Hour
	d.Store.Now = func() time.Time { return time.Now().Add(shift) }
	var picks []benchPick
	for _, id := range strings.Split(os.Getenv(crashSubsEnv), ",") {
		e, err := d.SubService(ctx, id)
		if err != nil {
			return err
		}
		form, ok := benchFormValues(e.SubService)
		if !ok {
			return fmt.Errorf("cannot fill the form of %s", id)
		}
		picks = append(picks, benchPick{SubService: e.SubService, Form: form})
	}
	if _, err := os.Stdout.WriteString("OPEN\n"); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 0x63726173))
	for i := 0; ; i++ {
		p := picks[rng.IntN(len(picks))]
		r, err := d.Intake(ctx, benchIntakeInput(p, rng.IntN(1_000_000), rng.IntN(2) == 0))
		if err != nil {
			return fmt.Errorf("intake %d of %s: %w", i, p.SubService.ID, err)
		}
		// One write call per line: the parent sees whole lines or nothing.
		line := "OK " + string(r.TrackingCode) + " " + r.ID.String() + " " + r.SubServiceID + "\n"
		if _, err := os.Stdout.WriteString(line); err != nil {
			return err
		}
	}
}

// crashReport is one intake that the child reported as committed.
type crashReport struct {
	Code, ID, SubService string
}

// crashRun is what one child did before it was killed.
type crashRun struct {
	opened  bool // it got as far as opening the desk
	reports []crashReport
}

// TestCrashKillDuringIntake starts a child process that files intakes and
// kills it with SIGKILL at a random moment, many times. After each kill it
// reopens the database and checks that every intake the child reported as
// committed is there and complete (request, inquiries, payment, print job,
// audit entry), that no request anywhere is half-written, that the audit
// chain verifies with exactly one entry per request beyond the set-up, that
// every day's sequence numbers are 1…n without duplicates, and that SQLite's
// own integrity check passes. Requests that committed but were not reported
// (killed between the commit and the write) are allowed and checked alike.
//
// PISHKHAN_CRASH_ROUNDS sets the number of kills (25 by default) and
// PISHKHAN_CRASH_SEED replays a run; the seed is logged.
func TestCrashKillDuringIntake(t *testing.T) {
	ctx := context.Background()
	rounds := 25
	if s := os.Getenv(crashRoundsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", crashRoundsEnv, s)
		}
		rounds = n
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(crashSeedEnv); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", crashSeedEnv, s, err)
		}
		seed = n
	}
	t.Logf("crash test: %d rounds, seed %d (replay with %s=%d)", rounds, seed, crashSeedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, 0x6b696c6c))

	dir := t.TempDir()
	cat := democatalog.Version1()
	d := benchSetupDesk(t, dir, cat)
	// This desk never syncs and its clock runs days ahead, so its outbox
	// only ages: lift the offline limits out of the way.
	if err := d.SetOfflineLimits(context.Background(), pishkhan.OfflineLimits{WarnAfter: 10 * 365 * 24 * time.Hour,
		RefuseAfter: 20 * 365 * 24 * time.Hour}, as(t, d, "boss")); err != nil {
		t.Fatal(err)
	}
	const setupAudit = 5 // desk.init, catalog.import, user.add ×2, sync.limits
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	picks := benchPickSubServices(cat, 2)
	wantInquiries := map[string]int{}
	var ids []string
	var none, some, many bool
	for _, p := range picks {
		ids = append(ids, p.SubService.ID)
		n := len(p.SubService.Inquiries)
		wantInquiries[p.SubService.ID] = n
		none, some, many = none || n == 0, some || (n > 0 && n <= 20), many || n > 20
	}
	if !none || !some || !many {
		t.Fatalf("the demo catalog gave no fillable sub-services of every kind: %v", ids)
	}
	t.Logf("sub-services filed: %s", crashDescribe(picks))

	scratch := t.TempDir()               // where copies are checked
	reported := map[string]crashReport{} // every intake any child reported, by tracking code
	var kills, killedBeforeOpen, requests int
	for round := range rounds {
		// Half the rounds count the delay from the child's start, so a kill may
		// land while it opens (and recovers) the database; the other half count
		// it from the moment the desk is open, so they land in intakes.
		fromOpen := rng.IntN(2) == 0
		delay := time.Duration(20+rng.IntN(281)) * time.Millisecond
		run := crashRunChild(t, dir, ids, rng.Uint64(), round/crashRoundsPerDay, delay, fromOpen)
		kills++
		if !run.opened {
			killedBeforeOpen++
		}
		for _, r := range run.reports {
			if old, dup := reported[r.Code]; dup {
				t.Fatalf("round %d: tracking code %s reported twice (%s, then %s)", round, r.Code, old.ID, r.ID)
			}
			reported[r.Code] = r
		}
		// Opening the database in the parent recovers it, and closing it
		// checkpoints the WAL away. So on every other round the parent checks a
		// copy, and the next child itself opens a database with a hot WAL.
		verifyDir := dir
		if round%2 == 1 {
			verifyDir = crashCopyDB(t, dir, scratch)
		}
		requests = crashVerify(t, ctx, verifyDir, round, run.reports, reported, wantInquiries, setupAudit)
	}
	if len(reported) == 0 {
		t.Fatalf("no child committed a single intake in %d rounds; the test proved nothing", rounds)
	}
	t.Logf("crash test: %d rounds, %d SIGKILLs (%d before the desk was open), %d intakes reported committed, %d requests in the database, seed %d",
		rounds, kills, killedBeforeOpen, len(reported), requests, seed)
}

// crashCopyDB copies the database and its WAL, as the kill left them, into
// dst, replacing the previous copy, and returns dst. The shared-memory index
// is left behind: SQLite rebuilds it from the WAL.
func crashCopyDB(t *testing.T, dir, dst string) string {
	t.Helper()
	for _, name := range []string{desk.DBFile, desk.DBFile + "-wal", desk.DBFile + "-shm"} {
		if err := os.Remove(filepath.Join(dst, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	for _, name := range []string{desk.DBFile, desk.DBFile + "-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) && name != desk.DBFile {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// crashDescribe lists the picked sub-services with their inquiry counts.
func crashDescribe(picks []benchPick) string {
	var parts []string
	for _, p := range picks {
		parts = append(parts, fmt.Sprintf("%s (%d inquiries)", p.SubService.ID, len(p.SubService.Inquiries)))
	}
	return strings.Join(parts, ", ")
}

// crashRunChild starts the child, SIGKILLs it after delay (counted from its
// start, or from its "OPEN" line when fromOpen is set) and returns what it
// reported. A child that ends by itself fails the test.
func crashRunChild(t *testing.T, dir string, ids []string, seed uint64, days int, delay time.Duration, fromOpen bool) crashRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChildHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		crashChildEnv+"="+dir,
		crashSubsEnv+"="+strings.Join(ids, ","),
		crashSeedEnv+"="+strconv.FormatUint(seed, 10),
		crashDayEnv+"="+strconv.Itoa(days),
		crashRoundsEnv+"=", // the child is not a parent
	)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	readDone := make(chan error, 1)
	go func() {
		br := bufio.NewReader(stdout)
		for {
			line, err := br.ReadString('\n')
			if err != nil { // io.EOF after the kill; a partial last line is dropped
				if errors.Is(err, io.EOF) {
					err = nil
				}
				readDone <- err
				close(lines)
				return
			}
			lines <- strings.TrimSuffix(line, "\n")
		}
	}()
	var run crashRun
	record := func(line string) {
		switch f := strings.Fields(line); {
		case line == "OPEN":
			run.opened = true
		case len(f) == 4 && f[0] == "OK":
			run.reports = append(run.reports, crashReport{Code: f[1], ID: f[2], SubService: f[3]})
		default:
			t.Errorf("unexpected line from the child: %q", line)
		}
	}
	deadline := time.NewTimer(delay)
	if fromOpen {
		deadline.Stop()
	}
	giveUp := time.NewTimer(30 * time.Second)
	defer giveUp.Stop()
	killed := false
	for !killed {
		select {
		case line, ok := <-lines:
			if !ok {
				waitErr := cmd.Wait()
				t.Fatalf("child ended by itself before it was killed (%v); stderr:\n%s", waitErr, stderr.String())
			}
			record(line)
			if fromOpen && line == "OPEN" {
				deadline.Reset(delay)
			}
		case <-deadline.C:
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatalf("kill child: %v", err)
			}
			killed = true
		case <-giveUp.C:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child still running after 30 s without being due for its kill; stderr:\n%s", stderr.String())
		}
	}
	for line := range lines {
		record(line)
	}
	if err := <-readDone; err != nil {
		t.Fatalf("read child output: %v", err)
	}
	waitErr := cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		// It ended on its own just before the kill: an error in the child.
		t.Fatalf("child was not ended by SIGKILL (%v); stderr:\n%s", waitErr, stderr.String())
	}
	return run
}

// crashVerify reopens the database after a kill and checks it; it returns
// the number of requests in it.
func crashVerify(t *testing.T, ctx context.Context, dir string, round int, fresh []crashReport,
	reported map[string]crashReport, wantInquiries map[string]int, setupAudit int) int {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("round %d: "+format, append([]any{round}, args...)...)
	}
	d, err := desk.Open(ctx, dir, nil)
	if err != nil {
		fail("reopen after kill: %v", err)
	}
	defer d.Close()
	db := d.Store.SQL()

	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		fail("PRAGMA integrity_check = %q (%v)", check, err)
	}
	rows, err := db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		fail("foreign_key_check: %v", err)
	}
	fkBad := rows.Next()
	rows.Close()
	if fkBad {
		fail("PRAGMA foreign_key_check found rows that point nowhere")
	}

	problems, err := d.Store.IntegrityReport(ctx)
	if err != nil {
		fail("integrity report: %v", err)
	}
	if len(problems) > 0 {
		fail("incomplete requests after the kill:\n%s", strings.Join(problems, "\n"))
	}

	// Every intake reported in this round, in full through the store's API.
	for _, r := range fresh {
		v, err := d.Store.RequestByTracking(ctx, pishkhan.TrackingCode(r.Code))
		if err != nil {
			fail("reported intake %s is missing: %v", r.Code, err)
		}
		switch {
		case v.ID.String() != r.ID:
			fail("%s has id %s, the child reported %s", r.Code, v.ID, r.ID)
		case v.SubServiceID != r.SubService:
			fail("%s is for %s, the child reported %s", r.Code, v.SubServiceID, r.SubService)
		case v.Payment == nil:
			fail("%s has no payment", r.Code)
		case v.Payment.Amount != v.TotalFee():
			fail("%s: paid %d, fee %d", r.Code, v.Payment.Amount, v.TotalFee())
		case len(v.Inquiries) != wantInquiries[r.SubService]:
			fail("%s has %d inquiries, %s needs %d", r.Code, len(v.Inquiries), r.SubService, wantInquiries[r.SubService])
		case len(v.PrintJobs) == 0 || v.PrintJobs[0].Kind != pishkhan.PrintReceipt:
			fail("%s has no receipt print job (%v)", r.Code, v.PrintJobs)
		}
		trail, err := d.Store.AuditTrail(ctx, r.Code, 10)
		if err != nil {
			fail("audit trail of %s: %v", r.Code, err)
		}
		if len(trail) != 1 || trail[0].Action != "intake" {
			fail("%s: want one intake audit entry, got %+v", r.Code, trail)
		}
	}

	// Every request in the database, reported or not, checked independently
	// of IntegrityReport against the catalog's inquiry counts.
	present := map[string]string{}
	rows, err = db.QueryContext(ctx, `SELECT r.tracking_code, r.id, r.sub_service_id,
			(SELECT COUNT(*) FROM inquiries q WHERE q.request_id = r.id),
			(SELECT COUNT(*) FROM payments p WHERE p.request_id = r.id),
			(SELECT COUNT(*) FROM print_jobs j WHERE j.request_id = r.id AND j.kind = 'receipt'),
			(SELECT COUNT(*) FROM audit a WHERE a.subject = r.tracking_code AND a.action = 'intake')
		FROM requests r`)
	if err != nil {
		fail("list requests: %v", err)
	}
	for rows.Next() {
		var code, id, sub string
		var inq, pay, jobs, audit int
		if err := rows.Scan(&code, &id, &sub, &inq, &pay, &jobs, &audit); err != nil {
			rows.Close()
			fail("read request: %v", err)
		}
		want, known := wantInquiries[sub]
		if !known || inq != want || pay != 1 || jobs != 1 || audit != 1 {
			rows.Close()
			fail("request %s (%s) is half-written: %d/%d inquiries, %d payments, %d receipt jobs, %d intake audit entries",
				code, sub, inq, want, pay, jobs, audit)
		}
		present[code] = id
	}
	if err := rows.Err(); err != nil {
		fail("list requests: %v", err)
	}
	rows.Close()
	for code, r := range reported {
		if present[code] != r.ID {
			fail("intake %s (%s) was reported committed in an earlier round and is gone", code, r.ID)
		}
	}

	// No row belongs to a request that does not exist.
	var orphans int
	err = db.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM inquiries WHERE request_id NOT IN (SELECT id FROM requests)) +
			(SELECT COUNT(*) FROM payments WHERE request_id NOT IN (SELECT id FROM requests)) +
			(SELECT COUNT(*) FROM print_jobs WHERE request_id IS NOT NULL AND request_id NOT IN (SELECT id FROM requests)) +
			(SELECT COUNT(*) FROM audit WHERE action = 'intake' AND subject NOT IN (SELECT tracking_code FROM requests))`).Scan(&orphans)
	if err != nil || orphans != 0 {
		fail("%d rows of requests that do not exist (%v)", orphans, err)
	}

	// Each day's sequence is 1…n: no duplicates and no gaps.
	rows, err = db.QueryContext(ctx, "SELECT day, COUNT(*), COUNT(DISTINCT seq), MIN(seq), MAX(seq) FROM requests GROUP BY day")
	if err != nil {
		fail("sequences: %v", err)
	}
	for rows.Next() {
		var day string
		var n, distinct, lo, hi int
		if err := rows.Scan(&day, &n, &distinct, &lo, &hi); err != nil {
			rows.Close()
			fail("sequences: %v", err)
		}
		if distinct != n || lo != 1 || hi != n {
			rows.Close()
			fail("day %s: %d requests with %d distinct sequence numbers from %d to %d", day, n, distinct, lo, hi)
		}
	}
	rows.Close()

	// The audit chain verifies and holds exactly the set-up plus one entry per request.
	rep, err := d.VerifyAudit(ctx)
	if err != nil {
		fail("audit chain: %v", err)
	}
	if want := int64(setupAudit + len(present)); rep.Entries != want {
		fail("audit trail has %d entries, want %d (%d set-up + %d requests)", rep.Entries, want, setupAudit, len(present))
	}
	var actions string
	if err := db.QueryRowContext(ctx, `SELECT group_concat(action || '=' || n, ' ') FROM
			(SELECT action, COUNT(*) AS n FROM audit GROUP BY action ORDER BY action)`).Scan(&actions); err != nil {
		fail("audit actions: %v", err)
	}
	wantActions := fmt.Sprintf("catalog.import=1 desk.init=1 intake=%d sync.limits=1 user.add=2", len(present))
	if len(present) == 0 {
		wantActions = "catalog.import=1 desk.init=1 sync.limits=1 user.add=2"
	}
	if actions != wantActions {
		fail("audit actions %q, want %q", actions, wantActions)
	}
	return len(present)
}
