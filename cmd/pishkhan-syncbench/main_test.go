package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestRunSmall drains a small backlog both ways and checks the report.
func TestRunSmall(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--n", "60", "--batch", "20", "--dir", t.TempDir()}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"| one request per call (baseline) | 60 |", "| batches of 20 | 60 |", "Speed-up of the batched drain over the baseline: **"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBadFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"--n", "0"}, &out, &errb); code != 2 {
		t.Errorf("--n 0: exit %d", code)
	}
}
