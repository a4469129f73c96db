package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

func cmdEnrol(e *env, args []string) error {
	fs := newFlags(e, "enrol")
	url := fs.String("exchange", "", "the exchange's address, e.g. https://exchange.example (required)")
	code := fs.String("code", "", "the one-time code the exchange issued for this office and desk (required)")
	caFile := fs.String("ca", "", "PEM `file` of the CA certificates of the exchange's certificate, when the system does not trust it; kept only if enrolment succeeds")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	if *url == "" || *code == "" {
		return usagef("enrol needs --exchange and --code")
	}
	var caPEM []byte
	if *caFile != "" {
		// A bad CA file is refused before anything is opened or written.
		if caPEM, err = desk.ReadExchangeCAFile(*caFile, time.Now()); err != nil {
			return err
		}
	}
	d, by, err := e.openDeskAs()
	if err != nil {
		return err
	}
	defer d.Close()
	st, cas, err := d.EnrolWithCA(e.ctx, desk.EnrolInput{ExchangeURL: *url, OneTimeCode: *code}, caPEM, by)
	if err != nil {
		return err
	}
	j := map[string]any{"exchange": st.ExchangeURL, "key_id": st.KeyID, "key_file": d.KeyPath(), "enrolled_at": st.EnrolledAt}
	if cas != nil {
		j["ca_file"], j["ca"] = d.CAPath(), caJSON(cas)
	}
	return e.emit(j, func(w io.Writer) {
		fmt.Fprintf(w, "enrolled with %s as key %s; the desk key is in %s (owner-only)\n", st.ExchangeURL, st.KeyID, d.KeyPath())
		if cas != nil {
			fmt.Fprintf(w, "the exchange's CA is kept in %s and trusted besides the system's roots:\n", d.CAPath())
			printCAs(w, cas)
		}
	})
}

func caJSON(cas []desk.CACert) []map[string]any {
	out := make([]map[string]any, len(cas))
	for i, c := range cas {
		out[i] = map[string]any{"subject": c.Subject, "not_before": c.NotBefore, "not_after": c.NotAfter, "sha256": c.SHA256}
	}
	return out
}

func printCAs(w io.Writer, cas []desk.CACert) {
	for _, c := range cas {
		fmt.Fprintf(w, "  %s, valid until %s\n    SHA-256 %s\n", c.Subject, c.NotAfter.UTC().Format(time.DateOnly), c.SHA256)
	}
}

// cmdSyncCA manages the CA the desk trusts for the exchange besides the
// system's roots: sync ca set FILE | show | clear.
func cmdSyncCA(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("sync ca needs a subcommand: set FILE, show or clear")
	}
	fs := newFlags(e, "sync ca "+args[0])
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	switch args[0] {
	case "set":
		if len(pos) != 1 {
			return usagef("sync ca set needs one PEM file of the exchange's CA certificates")
		}
		data, err := desk.ReadExchangeCAFile(pos[0], time.Now())
		if err != nil {
			return err
		}
		d, by, err := e.openDeskAs()
		if err != nil {
			return err
		}
		defer d.Close()
		cas, err := d.SetExchangeCA(e.ctx, data, by)
		if err != nil {
			return err
		}
		j := map[string]any{"ca_file": d.CAPath(), "ca": caJSON(cas)}
		// The CA is kept either way (the exchange may be about to move to
		// it); an enrolled desk says at once whether it fits.
		check := d.CheckExchangeTLS(e.ctx)
		if check != nil {
			j["exchange_error"], j["exchange_error_fa"] = check.Error(), pishkhan.PersianMessage(check)
		}
		return e.emit(j, func(w io.Writer) {
			fmt.Fprintf(w, "exchange CA set: %d certificate(s) in %s, trusted besides the system's roots:\n", len(cas), d.CAPath())
			printCAs(w, cas)
			if check != nil {
				fmt.Fprintf(w, "WARNING: the exchange is still not usable with it: %v\n", check)
			}
		})
	case "show":
		if err := noArgs(pos); err != nil {
			return err
		}
		d, err := e.openDesk()
		if err != nil {
			return err
		}
		defer d.Close()
		cas, err := d.ExchangeCA()
		if err != nil {
			return err
		}
		j := map[string]any{"ca": caJSON(cas)}
		if cas != nil {
			j["ca_file"] = d.CAPath()
		}
		return e.emit(j, func(w io.Writer) {
			if cas == nil {
				fmt.Fprintln(w, "no exchange CA set: the exchange's certificate must be trusted by the system (set one: pishkhan sync ca set FILE)")
				return
			}
			fmt.Fprintf(w, "exchange CA in %s, trusted besides the system's roots:\n", d.CAPath())
			printCAs(w, cas)
		})
	case "clear":
		if err := noArgs(pos); err != nil {
			return err
		}
		d, by, err := e.openDeskAs()
		if err != nil {
			return err
		}
		defer d.Close()
		had, err := d.ClearExchangeCA(e.ctx, by)
		if err != nil {
			return err
		}
		return e.emit(map[string]any{"removed": had}, func(w io.Writer) {
			if had {
				fmt.Fprintln(w, "exchange CA removed: only the system's roots are trusted now")
			} else {
				fmt.Fprintln(w, "no exchange CA was set")
			}
		})
	}
	return usagef("unknown sync ca subcommand %q: set FILE, show or clear", args[0])
}

func cmdSync(e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "status":
			return cmdSyncStatus(e, args[1:])
		case "limits":
			return cmdSyncLimits(e, args[1:])
		case "ca":
			return cmdSyncCA(e, args[1:])
		}
	}
	fs := newFlags(e, "sync")
	timeout := fs.Duration("timeout", 0, "give up after this long (0: keep trying until drained or interrupted)")
	batch := fs.Int("batch", 200, "requests per batch")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	ctx := e.ctx
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	bar := newProgressBar(e.stdout, !e.json && isTerminal(e.stdout))
	log := e.log
	if bar.on {
		// The bar shows each retry; warnings on the same terminal would break its line.
		log = e.logger(slog.LevelError, nil)
	}
	rep, err := d.NewReplicator(ctx, replicator.Config{BatchSize: *batch, Log: log, OnStatus: bar.show})
	if err != nil {
		return err
	}
	// An exchange whose certificate the desk does not trust would be
	// retried until --timeout; say so now instead.
	if err := d.CheckExchangeTLS(ctx); err != nil {
		return err
	}
	start := time.Now()
	err = rep.Drain(ctx)
	bar.done()
	st := rep.Status()
	if err != nil {
		switch {
		case errors.Is(err, replicator.ErrAuth):
			return pishkhan.WrapError(err, pishkhan.EUnauthorized, "مرکز هویت این میز را نپذیرفت؛ میز را دوباره ثبت کنید (pishkhan enrol).", "sync stopped")
		case errors.Is(err, context.DeadlineExceeded):
			return pishkhan.WrapError(fmt.Errorf("%d requests still unsent; last error: %s", st.Pending, st.LastError),
				pishkhan.EUnavailable, "ارسال در زمان تعیین‌شده تمام نشد؛ مرکز در دسترس نیست.", "sync timed out")
		}
		return err
	}
	return e.emit(map[string]any{"sent": st.Sent, "pending": st.Pending, "catalog_version": st.CatalogVersion,
		"seconds": time.Since(start).Seconds()},
		func(w io.Writer) {
			fmt.Fprintf(w, "sync done: %d requests sent in %s; %d pending; catalog v%d\n", st.Sent, time.Since(start).Round(time.Millisecond), st.Pending, st.CatalogVersion)
		})
}

func cmdSyncStatus(e *env, args []string) error {
	fs := newFlags(e, "sync status")
	probe := fs.Bool("probe", true, "ask the exchange's health too")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	r, err := d.SyncStatus(e.ctx, *probe)
	if err != nil {
		return err
	}
	now := d.Now()
	level := map[pishkhan.OfflineLevel]string{pishkhan.OfflineOK: "ok", pishkhan.OfflineWarn: "warn", pishkhan.OfflineRefuse: "refuse"}[r.Level]
	j := map[string]any{"enrolled": r.State.Enrolled(), "exchange": r.State.ExchangeURL, "key_id": r.State.KeyID,
		"pending": r.Outbox.Pending, "offline_level": level, "catalog_version": r.CatalogVersion, "updates_cursor": r.State.UpdatesCursor,
		"alert": r.State.Alert, "last_error": r.State.LastError, "warn_after": r.State.Limits.WarnAfter.String(),
		"refuse_after": r.State.Limits.RefuseAfter.String()}
	if *probe {
		j["reachable"] = r.Reachable
		if r.ProbeErr != nil {
			j["probe_error"], j["probe_error_fa"] = r.ProbeError, pishkhan.PersianMessage(r.ProbeErr)
		}
	}
	cas, caErr := d.ExchangeCA()
	if caErr != nil {
		j["ca_error"] = caErr.Error()
	} else if cas != nil {
		j["ca_file"], j["ca"] = d.CAPath(), caJSON(cas)
	}
	if !r.Outbox.Oldest.IsZero() {
		j["oldest_unsent"], j["oldest_age_seconds"] = r.Outbox.Oldest, int64(now.Sub(r.Outbox.Oldest)/time.Second)
	}
	if !r.State.LastSuccess.IsZero() {
		j["last_success"] = r.State.LastSuccess
	}
	return e.emit(j, func(w io.Writer) {
		if !r.State.Enrolled() {
			fmt.Fprintln(w, "exchange:      not enrolled (run: pishkhan enrol --exchange URL --code CODE)")
		} else {
			fmt.Fprintf(w, "exchange:      %s (key %s)\n", r.State.ExchangeURL, r.State.KeyID)
		}
		if *probe && r.State.ExchangeURL != "" {
			if r.Reachable {
				fmt.Fprintf(w, "reachable:     yes (exchange clock %s, ours %s)\n", r.ExchangeTime.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
			} else {
				fmt.Fprintf(w, "reachable:     no — %s\n", r.ProbeError)
			}
		}
		switch {
		case caErr != nil:
			fmt.Fprintf(w, "exchange CA:   %v\n", caErr)
		case cas != nil:
			for _, c := range cas {
				fmt.Fprintf(w, "exchange CA:   %s, valid until %s (besides the system's roots)\n", c.Subject, c.NotAfter.UTC().Format(time.DateOnly))
			}
		}
		fmt.Fprintf(w, "pending:       %d requests unsent", r.Outbox.Pending)
		if !r.Outbox.Oldest.IsZero() {
			fmt.Fprintf(w, ", oldest %s old", now.Sub(r.Outbox.Oldest).Round(time.Second))
		}
		fmt.Fprintln(w)
		switch r.Level {
		case pishkhan.OfflineWarn:
			fmt.Fprintf(w, "WARNING:       unsent requests are older than %s; intake stops after %s\n", r.State.Limits.WarnAfter, r.State.Limits.RefuseAfter)
		case pishkhan.OfflineRefuse:
			fmt.Fprintf(w, "REFUSING:      unsent requests are older than %s; new intake is refused until they are sent\n", r.State.Limits.RefuseAfter)
		}
		fmt.Fprintf(w, "limits:        warn after %s, refuse intake after %s\n", r.State.Limits.WarnAfter, r.State.Limits.RefuseAfter)
		fmt.Fprintf(w, "last success:  %s\n", whenText(r.State.LastSuccess, now))
		if r.State.LastError != "" {
			fmt.Fprintf(w, "last error:    %s (%s)\n", r.State.LastError, whenText(r.State.LastErrorAt, now))
		}
		if r.State.Alert != "" {
			fmt.Fprintf(w, "ALERT:         %s — syncing is stopped; enrol the desk again\n", r.State.Alert)
		}
		fmt.Fprintf(w, "catalog:       v%d; status updates applied up to #%d\n", r.CatalogVersion, r.State.UpdatesCursor)
	})
}

func whenText(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return fmt.Sprintf("%s (%s ago)", t.UTC().Format(time.RFC3339), now.Sub(t).Round(time.Second))
}

func cmdSyncLimits(e *env, args []string) error {
	fs := newFlags(e, "sync limits")
	warn := fs.Duration("warn", 0, "warn when the oldest unsent request is older than this, e.g. 24h (required)")
	refuse := fs.Duration("refuse", 0, "refuse new intake past this age, e.g. 72h (required)")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	l := pishkhan.OfflineLimits{WarnAfter: *warn, RefuseAfter: *refuse}
	if err := l.Check(); err != nil {
		return err
	}
	d, by, err := e.openDeskAs()
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.SetOfflineLimits(e.ctx, l, by); err != nil {
		return err
	}
	return e.emit(map[string]any{"warn_after": l.WarnAfter.String(), "refuse_after": l.RefuseAfter.String()}, func(w io.Writer) {
		fmt.Fprintf(w, "offline limits: warn after %s, refuse intake after %s\n", l.WarnAfter, l.RefuseAfter)
	})
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws the drain's progress on one terminal line.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	last  time.Time
	drawn bool
}

func newProgressBar(w io.Writer, on bool) *progressBar { return &progressBar{w: w, on: on} }

func (p *progressBar) show(st replicator.Status) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 100*time.Millisecond && st.Done < st.Total {
		return
	}
	p.last = time.Now()
	const width = 30
	line := ""
	switch st.Phase {
	case replicator.PhaseSending:
		filled := 0
		if st.Total > 0 {
			filled = int(min(st.Done, st.Total) * width / st.Total)
		}
		line = fmt.Sprintf("sending  [%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), st.Done, st.Total)
	case replicator.PhaseCatalog:
		if st.Done < 64<<10 {
			return // an unchanged catalog or a small delta: nothing worth a bar
		}
		if st.Total > 0 {
			filled := int(min(st.Done, st.Total) * width / st.Total)
			line = fmt.Sprintf("catalog  [%s%s] %d/%d KB", strings.Repeat("#", filled), strings.Repeat(".", width-filled), st.Done/1024, st.Total/1024)
		} else {
			line = fmt.Sprintf("catalog  %d KB", st.Done/1024)
		}
	case replicator.PhaseUpdates:
		line = "pulling status updates"
	case replicator.PhaseBackoff:
		line = fmt.Sprintf("offline; retrying at %s (%d pending): %s", st.RetryAt.Format("15:04:05"), st.Pending, truncate(st.LastError, 60))
	default:
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.drawn = true
}

func (p *progressBar) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
