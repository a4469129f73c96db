package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/sync/exchange"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
)

// TestMain lets the tests run the command as a child process: the test
// binary runs main when EXCHANGE_SIM_TEST_MAIN is set.
func TestMain(m *testing.M) {
	if os.Getenv("EXCHANGE_SIM_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// lineWriter collects what the command prints and hands out whole lines.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func newLineWriter() *lineWriter { return &lineWriter{lines: make(chan string, 100)} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.Reset()
			w.buf.WriteString(line)
			return len(p), nil
		}
		w.lines <- strings.TrimSuffix(line, "\n")
	}
}

// startup reads the start-up lines: the address and the issued codes.
func startup(t *testing.T, next func() (string, bool), codes int) (string, map[string]string) {
	t.Helper()
	line, ok := next()
	if !ok {
		t.Fatal("the command printed nothing")
	}
	addr, ok := strings.CutPrefix(line, "listening on ")
	if !ok || !strings.HasPrefix(addr, "http://127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("first line %q", line)
	}
	got := map[string]string{}
	for range codes {
		line, ok := next()
		f := strings.Fields(line)
		if !ok || len(f) != 5 || f[0] != "enrol" || f[1] != "code" || len(f[4]) != 8 {
			t.Fatalf("code line %q", line)
		}
		got[f[2]+":"+f[3]] = f[4]
	}
	return addr, got
}

func TestHelpAndBadFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &out, &errb); code != exitOK {
		t.Errorf("-h exits %d", code)
	}
	for _, name := range []string{"-addr", "127.0.0.1:8700", "-db", "exchange-sim.db", "-seed", "-catalog-version", "-inquiry-delay",
		"-latency", "-latency-jitter", "-error-rate", "-throttle-rate", "-unavailable-rate", "-retry-after", "-outage",
		"-max-batch-items", "-max-body-bytes", "-commit-drop-rate", "-reject-rate", "-defer-rate", "-issue-code", "loopback"} {
		if !strings.Contains(errb.String(), name) {
			t.Errorf("usage does not mention %s", name)
		}
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--error-rate", "2"},
		{"--issue-code", "12:0"},
		{"--issue-code", "x"},
		{"--nonsense"},
		{"extra"},
		{"--log-level", "loud"},
	} {
		var out, errb bytes.Buffer
		args = append(args, "--db", filepath.Join(dir, "x.db"), "--addr", "127.0.0.1:0")
		if code := run(context.Background(), args, &out, &errb); code != exitUsage {
			t.Errorf("%q exits %d, want %d (%s)", args, code, exitUsage, errb.String())
		}
	}
	var o, e bytes.Buffer
	if code := run(context.Background(), []string{"--db", filepath.Join(dir, "y.db"), "--addr", "256.0.0.1:1"}, &o, &e); code != exitError {
		t.Errorf("an address that cannot be bound exits %d, want %d", code, exitError)
	}
}

func TestRunInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := newLineWriter()
	var errb bytes.Buffer
	var errMu sync.Mutex
	done := make(chan int, 1)
	db := filepath.Join(t.TempDir(), "sim.db")
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--db", db, "--seed", "5", "--catalog-version", "2",
			"--inquiry-delay", "10ms", "--latency", "1ms", "--reject-rate", "0.25", "--retry-after", "4", "--max-batch-items", "50",
			"--issue-code", "1234:1", "--issue-code", "1234:2"}, out, syncWriter{&errMu, &errb})
	}()
	next := func() (string, bool) {
		select {
		case l := <-out.lines:
			return l, true
		case <-time.After(20 * time.Second):
			return "", false
		}
	}
	addr, codes := startup(t, next, 2)
	c := &exchange.Client{BaseURL: addr}
	h, err := c.Health(ctx)
	if err != nil || h.CatalogVersion != 2 {
		t.Fatalf("health: %+v, %v", h, err)
	}
	key, _ := exchange.GenerateKey(nil)
	er, err := c.Enrol(ctx, 1234, 2, codes["1234:2"], key)
	if err != nil || er.KeyID != "k-1234-2-1" {
		t.Fatalf("enrol with the printed code: %+v, %v", er, err)
	}
	resp, err := http.Get(addr + "/sim/faults")
	if err != nil {
		t.Fatal(err)
	}
	var f exchangesim.Faults
	err = json.NewDecoder(resp.Body).Decode(&f)
	resp.Body.Close()
	want := exchangesim.Faults{Latency: time.Millisecond, RejectRate: 0.25, RetryAfterSeconds: 4, MaxBatchItems: 50}
	if err != nil || f != want {
		t.Errorf("faults from the flags: %+v, %v; want %+v", f, err, want)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			errMu.Lock()
			t.Errorf("exit %d after the context ended: %s", code, errb.String())
			errMu.Unlock()
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
}

type syncWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (s syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// child is the command running as another process.
type child struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr *bytes.Buffer
	done   chan error
}

func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "EXCHANGE_SIM_TEST_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 100), stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = syncWriter{&sync.Mutex{}, c.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

func (c *child) next() (string, bool) {
	select {
	case l, ok := <-c.lines:
		return l, ok
	case <-time.After(30 * time.Second):
		return "", false
	}
}

func (c *child) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-c.done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("the simulator did not exit")
		return nil
	}
}

func TestSurvivesKillAndStopsOnSIGTERM(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sim.db")
	args := []string{"--addr", "127.0.0.1:0", "--db", db, "--inquiry-delay", "1h"}
	first := startChild(t, append(args, "--issue-code", "4321:7")...)
	addr, codes := startup(t, first.next, 1)
	ctx := context.Background()
	key, _ := exchange.GenerateKey(nil)
	c := &exchange.Client{BaseURL: addr, Signer: &exchange.Signer{}}
	er, err := c.Enrol(ctx, 4321, 7, codes["4321:7"], key)
	if err != nil {
		t.Fatal(err)
	}
	c.Signer.KeyID, c.Signer.Key = er.KeyID, key
	its := testItems(t, 5)
	br, _, err := c.SubmitBatch(ctx, its)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range br.Results {
		if r.Status != exchange.ItemAccepted {
			t.Fatalf("first send: %+v", r)
		}
	}

	// kill -9: no chance to clean up.
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.wait(t)

	second := startChild(t, args...)
	addr2, _ := startup(t, second.next, 0)
	c.BaseURL = addr2
	br, _, err = c.SubmitBatch(ctx, its)
	if err != nil {
		t.Fatalf("the desk key after kill -9: %v (%s)", err, second.stderr)
	}
	for _, r := range br.Results {
		if r.Status != exchange.ItemDuplicate || r.Original != exchange.ItemAccepted {
			t.Errorf("resend after kill -9: %+v", r)
		}
	}
	resp, err := http.Get(addr2 + "/sim/requests")
	if err != nil {
		t.Fatal(err)
	}
	var rep exchangesim.RequestsReport
	err = json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if err != nil || rep.Total != len(its) || rep.StoredTwice != 0 || rep.AcceptLogTotal != len(its) {
		t.Errorf("requests after kill -9: %+v, %v", rep, err)
	}

	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.wait(t); err != nil {
		t.Errorf("exit after SIGTERM: %v (%s)", err, second.stderr)
	}
	if !strings.Contains(second.stderr.String(), "shutting down") {
		t.Errorf("no shutdown in the log: %s", second.stderr)
	}
}

// testItems makes n valid items of the version-1 demo catalog.
func testItems(t *testing.T, n int) []exchange.Item {
	t.Helper()
	subs := democatalog.Generate(1).SubServices
	now := time.Now().UTC().Truncate(time.Second)
	out := make([]exchange.Item, n)
	for i := range out {
		ss := subs[i*11]
		nc, err := pishkhan.CompleteNationalCode(fmt.Sprintf("%09d", 123456780+i))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = exchange.Item{
			ID: pishkhan.MustNewID(now).String(), TrackingCode: fmt.Sprintf("%018d", 140401010000000000+i), Day: "1404/01/01",
			CreatedAt: now, NationalCode: string(nc), SubServiceID: ss.ID, CatalogVersion: 1, Fields: map[string]string{},
			GovFee: int64(ss.GovFee), CounterFee: int64(ss.CounterFee), Inquiries: ss.Inquiries,
			Payment: exchange.Payment{Method: "cash", Amount: int64(ss.TotalFee()), PaidAt: now}, Clerk: "clerk1",
		}
	}
	return out
}
