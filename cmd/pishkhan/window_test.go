package main

import (
	"image"
	"image/color"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWindowUnderXvfb builds the real binary (GLFW, no test driver),
// starts the demo window under Xvfb logged in as the clerk, screenshots
// the display with ImageMagick's import, and checks the picture is a
// window with content: not one flat colour, with light text on the
// window's background, and a green "online" light from the embedded
// exchange. The screenshot is kept in docs/screenshots when
// PISHKHAN_SCREENSHOTS names a folder.
func TestWindowUnderXvfb(t *testing.T) {
	for _, tool := range []string{"xvfb-run", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing; scripts/deps.sh installs it (xvfb, imagemagick)", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pishkhan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	shot := filepath.Join(dir, "window.png")
	script := filepath.Join(dir, "shot.sh")
	os.WriteFile(script, []byte(`#!/bin/sh
"$1" app --demo --data "$2" --login clerk &
pid=$!
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  sleep 0.5
  if xwininfo -root -tree 2>/dev/null | grep -q '"'; then break; fi
done
sleep 2
import -window root "$3"
kill $pid
wait $pid
`), 0o755)
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1280x800x24", script, bin, filepath.Join(dir, "demo"), shot)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the window test took over 90 s")
	}
	f, ferr := os.Open(shot)
	if ferr != nil {
		t.Fatalf("no screenshot (%v): %v\n%s", ferr, err, out)
	}
	defer f.Close()
	img, _, derr := image.Decode(f)
	if derr != nil {
		t.Fatal(derr)
	}
	colours := map[color.RGBA]int{}
	greens := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bb, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8), 255}
			colours[c]++
			if c.G > 0x80 && c.R < 0x60 && c.B < 0x70 {
				greens++
			}
		}
	}
	if len(colours) < 20 {
		t.Errorf("the screenshot has %d colours: a blank window", len(colours))
	}
	if greens < 10 {
		t.Errorf("no green online light (%d green dots); log:\n%s", greens, out)
	}
	if strings.Contains(string(out), "panic") {
		t.Errorf("the app panicked:\n%s", out)
	}
	if d := os.Getenv("PISHKHAN_SCREENSHOTS"); d != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(filepath.Join(d, "window-xvfb.png"), data, 0o644)
	}
}

// TestAppWithoutDisplay: with no display the window is refused in words
// (Fyne would panic), and nothing is created in the data folder.
func TestAppWithoutDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	dir := filepath.Join(t.TempDir(), "data")
	code, _, errs := pk(t, "", "--data", dir, "app")
	if code != exitError || !strings.Contains(errs, "no display") {
		t.Fatalf("app without a display: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the data folder was created: %v", err)
	}
}
