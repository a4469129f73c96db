// Command pishkhan-uibench measures the window with a long history: a desk
// with the demo catalog and 100,000 requests in its database. It reports
//
//   - start-up: from exec of the real binary under Xvfb to the clerk's
//     window drawn (logged in, today's board and the sync bar loaded),
//     against an empty Fyne window started the same way in the same run;
//   - resident memory of that process once drawn, against the empty window;
//   - catalog search while typing: each keystroke of real queries through
//     the walk-in screen (search and list refresh, Fyne's test driver),
//     against the store's search alone.
//
// Targets (issue 5): under 1 s to an interactive window after the first
// build, under 16 ms per keystroke, under 150 MB resident.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/ui"
)

func main() {
	requests := flag.Int("requests", 100000, "requests in the database")
	runs := flag.Int("runs", 5, "start-ups of each window")
	flag.Parse()
	if err := run(*requests, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "pishkhan-uibench:", err)
		os.Exit(1)
	}
}

// appTags are the build tags the app ships with (the Makefile's TAGS, and
// scripts/package.sh and scripts/windows.sh): no_emoji leaves Fyne's bundled
// emoji font out. The baseline is built without tags, as any Fyne program.
const appTags = "no_emoji"

func run(n, runs int) error {
	ctx := context.Background()
	work, err := os.MkdirTemp("", "pishkhan-uibench-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	dataDir := filepath.Join(work, "desk")
	t0 := time.Now()
	d, err := fill(ctx, dataDir, n)
	if err != nil {
		return err
	}
	fmt.Printf("desk with the demo catalog and %d requests made in %s\n", n, time.Since(t0).Round(time.Second))

	perKey, base, keys, err := measureSearch(ctx, d)
	d.Close()
	if err != nil {
		return err
	}

	bin := filepath.Join(work, "pishkhan")
	if out, err := exec.Command("go", "build", "-tags", appTags, "-o", bin, "./cmd/pishkhan").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	empty := filepath.Join(work, "emptywindow")
	if out, err := exec.Command("go", "build", "-o", empty, "./cmd/pishkhan-uibench/emptywindow").CombinedOutput(); err != nil {
		return fmt.Errorf("build the empty window: %v\n%s", err, out)
	}
	var app, bare []sample
	for i := 0; i < runs; i++ { // interleaved, so both see the same machine
		s, err := startUnderXvfb(work, bin, "app", "--data", dataDir, "--login", "clerk1")
		if err != nil {
			return fmt.Errorf("pishkhan start-up: %w", err)
		}
		app = append(app, s)
		s, err = startUnderXvfb(work, empty)
		if err != nil {
			return fmt.Errorf("empty window start-up: %w", err)
		}
		bare = append(bare, s)
	}
	report(n, runs, app, bare, perKey, base, keys)
	return nil
}

// fill makes a desk with the demo catalog, a clerk, and n requests: one
// filed through the desk (the template), the rest inserted in one
// transaction as copies with their own ids, days, sequences and tracking
// codes — 9,999 a day at most, the last 150 today — all already done at
// the exchange except today's, which wait in the outbox.
func fill(ctx context.Context, dir string, n int) (*desk.Desk, error) {
	d, err := desk.Open(ctx, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	d.PINCost = pishkhan.Argon2idParams{Memory: 1024, Time: 1, Threads: 1}
	boss, err := d.FirstRun(ctx, desk.FirstRunInput{
		Desk:       desk.InitInput{OfficeCode: "12345", OfficeName: "دفتر پیشخوان سنجش", DeskNumber: "1"},
		Supervisor: desk.AddUserInput{Username: "modir", FullName: "مدیر سنجش", PIN: "1357"},
		Catalog:    democatalog.Version1(),
	})
	if err != nil {
		return nil, err
	}
	if _, err := d.AddUser(ctx, desk.AddUserInput{Username: "clerk1", FullName: "اپراتور سنجش", Role: "clerk", PIN: "2468"}, boss); err != nil {
		return nil, err
	}
	e, err := d.SubService(ctx, "ss-0001")
	if err != nil {
		return nil, err
	}
	nc, _ := pishkhan.CompleteNationalCode("001234567")
	form, _ := democatalog.SampleForm(e.SubService, nc)
	tpl, err := d.Intake(ctx, desk.IntakeInput{NationalCode: string(nc), FirstName: "زهرا", LastName: "احمدی", SubServiceID: "ss-0001",
		Fields: form, PayMethod: "cash", Clerk: "clerk1"})
	if err != nil {
		return nil, err
	}
	db := d.Store.SQL()
	cols := `tracking_code, day, seq, national_code, first_name, last_name, father_name, birth_date, mobile, sub_service_id,
		sub_service_name, service_id, service_name, agency_id, agency_name, catalog_version, fields_json, gov_fee, counter_fee,
		state, state_note, clerk, created_at, updated_at`
	var created string
	if err := db.QueryRowContext(ctx, `SELECT created_at FROM requests WHERE id = ?`, tpl.ID.String()).Scan(&created); err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO requests (id, `+cols+`)
		SELECT ?, ?, ?, ?, ?, first_name, last_name, father_name, birth_date, mobile, sub_service_id, sub_service_name,
			service_id, service_name, agency_id, agency_name, catalog_version, fields_json, gov_fee, counter_fee, ?, '', clerk, ?, ?
		FROM requests WHERE id = ?`)
	if err != nil {
		return nil, err
	}
	today := d.Today()
	layout := timeLayout(created)
	now := d.Now()
	for i := 1; i < n; i++ {
		back := n - i // requests filed before the template, newest last
		var day persian.Date
		var seq int
		state := "done"
		at := now.Add(-time.Duration(back) * 3 * time.Minute)
		if back < 150 {
			day, seq, state = today, 1+i-(n-150), "queued"
		} else {
			k := back - 150
			day, seq = today.AddDays(-1-k/9000), 1+k%9000
		}
		code, err := pishkhan.NewTrackingCode(pishkhan.TrackingParts{Office: 12345, Desk: 1, Year: day.Year, Month: day.Month, Day: day.Day, Seq: seq})
		if err != nil {
			return nil, err
		}
		id, err := pishkhan.NewID(at, rand.Reader)
		if err != nil {
			return nil, err
		}
		nc, _ := pishkhan.CompleteNationalCode(fmt.Sprintf("%09d", 100000000+(i*7919)%800000000))
		ts := at.UTC().Format(layout)
		if _, err := ins.ExecContext(ctx, id.String(), string(code), day.String(), seq, string(nc), state, ts, ts, tpl.ID.String()); err != nil {
			return nil, fmt.Errorf("insert request %d (%s %d): %w", i, day, seq, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	var count int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests`).Scan(&count); err != nil || count != n {
		return nil, fmt.Errorf("the desk holds %d requests, want %d (%v)", count, n, err)
	}
	return d, nil
}

// timeLayout is the layout of the store's time text, recognised from a sample.
func timeLayout(sample string) string {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000000000Z07:00", "2006-01-02 15:04:05.999999999Z07:00", time.RFC3339} {
		if t, err := time.Parse(l, sample); err == nil && t.Format(l) == sample {
			return l
		}
	}
	return time.RFC3339Nano
}

// queries are typed one keystroke at a time.
var queries = []string{"گواهینامه رانندگی", "كارت سوخت", "تعویض پلاک", "گذرنامه", "ثبت نام", "پروانه کسب"}

// measureSearch types the queries into the walk-in screen (test driver)
// and times each keystroke's search and list refresh; the baseline is the
// store's search alone for the same prefixes.
func measureSearch(ctx context.Context, d *desk.Desk) (perKey, base []time.Duration, keys int, err error) {
	fa := test.NewApp()
	defer fa.Quit()
	uctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a := ui.New(uctx, fa, ui.Options{Desk: d, Inline: true, Log: slog.New(slog.DiscardHandler)})
	if err := a.Login("clerk1", "2468"); err != nil {
		return nil, nil, 0, err
	}
	for rep := 0; rep < 5; rep++ {
		for _, q := range queries {
			rs := []rune(q)
			for i := 1; i <= len(rs); i++ {
				prefix := string(rs[:i])
				t := time.Now()
				a.TypeSearch(prefix)
				perKey = append(perKey, time.Since(t))
				t = time.Now()
				if _, err := d.SearchCatalog(ctx, prefix, 30); err != nil {
					return nil, nil, 0, err
				}
				base = append(base, time.Since(t))
				keys++
			}
		}
	}
	return perKey, base, keys, nil
}

// sample is one start-up.
type sample struct {
	took time.Duration
	rss  int64 // bytes resident
	anon int64 // of which anonymous (the process's own; the rest is mapped files, e.g. the GL driver's libraries)
}

// startUnderXvfb runs a window program under xvfb-run until it writes its
// ready file, and reads its resident memory then.
func startUnderXvfb(work, bin string, args ...string) (sample, error) {
	ready := filepath.Join(work, "ready")
	os.Remove(ready)
	pidFile := filepath.Join(work, "pid")
	os.Remove(pidFile)
	script := filepath.Join(work, "start.sh")
	// The script records the program's pid, then waits for it.
	os.WriteFile(script, []byte("#!/bin/sh\nexec 3<&0\n\"$@\" <&3 &\necho $! > "+pidFile+"\nwait\n"), 0o755)
	cmdArgs := append([]string{"-a", "-s", "-screen 0 1280x800x24", script, bin}, args...)
	cmdArgs = append(cmdArgs, "--ready-file", ready)
	// Xvfb itself starts first; its start is not the program's.
	cmd := exec.Command("xvfb-run", cmdArgs...)
	cmd.Stdin = strings.NewReader("2468\n")
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	logf, err := os.Create(filepath.Join(work, "start.log"))
	if err != nil {
		return sample{}, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	var pid int
	// Once the program is measured and killed, xvfb-run stops its Xvfb and
	// exits: wait for that. Killing xvfb-run instead left its Xvfb running,
	// one server per start-up, for ever.
	defer func() {
		if pid > 0 {
			exec.Command("kill", strconv.Itoa(pid)).Run()
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	var started time.Time
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if pid == 0 {
			if b, err := os.ReadFile(pidFile); err == nil && len(b) > 1 {
				pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
				started = processStartTime(pid)
			}
		}
		if b, err := os.ReadFile(ready); err == nil && len(b) > 1 && pid > 0 {
			took := time.Since(started)
			rss, anon := rssOf(pid)
			return sample{took: took, rss: rss, anon: anon}, nil // the deferred kill ends it
		}
		time.Sleep(2 * time.Millisecond)
	}
	out, _ := os.ReadFile(logf.Name())
	return sample{}, fmt.Errorf("%s did not draw its window within 60 s:\n%s", filepath.Base(bin), out)
}

// processStartTime is when the kernel started pid (from /proc/PID/stat).
func processStartTime(pid int) time.Time {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return time.Now()
	}
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	ticks, _ := strconv.ParseInt(f[19], 10, 64) // starttime, field 22
	up, _ := os.ReadFile("/proc/uptime")
	uptime, _ := strconv.ParseFloat(strings.Fields(string(up))[0], 64)
	const hz = 100 // USER_HZ on Linux
	age := time.Duration((uptime - float64(ticks)/hz) * float64(time.Second))
	return time.Now().Add(-age)
}

// rssOf is a process's resident memory in bytes, and its anonymous part.
func rssOf(pid int) (rss, anon int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			rss = kb * 1024
		}
		if v, ok := strings.CutPrefix(sc.Text(), "RssAnon:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			anon = kb * 1024
		}
	}
	return rss, anon
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func report(n, runs int, app, bare []sample, perKey, base []time.Duration, keys int) {
	took := func(ss []sample) []time.Duration {
		out := make([]time.Duration, len(ss))
		for i, s := range ss {
			out[i] = s.took
		}
		return out
	}
	rss := func(ss []sample) (int64, int64) {
		var m, a int64
		for _, s := range ss {
			m, a = max(m, s.rss), max(a, s.anon)
		}
		return m, a
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	pass := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	a, b := median(took(app)), median(took(bare))
	fmt.Printf("\nmachine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Printf("start-up to the clerk's window drawn (median of %d, under Xvfb): %s; empty Fyne window: %s; ratio %.2f — target under 1 s: %s\n",
		runs, ms(a), ms(b), float64(a)/float64(b), pass(a < time.Second))
	ra, aa := rss(app)
	rb, ab := rss(bare)
	fmt.Printf("resident memory once drawn (max of %d): %.1f MB (%.1f MB anonymous); empty Fyne window: %.1f MB (%.1f MB anonymous); ratio %.2f — target under 150 MB: %s\n",
		runs, float64(ra)/1e6, float64(aa)/1e6, float64(rb)/1e6, float64(ab)/1e6, float64(ra)/float64(max(rb, 1)), pass(ra < 150e6))
	fmt.Printf("catalog search while typing (%d keystrokes): p50 %s, p99 %s, max %s; the store's search alone p50 %s; ratio %.2f — target under 16 ms: %s\n",
		keys, ms(median(perKey)), ms(pct(perKey, 0.99)), ms(slices.Max(perKey)), ms(median(base)), float64(median(perKey))/float64(max(median(base), 1)),
		pass(pct(perKey, 0.99) < 16*time.Millisecond))
	fmt.Printf("(%d requests in the database; the app built with -tags %s, the empty window without)\n", n, appTags)
}
