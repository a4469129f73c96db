package persian_test

import (
	"math/rand/v2"
	"strings"
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
	bad := againstFribidi(t, lines)
	for i, m := range bad[:min(len(bad), 8)] {
		if i < 3 {
			t.Log(m)
		} else {
			t.Error(m)
		}
	}
	t.Logf("%d of %d nonsense lines differ from fribidi", len(bad), len(lines))
	if len(bad) > 3 {
		t.Errorf("%d of %d lines differ; at most 3 were expected", len(bad), len(lines))
	}
}

func TestRuns(t *testing.T) {
	for _, s := range []string{
		"", "سلام", "Ali", "زمان چاپ: ۱۴۰۵/۰۹/۰۷ ۱۸:۴۰", "کد 1234-ABC",
		"بسته‌شده، ۱۸:۳۵، به دست مدیر دفتر (modir)", "صدور گذرنامه (Passport) برای Ali، ۱۲۵٬۰۰۰ ریال",
		"Tehran v2 (۲۰٪)", "۱۲۳۴۵-۰۱-۰۵۰۹۰۷-", "مِهر", "«نقل» [x]",
	} {
		runs := persian.Runs(s)
		var b strings.Builder
		covered := make([]bool, len([]rune(s)))
		for i, r := range runs {
			b.WriteString(r.Visual)
			if i > 0 && runs[i-1].Level == r.Level {
				t.Errorf("%q: runs %d and %d have the same level", s, i-1, i)
			}
			for k := r.Start; k < r.End; k++ {
				if covered[k] {
					t.Errorf("%q: rune %d in two runs", s, k)
				}
				covered[k] = true
			}
			if n := len([]rune(r.Visual)); n != r.End-r.Start {
				t.Errorf("%q: run %d holds %d runes for [%d, %d)", s, i, n, r.Start, r.End)
			}
		}
		if b.String() != persian.Visual(s) {
			t.Errorf("%q: runs give %q, Visual %q", s, b.String(), persian.Visual(s))
		}
		for k, c := range covered {
			if !c {
				t.Errorf("%q: rune %d in no run", s, k)
			}
		}
	}
}

// TestMirror: the mirrored characters come in pairs, Mirror and Mirrored
// agree, and Visual draws them mirrored in right-to-left text.
func TestMirror(t *testing.T) {
	n := 0
	for r, m := range persian.Mirrored {
		n++
		if back, ok := persian.Mirror(m); !ok || back != r {
			t.Errorf("%q mirrors to %q, which mirrors to %q (%v)", r, m, back, ok)
		}
		if got, ok := persian.Mirror(r); !ok || got != m {
			t.Errorf("Mirror(%q) = %q, %v; Mirrored says %q", r, got, ok, m)
		}
		if v := persian.Visual("الف" + string(r) + "ب"); !strings.ContainsRune(v, m) {
			t.Errorf("Visual does not mirror %q: %q", r, v)
		}
	}
	if n < 12 {
		t.Errorf("%d mirrored characters; want the brackets, angle brackets and guillemets (12)", n)
	}
	if m, ok := persian.Mirror('a'); ok || m != 'a' {
		t.Errorf("Mirror('a') = %q, %v", m, ok)
	}
}
