package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAppTagsAsShipped keeps the benchmark's build of the app in step with
// the builds that ship it: every line that builds cmd/pishkhan in the
// Makefile and the packaging scripts passes appTags.
func TestAppTagsAsShipped(t *testing.T) {
	for _, c := range []struct{ file, builds, tags string }{
		{"Makefile", "./cmd/pishkhan\n", `-tags "$(TAGS)"`},
		{"scripts/package.sh", `"$fyne" package`, "--tags " + appTags},
		{"scripts/windows.sh", "./cmd/pishkhan ||", "-tags " + appTags},
	} {
		b, err := os.ReadFile(filepath.Join("..", "..", c.file))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if c.file == "Makefile" && !strings.Contains(text, "\nTAGS      := "+appTags+"\n") {
			t.Errorf("Makefile: TAGS is not %q", appTags)
		}
		n := 0
		for _, line := range strings.SplitAfter(text, "\n") {
			if strings.Contains(line, c.builds) {
				n++
				if !strings.Contains(line, c.tags) {
					t.Errorf("%s builds the app without %s: %s", c.file, c.tags, strings.TrimSpace(line))
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no line builds the app (looked for %q)", c.file, c.builds)
		}
	}
}
