package logring

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestRing(t *testing.T) {
	var out bytes.Buffer
	r := New(3, slog.LevelInfo)
	log := slog.New(r.Handler(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn})))
	log.Debug("not kept")
	log.Info("printer ready", "port", "/dev/ttyUSB0")
	log.With("device", "reader").Warn("card reader lost", "err", "port closed")
	log.WithGroup("job").Info("printed", "id", 7)
	log.Error("paper out")
	es := r.Entries()
	if len(es) != 3 {
		t.Fatalf("%d entries, want the newest 3", len(es))
	}
	if es[0].Message != "card reader lost" || es[0].Attrs != `device=reader err="port closed"` {
		t.Errorf("oldest kept: %+v", es[0])
	}
	if es[1].Attrs != "job.id=7" || es[2].Message != "paper out" {
		t.Errorf("entries: %+v", es)
	}
	// The next handler got only what its level allows.
	if s := out.String(); strings.Contains(s, "printer ready") || !strings.Contains(s, "card reader lost") || !strings.Contains(s, "paper out") {
		t.Errorf("passed on:\n%s", s)
	}
	if !strings.Contains(es[2].String(), "ERROR paper out") {
		t.Errorf("line: %q", es[2].String())
	}
	if len(New(0, slog.LevelInfo).Entries()) != 0 {
		t.Error("an empty ring has entries")
	}
}
