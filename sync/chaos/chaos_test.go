//go:build unix

package chaos

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
	"github.com/pishkhan/pishkhan/sync/faultproxy"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

// Environment between the test and its child processes (the test binary
// re-executed with -test.run=^TestChaosChild$).
const (
	envRole   = "PISHKHAN_CHAOS_ROLE"   // sim | agent | drain
	envDir    = "PISHKHAN_CHAOS_DIR"    // the desk's data folder, or the simulator's database file
	envAddr   = "PISHKHAN_CHAOS_ADDR"   // where the simulator listens
	envSeed   = "PISHKHAN_CHAOS_SEED"   // the run's seed (parent) or the child's
	envDay    = "PISHKHAN_CHAOS_DAY"    // days the agent's clock runs ahead
	envRounds = "PISHKHAN_CHAOS_ROUNDS" // kills in one run; 10 unless set (make chaos sets 200)
)

const (
	office, deskNo = 12345, 7
	roundsPerDay   = 20 // the agent's clock moves a day on every so many rounds (a desk files at most 9,999 a day)
	drainTimeout   = 2 * time.Minute
	inquiryDelay   = 150 * time.Millisecond
)

// TestChaosChild is the body of the child processes; in an ordinary run
// (no PISHKHAN_CHAOS_ROLE) it returns at once, doing nothing.
func TestChaosChild(t *testing.T) {
	role := os.Getenv(envRole)
	if role == "" {
		return
	}
	var err error
	switch role {
	case "sim":
		err = simChild()
	case "agent", "drain":
		err = agentChild(role == "drain")
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaos child %s: %v\n", role, err)
		os.Exit(3)
	}
	os.Exit(0)
}

// simChild serves the simulator on envAddr with its state in envDir until
// killed. It injects faults of its own too: 500s, throttling and
// commit-then-drop.
func simChild() error {
	seed, _ := strconv.ParseUint(os.Getenv(envSeed), 10, 64)
	ctx := context.Background()
	sim, err := exchangesim.Open(ctx, exchangesim.Config{DBPath: os.Getenv(envDir), Seed: seed, InquiryDelay: inquiryDelay,
		Log:    slog.New(slog.DiscardHandler),
		Faults: exchangesim.Faults{ErrorRate: 0.05, ThrottleRate: 0.03, CommitDropRate: 0.05}})
	if err != nil {
		return err
	}
	ln, err := listenRetry(os.Getenv(envAddr))
	if err != nil {
		return err
	}
	fmt.Println("READY")
	return http.Serve(ln, sim)
}

// listenRetry listens on addr, retrying while the port is still held by
// the simulator that was just killed.
func listenRetry(addr string) (net.Listener, error) {
	var err error
	for range 100 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", addr); err == nil {
			return ln, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil, err
}

// agentChild opens the desk, runs the replicator and files intakes in a
// loop, writing "OK <id>" after each commit, until killed. As "drain" it
// files nothing: it drains the outbox and pulls everything, then exits.
func agentChild(drainOnly bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	seed, _ := strconv.ParseUint(os.Getenv(envSeed), 10, 64)
	days, _ := strconv.Atoi(os.Getenv(envDay))
	d, err := desk.Open(ctx, os.Getenv(envDir), slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer d.Close()
	shift := time.Duration(days) * 24 * time.Hour
	d.Store.Now = func() time.Time { return time.Now().Add(shift) }
	cfg := replicator.Config{BatchSize: 25, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		ProbeInterval: 30 * time.Millisecond, PollInterval: 50 * time.Millisecond}
	rep, err := d.NewReplicator(ctx, cfg)
	if err != nil {
		return err
	}
	if drainOnly {
		dctx, cancel := context.WithTimeout(ctx, drainTimeout)
		defer cancel()
		if err := rep.Drain(dctx); err != nil {
			return fmt.Errorf("final drain: %w (status %+v)", err, rep.Status())
		}
		fmt.Println("DRAINED")
		return nil
	}
	d.AfterIntake = func(*pishkhan.Request) { rep.SyncNow() }
	go rep.Run(ctx)
	rng := rand.New(rand.NewPCG(seed, 1))
	subs := []string{"ss-0012", "ss-0001", "ss-0005"}
	forms := map[string]map[string]string{}
	nc, _ := pishkhan.CompleteNationalCode("052417893")
	for _, id := range subs {
		e, err := d.SubService(ctx, id)
		if err != nil {
			return err
		}
		f, ok := democatalog.SampleForm(e.SubService, nc)
		if !ok {
			return fmt.Errorf("no sample form for %s", id)
		}
		forms[id] = f
	}
	for ctx.Err() == nil {
		ss := subs[rng.IntN(len(subs))]
		r, err := d.Intake(ctx, desk.IntakeInput{NationalCode: string(nc), FirstName: "محمدرضا", LastName: "کریمی",
			SubServiceID: ss, Fields: forms[ss], PayMethod: "cash", Clerk: "clerk1"})
		if err != nil {
			return fmt.Errorf("intake: %w", err)
		}
		os.Stdout.WriteString("OK " + r.ID.String() + "\n") // one write: whole lines only
		time.Sleep(time.Duration(2+rng.IntN(15)) * time.Millisecond)
	}
	return nil
}

// child is a running child process.
type child struct {
	cmd  *exec.Cmd
	done chan error
}

// kill sends SIGKILL and waits; it fails the test when the child had
// ended by itself with an error before (the error is the child's stderr).
func (c *child) kill(t *testing.T) {
	t.Helper()
	c.cmd.Process.Signal(syscall.SIGKILL)
	if err := <-c.done; err != nil {
		t.Fatalf("child failed before it was killed: %v", err)
	}
}

// start runs the test binary as a child in role, collecting "OK" lines into ok.
func start(t *testing.T, env []string, ok func(id string), ready bool) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChaosChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &syncWriter{w: &stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, done: make(chan error, 1)}
	readyCh := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "OK ") && ok != nil:
				ok(strings.TrimPrefix(line, "OK "))
			case (line == "READY" || line == "DRAINED") && !signalled:
				signalled = true
				close(readyCh)
			}
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
				err = nil // killed by us
			} else {
				err = fmt.Errorf("%w; stderr: %s", err, stderr.String())
			}
		}
		c.done <- err
	}()
	if ready {
		select {
		case <-readyCh:
		case err := <-c.done:
			t.Fatalf("child ended before it was ready: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatal("child not ready after 30 s")
		}
	}
	return c
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestChaos(t *testing.T) {
	rounds := 10
	if s := os.Getenv(envRounds); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", envRounds, s)
		}
		rounds = n
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(envSeed); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", envSeed, s, err)
		}
		seed = n
	}
	t.Logf("chaos: %d rounds, seed %d (replay with %s=%d)", rounds, seed, envSeed, seed)
	rng := rand.New(rand.NewPCG(seed, 0x6368616f73))
	ctx := context.Background()
	dir := t.TempDir()
	deskDir, simDB := filepath.Join(dir, "desk"), filepath.Join(dir, "exchange.db")
	simAddr := freePort(t)

	// The exchange, and the line to it.
	simEnv := func() []string {
		return []string{envRole + "=sim", envDir + "=" + simDB, envAddr + "=" + simAddr, envSeed + "=" + strconv.FormatUint(rng.Uint64(), 10)}
	}
	sim := start(t, simEnv(), nil, true)
	proxy, err := faultproxy.Start("127.0.0.1:0", simAddr, seed)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()

	// The desk: initialised, a clerk, the demo catalog, enrolled through the proxy.
	d, err := desk.Open(ctx, deskDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.PINCost = pishkhan.Argon2idParams{Memory: 1024, Time: 1, Threads: 1}
	boss, err := d.FirstRun(ctx, desk.FirstRunInput{
		Desk:       desk.InitInput{OfficeCode: strconv.Itoa(office), OfficeName: "دفتر آزمون آشوب", DeskNumber: strconv.Itoa(deskNo)},
		Supervisor: desk.AddUserInput{Username: "boss", FullName: "مدیر", PIN: "1357"},
		Catalog:    democatalog.Version1(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddUser(ctx, desk.AddUserInput{Username: "clerk1", FullName: "اپراتور", Role: "clerk", PIN: "2468"}, boss); err != nil {
		t.Fatal(err)
	}
	if err := d.SetOfflineLimits(ctx, pishkhan.OfflineLimits{WarnAfter: 24 * time.Hour, RefuseAfter: 10 * 365 * 24 * time.Hour}, boss); err != nil {
		t.Fatal(err)
	}
	// The exchange injects 500s and 429s from the start, so enrolment, like
	// a technician, tries again (with a fresh code) until it goes through.
	for attempt := 1; ; attempt++ {
		code, err := issueCode(simAddr)
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.Enrol(ctx, desk.EnrolInput{ExchangeURL: "http://" + proxy.Addr(), OneTimeCode: code}, boss)
		if err == nil {
			break
		}
		if attempt == 10 {
			t.Fatalf("enrolment failed %d times: %v", attempt, err)
		}
	}
	d.Close()

	var mu sync.Mutex
	reported := map[string]bool{}
	onOK := func(id string) {
		mu.Lock()
		reported[id] = true
		mu.Unlock()
	}
	agentEnv := func(round int) []string {
		return []string{envRole + "=agent", envDir + "=" + deskDir, envDay + "=" + strconv.Itoa(round/roundsPerDay),
			envSeed + "=" + strconv.FormatUint(rng.Uint64(), 10)}
	}
	// progress waits until the running agent has committed something since
	// it started, so that on a slow, loaded machine a kill never lands
	// before the agent has done any work (a run of such kills would test
	// nothing).
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(reported)
	}
	startedAt := 0
	progress := func() {
		deadline := time.Now().Add(30 * time.Second)
		for count() <= startedAt {
			if time.Now().After(deadline) {
				t.Fatalf("the agent committed nothing in 30 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	agent := start(t, agentEnv(0), onOK, false)
	proxy.SetDropRate(0.3, 64<<10)
	var agentKills, simKills, cuts int
	for round := range rounds {
		time.Sleep(time.Duration(80+rng.IntN(320)) * time.Millisecond)
		if rng.IntN(3) == 0 { // the line blips: every open connection dies
			proxy.CutAll()
			cuts++
		}
		switch x := rng.IntN(10); {
		case x < 5:
			progress()
			agent.kill(t)
			agentKills++
			startedAt = count()
			agent = start(t, agentEnv(round+1), onOK, false)
		case x < 8:
			sim.kill(t)
			simKills++
			sim = start(t, simEnv(), nil, true)
		case x < 9:
			progress()
			agent.kill(t)
			sim.kill(t)
			agentKills++
			simKills++
			sim = start(t, simEnv(), nil, true)
			startedAt = count()
			agent = start(t, agentEnv(round+1), onOK, false)
		default:
			proxy.CutAll()
			cuts++
		}
	}
	agent.kill(t)
	agentKills++

	// A quiet line; the desk drains everything.
	proxy.SetDropRate(0, 0)
	drain := start(t, []string{envRole + "=drain", envDir + "=" + deskDir, envDay + "=" + strconv.Itoa(rounds/roundsPerDay), envSeed + "=1"}, nil, false)
	if err := <-drain.done; err != nil {
		t.Fatalf("final drain: %v", err)
	}
	sim.kill(t)

	// The exchange's books, read from its database.
	s, err := exchangesim.Open(ctx, exchangesim.Config{DBPath: simDB, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	held, err := s.AcceptCounts(ctx)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The desk's books.
	d, err = desk.Open(ctx, deskDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rows, err := d.Store.SQL().QueryContext(ctx, "SELECT id, state FROM requests")
	if err != nil {
		t.Fatal(err)
	}
	committed := map[string]pishkhan.RequestState{}
	for rows.Next() {
		var id, st string
		if err := rows.Scan(&id, &st); err != nil {
			t.Fatal(err)
		}
		committed[id] = pishkhan.RequestState(st)
	}
	rows.Close()

	lost, dups, notAccepted := 0, 0, 0
	for id := range reported {
		if _, ok := committed[id]; !ok {
			lost++
			t.Errorf("request %s was reported committed but the desk does not hold it", id)
		}
	}
	for id, st := range committed {
		switch st {
		case pishkhan.StateAccepted, pishkhan.StateInProgress, pishkhan.StateNeedsAction, pishkhan.StateDone, pishkhan.StateRefused:
		default:
			notAccepted++
			t.Errorf("desk request %s ended %s, want accepted or later", id, st)
		}
		if held[id] == 0 {
			lost++
			t.Errorf("desk request %s never reached the exchange", id)
		}
	}
	for id, n := range held {
		if n > 1 {
			dups += n - 1
			t.Errorf("the exchange stored %s %d times", id, n)
		}
		if _, ok := committed[id]; !ok {
			t.Errorf("the exchange holds %s, which the desk never committed", id)
		}
	}
	ps := proxy.Stats()
	summary := fmt.Sprintf("chaos: %d rounds: requests %d (reported %d), kills %d (agent %d, exchange %d), line cuts %d, drops %d of %d connections, lost %d, duplicates %d, not accepted %d",
		rounds, len(committed), len(reported), agentKills+simKills, agentKills, simKills, cuts, ps.Drops, ps.Conns, lost, dups, notAccepted)
	t.Log(summary)
	if len(committed) == 0 || len(reported) == 0 {
		t.Fatal("nothing was filed; the test proved nothing")
	}
	if agentKills == 0 || simKills == 0 {
		t.Logf("note: this seed killed the agent %d and the exchange %d times", agentKills, simKills)
	}
}

// issueCode asks the simulator's admin API for a one-time enrolment code.
func issueCode(addr string) (string, error) {
	body := strings.NewReader(fmt.Sprintf(`{"office_code":%d,"desk_number":%d}`, office, deskNo))
	resp, err := http.Post("http://"+addr+"/sim/enrol-codes", "application/json", body)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 && resp.StatusCode != 201 {
		return "", fmt.Errorf("enrol code: %s: %s", resp.Status, b)
	}
	s := string(b)
	i := strings.Index(s, `"code":"`)
	if i < 0 {
		return "", fmt.Errorf("enrol code: no code in %s", b)
	}
	s = s[i+len(`"code":"`):]
	return s[:strings.IndexByte(s, '"')], nil
}
