package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/logfile"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes. 0 is success.
const (
	exitError        = 1 // internal or environmental failure
	exitUsage        = 2 // wrong command line
	exitInvalid      = 3 // bad input
	exitNotFound     = 4
	exitConflict     = 5
	exitNotInit      = 6
	exitUnauthorized = 7
	exitRefused      = 8 // locked day, limits, illegal state
	exitDiskFull     = 9 // the disk is full: nothing was saved
)

// exitCode maps an error to the process's exit status.
func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	switch pishkhan.ErrorCode(err) {
	case pishkhan.EInvalid:
		return exitInvalid
	case pishkhan.ENotFound:
		return exitNotFound
	case pishkhan.EConflict:
		return exitConflict
	case pishkhan.ENotInit:
		return exitNotInit
	case pishkhan.EUnauthorized:
		return exitUnauthorized
	case pishkhan.ELocked, pishkhan.ELimit, pishkhan.EState:
		return exitRefused
	case pishkhan.EDiskFull:
		return exitDiskFull
	}
	return exitError
}

// rials formats an amount for the terminal with thousands separators: 3,750,000.
func rials(r pishkhan.Rials) string {
	s := strconv.FormatInt(int64(r), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// usageError is a wrong command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is what every command gets.
type env struct {
	ctx      context.Context
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	dataDir  string
	json     bool
	log      *slog.Logger
	user     string          // --user: who acts; their PIN is the first line of standard input
	in       *bufio.Reader   // standard input, read a line at a time
	userPIN  *string         // --user's PIN once read
	logw     *logfile.Writer // the data folder's log file, once open
	logTried bool            // opening the log file was tried (and, failing, reported)
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"init", "set office code, office name and desk number (once)", cmdInit},
		{"users", "users add | users list", cmdUsers},
		{"catalog", "catalog import | export | search | show", cmdCatalog},
		{"intake", "file a walk-in's request; prints the tracking code", cmdIntake},
		{"show", "show a request by tracking code", cmdShow},
		{"lookup", "find requests by tracking code or national code", cmdLookup},
		{"list", "list the requests of today or of a Jalali day", cmdList},
		{"audit", "audit verify: check the audit trail's hash chain", cmdAudit},
		{"purge", "blank personal data of accepted requests past retention", cmdPurge},
		{"enrol", "enrol the desk with the exchange (technician; one-time code)", cmdEnrol},
		{"sync", "sync: send the outbox until drained | sync status | sync limits | sync ca set|show|clear (the exchange's CA)", cmdSync},
		{"day", "day summary | close | reopen (supervisor; PIN on standard input)", cmdDay},
		{"report", "report day | range: the supervisor's report as a Persian PDF", cmdReport},
		{"devices", "devices list | status | test-print | read-card | apdu HEX… (technician)", cmdDevices},
		{"app", "open the window (--demo: with demo data, the exchange simulator and simulated devices)", cmdApp},
		{"backup", "a consistent copy of the database, while the app runs (--out FILE)", cmdBackup},
		{"restore", "restore FILE: replace the database with a checked backup", cmdRestore},
		{"doctor", "check disk, database, audit trail, exchange and clock, outbox, devices; say what to do", cmdDoctor},
		{"demo", "run the headless demo on a fresh data folder", cmdDemo},
		{"version", "print the version", cmdVersion},
	}
}

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	global := flag.NewFlagSet("pishkhan", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	addGlobalFlags(global, e)
	if err := global.Parse(args); err != nil {
		return fail(e, usagef("%v", err))
	}
	rest := global.Args()
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" {
		printUsage(stdout)
		if len(rest) == 0 {
			return exitUsage
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == rest[0] {
			err := c.run(e, rest[1:])
			if e.logw != nil {
				e.logw.Close()
			}
			if err != nil {
				return fail(e, err)
			}
			return 0
		}
	}
	return fail(e, usagef("unknown command %q; run 'pishkhan help'", rest[0]))
}

func addGlobalFlags(fs *flag.FlagSet, e *env) {
	fs.StringVar(&e.dataDir, "data", e.dataDir, "data folder (default $PISHKHAN_DATA or the user's data folder)")
	fs.BoolVar(&e.json, "json", e.json, "machine-readable JSON output")
	fs.StringVar(&e.user, "user", e.user, "who is acting, for commands that need a role; the PIN is read from the first line of standard input")
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Pishkhan (پیشخوان) — counter-desk agent for Iranian government counter offices")
	fmt.Fprintln(w, "\nUsage: pishkhan [--data DIR] [--json] COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'pishkhan COMMAND -h' for a command's flags.")
}

// newFlags makes a subcommand's flag set that also accepts the global flags.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("pishkhan "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	addGlobalFlags(fs, e)
	return fs
}

// parse parses a subcommand's flags, allowing flags after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageError{"help shown"}
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// fail reports err on stderr (JSON with --json) and returns the exit code.
func fail(e *env, err error) int {
	code := exitCode(err)
	var pe *pishkhan.Error
	errors.As(err, &pe)
	if e.json {
		out := map[string]any{"code": pishkhan.ErrorCode(err), "message": err.Error(), "message_fa": pishkhan.PersianMessage(err)}
		if code == exitUsage {
			out["code"], out["message_fa"] = "usage", "فرمان یا گزینه‌های آن نادرست است."
		}
		if pe != nil && pe.Field != "" {
			out["field"] = pe.Field
		}
		b, _ := json.Marshal(map[string]any{"error": out})
		fmt.Fprintln(e.stderr, string(b))
		return code
	}
	if code == exitUsage {
		if err.Error() != "help shown" {
			fmt.Fprintf(e.stderr, "pishkhan: %v\n", err)
		}
		return code
	}
	fmt.Fprintf(e.stderr, "pishkhan: error [%s]: %v\n", pishkhan.ErrorCode(err), err)
	return code
}

// resolveData picks the data folder.
func (e *env) resolveData() error {
	if e.dataDir != "" {
		return nil
	}
	d, err := desk.DefaultDataDir()
	if err != nil {
		return err
	}
	e.dataDir = d
	return nil
}

// openDesk opens an existing desk. Commands other than init and demo never
// create a data folder: on a missing one they say the desk is not initialised
// and write nothing.
func (e *env) openDesk() (*desk.Desk, error) {
	if err := e.resolveData(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(e.dataDir, desk.DBFile)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, pishkhan.Errorf(pishkhan.ENotInit, "این میز هنوز راه‌اندازی نشده است.",
				"no desk in %s; run 'pishkhan init' first (or pass --data)", e.dataDir)
		}
		return nil, pishkhan.WrapError(err, pishkhan.EInternal, "پوشه داده در دسترس نیست.", "data folder %s", e.dataDir)
	}
	return e.createDesk()
}

// createDesk opens the desk, creating the data folder and database if needed.
func (e *env) createDesk() (*desk.Desk, error) {
	if err := e.resolveData(); err != nil {
		return nil, err
	}
	if e.log == nil {
		e.log = e.logger(slog.LevelWarn, nil)
	}
	d, err := desk.Open(e.ctx, e.dataDir, e.log)
	if err == nil && e.logw == nil {
		// The folder exists now (init made it): log into it too.
		e.log = e.logger(slog.LevelWarn, nil)
		d.Log = e.log
	}
	return d, err
}

// LogDir is the data folder's subfolder of rotating log files.
const LogDir = "logs"

// logger is a command's logger: records at stderrLevel and above to standard
// error, and from Info up into the data folder's rotating log
// (logs/pishkhan.log, owner-only) when the folder exists — a command never
// creates a data folder to log into. Personal data (national codes, phone
// numbers, names, PINs) is masked in both. wrap, when set, sees every record
// after the masking (the window's in-memory ring). A log file that cannot be
// opened is reported once and left out.
func (e *env) logger(stderrLevel slog.Level, wrap func(slog.Handler) slog.Handler) *slog.Logger {
	hs := []slog.Handler{slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: stderrLevel})}
	if e.logw == nil && !e.logTried && e.dataDir != "" {
		if fi, err := os.Stat(e.dataDir); err == nil && fi.IsDir() {
			e.logTried = true
			lw, err := logfile.Open(filepath.Join(e.dataDir, LogDir), logfile.Options{})
			if err != nil {
				fmt.Fprintf(e.stderr, "pishkhan: warning: no log file: %v\n", err)
			}
			e.logw = lw
		}
	}
	if e.logw != nil {
		hs = append(hs, logfile.NewHandler(e.logw, slog.LevelInfo))
	}
	var h slog.Handler = slog.NewMultiHandler(hs...)
	if wrap != nil {
		h = wrap(h)
	}
	return slog.New(logfile.Redact(h))
}

// line reads the next line of standard input, without its line ending.
func (e *env) line() (string, error) {
	if e.in == nil {
		e.in = bufio.NewReader(e.stdin)
	}
	s, err := e.in.ReadString('\n')
	if err != nil && s == "" {
		return "", fmt.Errorf("read standard input: %w", err)
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// actor is who acts in a command that needs a role: the user named by
// --user, logged in with the PIN on the first line of standard input; with
// no --user, the set-up actor, which the desk allows only while it has no
// users yet.
func (e *env) actor(d *desk.Desk) (desk.Actor, error) {
	if e.user == "" {
		return d.SetupActor(e.ctx)
	}
	pin, err := e.actorPIN()
	if err != nil {
		return desk.Actor{}, err
	}
	return d.Login(e.ctx, e.user, pin)
}

// openDeskAs opens the desk and logs the acting user in (see actor); the
// desk is closed again when that fails.
func (e *env) openDeskAs() (*desk.Desk, desk.Actor, error) {
	d, err := e.openDesk()
	if err != nil {
		return nil, desk.Actor{}, err
	}
	by, err := e.actor(d)
	if err != nil {
		d.Close()
		return nil, desk.Actor{}, err
	}
	return d, by, nil
}

// actorPIN reads --user's PIN from the first line of standard input, once.
func (e *env) actorPIN() (string, error) {
	if e.userPIN == nil {
		pin, err := e.line()
		if err != nil {
			return "", pishkhan.WrapError(err, pishkhan.EInvalid, "رمز کاربر از ورودی خوانده نشد.",
				"give %s's PIN on the first line of standard input", e.user)
		}
		e.userPIN = &pin
	}
	return *e.userPIN, nil
}

// emit writes v as JSON with --json, else calls human.
func (e *env) emit(v any, human func(w io.Writer)) error {
	if e.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("write JSON output: %w", err)
		}
		return nil
	}
	human(e.stdout)
	return nil
}

// fieldFlags collects repeated --field key=value flags.
type fieldFlags map[string]string

func (f fieldFlags) String() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k+"="+f[k])
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func (f fieldFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("field %q must be key=value", s)
	}
	k = strings.TrimSpace(k)
	if _, dup := f[k]; dup {
		return fmt.Errorf("field %q given twice", k)
	}
	f[k] = v
	return nil
}
