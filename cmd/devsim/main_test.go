package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan/devices/cardprofile"
	"github.com/pishkhan/pishkhan/devices/cardreader"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/printer"
	"github.com/pishkhan/pishkhan/devices/receipt"
	"github.com/pishkhan/pishkhan/devices/serialport"
)

// syncBuffer is an output that the test reads while devsim writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitFor(t *testing.T, out *syncBuffer, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if s := out.String(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("devsim never said %q; it said:\n%s", want, out.String())
	return ""
}

// TestDevsim runs both simulators as the command does, prints a receipt
// and reads the card through the real drivers, and drives the devices
// from standard input.
func TestDevsim(t *testing.T) {
	dir := t.TempDir()
	in, stdin := io.Pipe()
	out := &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	cardLink := filepath.Join(dir, "card")
	go func() {
		done <- run(ctx, in, out, slog.New(slog.DiscardHandler), options{out: filepath.Join(dir, "jobs"), head: 576, page: 10,
			cardLink: cardLink, printer: true, card: true})
	}()
	s := waitFor(t, out, "type 'help'")
	var port string
	for _, l := range strings.Split(s, "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == "printer" {
			port = f[1]
		}
	}
	link := serialport.NewLink(port, serialport.Settings{Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1, ReadTimeout: 100 * time.Millisecond})
	p := printer.New(link, slog.New(slog.DiscardHandler))
	defer p.Close()
	z, _ := escpos.NewRasterizer()
	enc, _ := escpos.NewEncoder(escpos.Profile80IranSystem, z)
	data, err := enc.Encode(receipt.Build(receipt.Sample(), 576))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Print(ctx, data); err != nil {
		t.Fatal(err)
	}
	waitFor(t, out, "job 1: 1017 bytes, printed")
	png, err := os.ReadFile(filepath.Join(dir, "jobs", "job-001.png"))
	if err != nil || len(png) < 5000 {
		t.Errorf("job PNG: %d bytes, %v", len(png), err)
	}
	txt, _ := os.ReadFile(filepath.Join(dir, "jobs", "job-001.txt"))
	if !strings.Contains(string(txt), "[QR 123450105090700015]") {
		t.Errorf("job text:\n%s", txt)
	}

	r, err := cardreader.Open(ctx, cardLink, cardreader.Options{PollInterval: -1, NoReconnect: true, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.ReadCitizen(ctx, cardprofile.Demo{}, cardprofile.ReadOptions{})
	r.Close()
	if err != nil || c.NationalCode == "" {
		t.Fatalf("card: %+v %v", c, err)
	}

	io.WriteString(stdin, "paper out\n")
	waitFor(t, out, "printer: offline, paper out")
	if _, err := p.Status(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Print(ctx, data); err == nil {
		t.Error("printed with no paper")
	}
	io.WriteString(stdin, "bogus\n")
	waitFor(t, out, `unknown command "bogus"`)
	io.WriteString(stdin, "quit\n")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("devsim did not quit")
	}
}
