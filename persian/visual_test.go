package persian_test

import (
	"math/rand/v2"
	"testing"

	"github.com/pishkhan/pishkhan/persian"
)

// TestNonsenseMatchesFribidiMostly feeds arbitrary mixes of the same
// characters (marks on brackets, unbalanced brackets, separators anywhere).
// The one known difference: a mark placed on a bracket inside a pair that
// encloses only marks (fribidi 1.0.x resolves such a pair right to left,
// this code leaves it neutral). Real text never holds it; the bound keeps
// anything new from slipping in.
func TestNonsenseMatchesFribidiMostly(t *testing.T) {
	alphabet := []rune("ابپتسشکگلمنوهیآدر ۰۱۲۳۴۵۶ 0123456789 abcXYZ .,:;-/()[]«»٬٫%\u200c\u064e\u0651")
	rng := rand.New(rand.NewPCG(7, 9))
	lines := make([]string, 3000)
	for i := range lines {
		rs := make([]rune, 1+rng.IntN(40))
		for j := range rs {
			rs[j] = alphabet[rng.IntN(len(alphabet))]
		}
		lines[i] = string(rs)
	}
	want := fribidi(t, lines)
	bad := 0
	for i, l := range lines {
		if got := persian.ForDevice(l); got != want[i] {
			bad++
			if bad <= 3 {
				t.Logf("%q\n got %q\nwant %q", l, got, want[i])
			} else if bad <= 8 {
				t.Errorf("%q\n got %q\nwant %q", l, got, want[i])
			}
		}
	}
	t.Logf("%d of %d nonsense lines differ from fribidi", bad, len(lines))
	if bad > 3 {
		t.Errorf("%d of %d lines differ; at most 3 were expected", bad, len(lines))
	}
}
