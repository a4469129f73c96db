package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// ms makes durations from whole milliseconds.
func ms(vs ...int) []time.Duration {
	out := make([]time.Duration, len(vs))
	for i, v := range vs {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

// oneTo returns 1 ms … n ms, sorted.
func oneTo(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i+1) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value p1", ms(7), 1, 7 * time.Millisecond},
		{"one value p99", ms(7), 99, 7 * time.Millisecond},
		{"1..100 p50", oneTo(100), 50, 50 * time.Millisecond},
		{"1..100 p90", oneTo(100), 90, 90 * time.Millisecond},
		{"1..100 p99", oneTo(100), 99, 99 * time.Millisecond}, // not 100: ⌈0.99·100⌉ = 99 exactly
		{"1..100 p100", oneTo(100), 100, 100 * time.Millisecond},
		{"1..10 p50", oneTo(10), 50, 5 * time.Millisecond},
		{"1..10 p90", oneTo(10), 90, 9 * time.Millisecond},
		{"1..10 p99", oneTo(10), 99, 10 * time.Millisecond}, // ⌈9.9⌉ = 10
		{"1..1000 p99", oneTo(1000), 99, 990 * time.Millisecond},
		{"1..1000 p99.9", oneTo(1000), 99.9, 999 * time.Millisecond},
		{"1..3 p50", oneTo(3), 50, 2 * time.Millisecond}, // ⌈1.5⌉ = 2
		{"1..4 p50", oneTo(4), 50, 2 * time.Millisecond}, // the lower middle, not an average
		{"tiny p", oneTo(10), 0.001, 1 * time.Millisecond},
	}
	for _, tc := range cases {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: percentile = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	in := ms(9, 1, 5, 3, 7, 2, 8, 4, 6, 10) // unsorted on purpose
	orig := append([]time.Duration(nil), in...)
	s := summarize(in)
	want := stats{N: 10, P50: 5 * time.Millisecond, P90: 9 * time.Millisecond, P99: 10 * time.Millisecond,
		Max: 10 * time.Millisecond, Mean: 5500 * time.Microsecond}
	if s != want {
		t.Errorf("summarize = %+v, want %+v", s, want)
	}
	for i := range in {
		if in[i] != orig[i] {
			t.Fatalf("summarize reordered its input: %v", in)
		}
	}
	if got := summarize(nil); got != (stats{}) {
		t.Errorf("summarize(nil) = %+v", got)
	}
}

func TestRatioAndMisses(t *testing.T) {
	if r := ratio(3*time.Millisecond, 2*time.Millisecond); r != 1.5 {
		t.Errorf("ratio = %v", r)
	}
	if r := ratio(time.Millisecond, 0); r != 0 {
		t.Errorf("ratio by zero = %v", r)
	}
	ok := report{CommitRatio50: 1.5, CommitRatio99: 1.2, RatioP50: 9, RatioP99: 9, Searches: []queryResult{{Query: "a", Stats: stats{P99: 4999 * time.Microsecond}}}}
	if m := ok.misses(); len(m) != 0 {
		t.Errorf("targets met exactly at the limit, but misses = %q", m)
	}
	bad := report{CommitRatio50: 1.51, CommitRatio99: 2, Searches: []queryResult{{Query: "a", Stats: stats{P99: 5 * time.Millisecond}}}}
	if m := bad.misses(); len(m) != 3 {
		t.Errorf("misses = %q, want 3 (p50, p99 and a search at exactly 5 ms, which is not under 5 ms)", m)
	}
}

func TestMountFor(t *testing.T) {
	mounts := `/dev/vda / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
tmpfs /tmp tmpfs rw,nosuid 0 0
/dev/vdb /data xfs rw 0 0
/dev/vdc /data/my\040disk btrfs rw 0 0
/dev/vdd /database ext4 rw 0 0
overlay /data xfs rw,late 0 0
`
	cases := []struct{ path, fs, point string }{
		{"/", "ext4", "/"},
		{"/home/x", "ext4", "/"},
		{"/tmp", "tmpfs", "/tmp"},
		{"/tmp/pishkhan-bench-1", "tmpfs", "/tmp"},
		{"/tmpfoo", "ext4", "/"},                             // not under /tmp
		{"/data/x", "xfs", "/data"},                          // the later /data mount wins
		{"/database/x", "ext4", "/database"},                 // not /data
		{"/data/my disk/pishkhan", "btrfs", "/data/my disk"}, // \040 is a space
	}
	for _, tc := range cases {
		m, ok := mountFor(mounts, tc.path)
		if !ok || m.fsType != tc.fs || m.point != tc.point {
			t.Errorf("mountFor(%q) = %+v, %v; want %s at %s", tc.path, m, ok, tc.fs, tc.point)
		}
	}
	if m, _ := mountFor(mounts, "/data/x"); m.options != "rw,late" {
		t.Errorf("options of the later /data mount = %q", m.options)
	}
	if _, ok := mountFor("", "/x"); ok {
		t.Error("found a mount in an empty table")
	}
}

func TestUnescapeMount(t *testing.T) {
	for in, want := range map[string]string{
		`/a\040b`:  "/a b",
		`/a\011b`:  "/a\tb",
		`/a\134b`:  `/a\b`,
		`/end\040`: "/end ",
		`/bad\04`:  `/bad\04`,  // too short
		`/bad\089`: `/bad\089`, // not octal
		`/plain`:   "/plain",
	} {
		if got := unescapeMount(in); got != want {
			t.Errorf("unescapeMount(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCPUModelAndOSRelease(t *testing.T) {
	x86 := "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R) Gold 6230\n"
	if got := cpuModel(x86); got != "Intel(R) Xeon(R) Gold 6230" {
		t.Errorf("cpuModel(x86) = %q", got)
	}
	arm := "processor\t: 0\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n"
	if got := cpuModel(arm); got != "BCM2835" {
		t.Errorf("cpuModel(arm) = %q", got)
	}
	if got := cpuModel("processor: 0\n"); got != "" {
		t.Errorf("cpuModel(nothing) = %q", got)
	}
	if got := osReleaseName("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"); got != "Debian GNU/Linux 12 (bookworm)" {
		t.Errorf("osReleaseName = %q", got)
	}
}

func TestMdCell(t *testing.T) {
	if got := mdCell("a|b"); got != "`a\\|b`" {
		t.Errorf("mdCell = %q", got)
	}
	if got := mdCell("کارت\u200cسوخت"); !strings.Contains(got, "<ZWNJ>") {
		t.Errorf("mdCell hides the ZWNJ: %q", got)
	}
}

// TestRunSmall runs the whole command with tiny sample counts: it must
// print every section of the report and, without --check, exit 0 even if
// this machine misses a target.
func TestRunSmall(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--dir", t.TempDir(), "--intakes", "3", "--block", "2", "--search-reps", "1"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut.String())
	}
	for _, want := range []string{"| CPU |", "| Filesystem of --dir |", "append 4 KB + fsync (baseline)", "desk.Intake",
		"| intake COMMIT / append 4 KB + fsync |", "COMMIT step of store.Intake", "### Catalog search", "`ss-0001`", "Reproduce with"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if code := run(context.Background(), []string{"--intakes", "0"}, &out, &errOut); code != exitFailure {
		t.Errorf("--intakes 0: exit %d, want %d", code, exitFailure)
	}
}
