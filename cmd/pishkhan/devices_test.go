package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan/devices/cardprofile"
	"github.com/pishkhan/pishkhan/devices/cardsim"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/devices/iransystem"
	"github.com/pishkhan/pishkhan/devices/printersim"
	"github.com/pishkhan/pishkhan/devices/receipt"
	"github.com/pishkhan/pishkhan/persian"
)

// The device tests run the CLI in-process against the simulators on real
// pseudo-terminals. Each passes --data with an empty folder, so a desk the
// machine's user configured (pishkhan devices configure) never leaks in.

// devPK runs pishkhan with an empty data folder in front of args.
func devPK(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return pk(t, "", append([]string{"--data", t.TempDir()}, args...)...)
}

// mustDevPK is devPK that fails the test on a non-zero exit.
func mustDevPK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := devPK(t, args...)
	if code != 0 {
		t.Fatalf("pishkhan %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// demoSelect is SELECT by name of the demo application, as
// docs/card-profile.md writes it: 00 A4 04 00 0D <AID> 00.
func demoSelect() string {
	apdu := append([]byte{0x00, 0xA4, 0x04, 0x00, byte(len(cardprofile.DemoAID))}, cardprofile.DemoAID...)
	return strings.ToUpper(hex.EncodeToString(append(apdu, 0x00)))
}

func TestDevicesStatusSim(t *testing.T) {
	out := mustDevPK(t, "devices", "status", "--sim")
	if !strings.Contains(out, "printer on /dev/") || !strings.Contains(out, ": ready\n") {
		t.Errorf("English status missing:\n%s", out)
	}
	if !strings.Contains(out, "چاپگر آماده است") {
		t.Errorf("Persian status missing:\n%s", out)
	}

	var got struct {
		OK      bool   `json:"ok"`
		Port    string `json:"port"`
		Words   string `json:"words"`
		WordsFa string `json:"words_fa"`
		Status  struct {
			Offline, CoverOpen, PaperOut, PaperNearEnd, Error bool
		} `json:"status"`
	}
	js := mustDevPK(t, "--json", "devices", "status", "--sim")
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, js)
	}
	if !got.OK || got.Words != "ready" || got.WordsFa != "چاپگر آماده است" || got.Port == "" {
		t.Errorf("status --json = %+v", got)
	}
	if got.Status.Offline || got.Status.CoverOpen || got.Status.PaperOut || got.Status.PaperNearEnd || got.Status.Error {
		t.Errorf("simulator should be ready, status = %+v", got.Status)
	}
}

// encodedSample is the standard test receipt as test-print encodes it.
func encodedSample(t *testing.T, p escpos.Profile) []byte {
	t.Helper()
	z, err := escpos.NewRasterizer()
	if err != nil {
		t.Fatal(err)
	}
	enc, err := escpos.NewEncoder(p, z)
	if err != nil {
		t.Fatal(err)
	}
	data, err := enc.Encode(receipt.Build(receipt.Sample(), p.HeadDots))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// inked counts the dark pixels of img.
func inked(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128 {
				n++
			}
		}
	}
	return n
}

func TestDevicesTestPrintSimProfiles(t *testing.T) {
	for _, p := range []escpos.Profile{escpos.Profile80, escpos.Profile58, escpos.Profile80IranSystem, escpos.Profile58IranSystem} {
		t.Run(p.Name, func(t *testing.T) {
			want := map[string]int{"80mm-raster": 576, "58mm-raster": 384, "80mm-iransystem": 576, "58mm-iransystem": 384}[p.Name]
			if want == 0 || p.HeadDots != want {
				t.Fatalf("profile %s: head %d dots, want %d", p.Name, p.HeadDots, want)
			}
			preview := filepath.Join(t.TempDir(), p.Name+".png")
			js := mustDevPK(t, "--json", "devices", "test-print", "--sim", "--profile", p.Name, "--preview", preview)
			var got struct {
				Port    string  `json:"port"`
				Profile string  `json:"profile"`
				Bytes   int     `json:"bytes"`
				Line    float64 `json:"seconds_on_line"`
				Preview string  `json:"preview"`
			}
			if err := json.Unmarshal([]byte(js), &got); err != nil {
				t.Fatalf("test-print --json is not JSON: %v\n%s", err, js)
			}
			data := encodedSample(t, p)
			if got.Bytes != len(data) {
				t.Errorf("bytes = %d, the encoded sample receipt is %d", got.Bytes, len(data))
			}
			if got.Profile != p.Name || got.Preview != preview || got.Port == "" {
				t.Errorf("test-print --json = %+v", got)
			}
			if wantLine := float64(len(data)) * 10 / float64(p.Baud); got.Line < wantLine*0.999 || got.Line > wantLine*1.001 {
				t.Errorf("seconds_on_line = %v, want %v at the profile's %d baud", got.Line, wantLine, p.Baud)
			}

			b, err := os.ReadFile(preview)
			if err != nil {
				t.Fatalf("no preview: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("preview is not a PNG: %v", err)
			}
			if w := img.Bounds().Dx(); w != want {
				t.Errorf("preview is %d px wide, want %d", w, want)
			}
			if h := img.Bounds().Dy(); h < 200 {
				t.Errorf("preview is only %d px tall", h)
			}
			if n := inked(img); n < 1000 {
				t.Errorf("preview has %d dark pixels: blank paper", n)
			}
		})
	}

	// The human output names the profile, the byte count and the preview.
	preview := filepath.Join(t.TempDir(), "human.png")
	out := mustDevPK(t, "devices", "test-print", "--sim", "--profile", escpos.Profile58IranSystem.Name, "--preview", preview)
	n := len(encodedSample(t, escpos.Profile58IranSystem))
	for _, want := range []string{"test receipt printed on /dev/", "(58mm-iransystem)", strconv.Itoa(n) + " bytes", "at 9600 baud", "preview " + preview} {
		if !strings.Contains(out, want) {
			t.Errorf("test-print output lacks %q:\n%s", want, out)
		}
	}
}

func TestDevicesTestPrintUnknownProfile(t *testing.T) {
	dir := t.TempDir()
	preview := filepath.Join(dir, "x.png")
	code, out, errs := devPK(t, "devices", "test-print", "--sim", "--profile", "100mm-raster", "--preview", preview)
	if code != exitUsage {
		t.Fatalf("unknown profile: exit %d, want %d (usage)\nstdout: %s\nstderr: %s", code, exitUsage, out, errs)
	}
	if !strings.Contains(errs, `unknown printer profile "100mm-raster"`) || !strings.Contains(errs, "80mm-iransystem") {
		t.Errorf("stderr should name the bad profile and the good ones:\n%s", errs)
	}
	if out != "" {
		t.Errorf("stdout on a usage error: %q", out)
	}
	if _, err := os.Stat(preview); !os.IsNotExist(err) {
		t.Errorf("a preview was written for an unknown profile (stat: %v)", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files written on a usage error: %v", ents)
	}
}

func TestDevicesReadCardSim(t *testing.T) {
	c := cardsim.DemoCitizen()
	out := mustDevPK(t, "devices", "read-card", "--sim")
	for _, want := range []string{
		"national code  " + string(c.NationalCode) + "\n",
		"name           " + c.FirstName + " " + c.LastName + "\n",
		"father's name  " + c.FatherName + "\n",
		"birth date     " + c.BirthDate + "\n",
		"demo profile",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("read-card lacks %q:\n%s", want, out)
		}
	}

	// A card with a PIN, and the right PIN.
	out = mustDevPK(t, "devices", "read-card", "--sim", "--sim-pin", "1234", "--pin", "1234")
	if !strings.Contains(out, string(c.NationalCode)) || !strings.Contains(out, c.LastName) {
		t.Errorf("read-card with the right PIN:\n%s", out)
	}

	// JSON has every field.
	js := mustDevPK(t, "--json", "devices", "read-card", "--sim", "--sim-pin", "1234", "--pin", "1234")
	var got map[string]string
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("read-card --json is not JSON: %v\n%s", err, js)
	}
	for k, v := range map[string]string{"national_code": string(c.NationalCode), "first_name": c.FirstName, "last_name": c.LastName,
		"father_name": c.FatherName, "birth_date": c.BirthDate} {
		if got[k] != v {
			t.Errorf("read-card --json %s = %q, want %q", k, got[k], v)
		}
	}
	if got["port"] == "" || !strings.Contains(got["firmware"], "cardsim") {
		t.Errorf("read-card --json port/firmware = %q / %q", got["port"], got["firmware"])
	}
}

func TestDevicesReadCardWrongPIN(t *testing.T) {
	code, out, errs := devPK(t, "devices", "read-card", "--sim", "--sim-pin", "1234", "--pin", "9999")
	if code == 0 {
		t.Fatalf("wrong PIN accepted:\n%s", out)
	}
	if code != exitUnauthorized {
		t.Errorf("wrong PIN: exit %d, want %d (unauthorized)", code, exitUnauthorized)
	}
	if !strings.Contains(errs, "wrong card PIN") || !strings.Contains(errs, "2 tries left") {
		t.Errorf("stderr should say the PIN is wrong and how many tries are left:\n%s", errs)
	}
	if strings.Contains(out, "0084575948") {
		t.Errorf("citizen printed despite the wrong PIN:\n%s", out)
	}

	// A card that wants a PIN, and none given: the personal file stays shut.
	code, out, errs = devPK(t, "devices", "read-card", "--sim", "--sim-pin", "1234")
	if code == 0 || strings.Contains(out, cardsim.DemoCitizen().LastName) {
		t.Errorf("PIN-protected card read without a PIN: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
}

func TestDevicesAPDUSim(t *testing.T) {
	sel := demoSelect()
	if want := "00A404000DF0504953484B48414E44454D4F00"; sel != want {
		t.Fatalf("SELECT of the demo AID = %s, docs/card-profile.md says %s", sel, want)
	}
	out := mustDevPK(t, "devices", "apdu", "--sim", sel)
	if !strings.Contains(out, "ATR 3B") {
		t.Errorf("apdu output lacks the ATR:\n%s", out)
	}
	if !strings.Contains(out, "> "+sel+"\n") || !strings.Contains(out, " 9000  ") {
		t.Errorf("SELECT of the demo AID should answer 9000:\n%s", out)
	}

	// JSON, with spaced hex and a second APDU: SELECT EF 0101.
	js := mustDevPK(t, "--json", "devices", "apdu", "--sim", "00 A4 04 00 0D F0 50 49 53 48 4B 48 41 4E 44 45 4D 4F 00", "00A4020C020101")
	var got struct {
		ATR       string `json:"atr"`
		Exchanges []struct {
			Command, Response, SW, Meaning string
		} `json:"exchanges"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("apdu --json is not JSON: %v\n%s", err, js)
	}
	if len(got.Exchanges) != 2 {
		t.Fatalf("apdu --json: %d exchanges, want 2\n%s", len(got.Exchanges), js)
	}
	x := got.Exchanges[0]
	if x.Command != sel || x.SW != "9000" || !strings.Contains(x.Response, strings.ToUpper(hex.EncodeToString(cardprofile.DemoAID))) {
		t.Errorf("SELECT exchange = %+v; want SW 9000 and the FCI naming the AID", x)
	}
	if got.Exchanges[1].SW != "9000" {
		t.Errorf("SELECT EF 0101 = %+v, want 9000", got.Exchanges[1])
	}
	if !strings.HasPrefix(got.ATR, "3B") {
		t.Errorf("ATR = %q", got.ATR)
	}
}

// With --raw the CLI sends the bytes as they are: the T=0 card's 61xx is
// shown, not followed by GET RESPONSE.
func TestDevicesAPDURaw(t *testing.T) {
	js := mustDevPK(t, "--json", "devices", "apdu", "--sim", "--raw", demoSelect(), "00C0000011")
	var got struct {
		Exchanges []struct{ Command, Response, SW string } `json:"exchanges"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("apdu --json is not JSON: %v\n%s", err, js)
	}
	if len(got.Exchanges) != 2 {
		t.Fatalf("%d exchanges, want 2\n%s", len(got.Exchanges), js)
	}
	if x := got.Exchanges[0]; !strings.HasPrefix(x.SW, "61") || x.Response != "" {
		t.Errorf("raw SELECT = %+v, want 61xx and no data", x)
	}
	if x := got.Exchanges[1]; x.SW != "9000" || !strings.Contains(x.Response, strings.ToUpper(hex.EncodeToString(cardprofile.DemoAID))) {
		t.Errorf("raw GET RESPONSE = %+v, want the FCI and 9000", x)
	}
}

func TestDevicesReadCardBadPIN(t *testing.T) {
	code, out, errs := devPK(t, "devices", "read-card", "--sim", "--sim-pin", "1234", "--pin", "12")
	if code != exitInvalid || !strings.Contains(errs, "4 to 12 digits") {
		t.Errorf("a 2-digit PIN: exit %d, want %d\nstdout: %s\nstderr: %s", code, exitInvalid, out, errs)
	}
	// The Persian message counts the tries left in Persian digits.
	code, _, errs = devPK(t, "--json", "devices", "read-card", "--sim", "--sim-pin", "1234", "--pin", "4321")
	var fe struct {
		Error struct {
			Code      string `json:"code"`
			MessageFa string `json:"message_fa"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(errs), &fe); err != nil {
		t.Fatalf("--json error is not JSON: %v\n%s", err, errs)
	}
	if code != exitUnauthorized || fe.Error.Code != "unauthorized" || !strings.Contains(fe.Error.MessageFa, "۲") {
		t.Errorf("wrong PIN --json: exit %d, %+v", code, fe.Error)
	}
}

func TestDevicesList(t *testing.T) {
	var got map[string]json.RawMessage
	js := mustDevPK(t, "--json", "devices", "list")
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("list --json is not JSON: %v\n%s", err, js)
	}
	if _, ok := got["ports"]; !ok {
		t.Errorf("list --json has no ports: %s", js)
	}
	if out := mustDevPK(t, "devices", "list"); strings.TrimSpace(out) == "" {
		t.Errorf("list printed nothing")
	}
	if code, _, _ := devPK(t, "devices", "list", "extra"); code != exitUsage {
		t.Errorf("list with an argument: exit %d, want %d", code, exitUsage)
	}
}

func TestDevicesAPDUUsage(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"none", []string{"devices", "apdu", "--sim"}, "give one or more APDUs"},
		{"not hex", []string{"devices", "apdu", "--sim", "00A4zz"}, "is not hex"},
		{"odd hex", []string{"devices", "apdu", "--sim", "00A40"}, "is not hex"},
		{"3 bytes", []string{"devices", "apdu", "--sim", "00A404"}, "APDU 00A404"},
		{"bad among good", []string{"devices", "apdu", "--sim", demoSelect(), "00B0"}, "APDU 00B0"},
		{"no port", []string{"devices", "apdu", demoSelect()}, "--port is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := devPK(t, c.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d (usage)\nstdout: %s\nstderr: %s", code, exitUsage, out, errs)
			}
			if !strings.Contains(errs, c.msg) {
				t.Errorf("stderr lacks %q:\n%s", c.msg, errs)
			}
			if out != "" {
				t.Errorf("stdout on a usage error: %q", out)
			}
		})
	}
}

// TestDevicesOwnPort runs the commands against a printer simulator the test
// started, on its own pseudo-terminal, and checks what the printer got.
func TestDevicesOwnPort(t *testing.T) {
	sim, err := printersim.Start(printersim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	port := sim.PortName()

	out := mustDevPK(t, "devices", "status", "--port", port)
	if !strings.Contains(out, "printer on "+port+": ready") {
		t.Errorf("status on %s:\n%s", port, out)
	}

	preview := filepath.Join(t.TempDir(), "own.png")
	out = mustDevPK(t, "devices", "test-print", "--port", port, "--profile", escpos.Profile80IranSystem.Name, "--preview", preview)
	data := encodedSample(t, escpos.Profile80IranSystem)
	if !strings.Contains(out, "test receipt printed on "+port+" (80mm-iransystem)") {
		t.Errorf("test-print on %s:\n%s", port, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	jobs, err := sim.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatalf("the simulator got no job: %v", err)
	}
	if len(jobs) != 1 {
		t.Fatalf("simulator got %d jobs, want 1", len(jobs))
	}
	j := jobs[0]
	if !j.Cut {
		t.Errorf("job was not cut")
	}
	if j.Stopped != "" || j.Printed != len(j.Ops) || len(j.Garbage) != 0 {
		t.Errorf("job stopped %q, printed %d of %d ops, garbage %v", j.Stopped, j.Printed, len(j.Ops), j.Garbage)
	}
	if j.Bytes != len(data) {
		t.Errorf("simulator received %d bytes for the job, the encoded receipt is %d", j.Bytes, len(data))
	}
	text := j.Text(printersim.IranSystem(10))
	if want := iransystem.Canonical(persian.ForDevice("کد رهگیری")); !strings.Contains(text, want) {
		t.Errorf("printed text lacks %q (the Iran System rendering of کد رهگیری):\n%s", want, text)
	}
	if !strings.Contains(text, "[cut") {
		t.Errorf("printed text does not end in a cut:\n%s", text)
	}

	// Out of paper: status says so, and test-print refuses to print.
	sim.SetPaperOut(true)
	code, out, errs := devPK(t, "devices", "status", "--port", port)
	if code != 0 || !strings.Contains(out, "paper out") {
		t.Errorf("status with paper out: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	code, out, errs = devPK(t, "devices", "test-print", "--port", port, "--profile", escpos.Profile80IranSystem.Name, "--preview", "")
	if code == 0 {
		t.Fatalf("test-print succeeded with the paper out:\n%s", out)
	}
	if !strings.Contains(strings.ToLower(errs), "paper out") {
		t.Errorf("test-print error should name paper out:\n%s", errs)
	}
	if strings.Contains(out, "test receipt printed") {
		t.Errorf("claimed printed with the paper out:\n%s", out)
	}
	if code != exitError {
		t.Errorf("test-print with the paper out: exit %d, want %d", code, exitError)
	}
	if got := len(sim.Jobs()); got != 1 {
		t.Errorf("simulator has %d jobs after the refused print, want still 1", got)
	}

	// The same in JSON: status ok=false, test-print an "unavailable" error in both languages.
	var st struct {
		OK    bool   `json:"ok"`
		Words string `json:"words"`
	}
	if err := json.Unmarshal([]byte(mustDevPK(t, "--json", "devices", "status", "--port", port)), &st); err != nil {
		t.Fatal(err)
	}
	if st.OK || !strings.Contains(st.Words, "paper out") {
		t.Errorf("status --json with the paper out = %+v", st)
	}
	code, _, errs = devPK(t, "--json", "devices", "test-print", "--port", port, "--preview", "")
	var fe struct {
		Error struct {
			Code      string `json:"code"`
			Message   string `json:"message"`
			MessageFa string `json:"message_fa"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(errs), &fe); err != nil {
		t.Fatalf("--json error is not JSON: %v\n%s", err, errs)
	}
	if code == 0 || fe.Error.Code != "unavailable" || !strings.Contains(fe.Error.Message, "paper out") || fe.Error.MessageFa == "" {
		t.Errorf("test-print --json with the paper out: exit %d, %+v", code, fe.Error)
	}

	// Paper that runs out in the middle of the job: the print starts, then fails.
	sim.SetPaperOut(false)
	sim.RunOutAfter(100)
	code, out, errs = devPK(t, "devices", "test-print", "--port", port, "--profile", escpos.Profile80.Name, "--preview", "")
	if code == 0 || !strings.Contains(errs, "stopped") || !strings.Contains(errs, "paper out") {
		t.Errorf("paper out mid-job: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	jobs, err = sim.WaitJobs(ctx, 2)
	if err != nil {
		t.Fatalf("the half-printed job never finished: %v", err)
	}
	if j := jobs[1]; j.Stopped != "paper out" || j.Printed >= len(j.Ops) {
		t.Errorf("second job: stopped %q, printed %d of %d ops", j.Stopped, j.Printed, len(j.Ops))
	}
}

func TestDevicesPortRequired(t *testing.T) {
	for _, cmd := range [][]string{
		{"devices", "status"},
		{"devices", "test-print", "--preview", ""},
		{"devices", "read-card"},
	} {
		code, out, errs := devPK(t, cmd...)
		if code != exitUsage {
			t.Errorf("%s without --port: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(cmd, " "), code, exitUsage, out, errs)
			continue
		}
		if !strings.Contains(errs, "--port is required") {
			t.Errorf("%s without --port: stderr %q", strings.Join(cmd, " "), errs)
		}
	}
}

// A port that is not there is not found, after the link's OpenTimeout (5 s);
// parallel so the wait overlaps the other tests.
func TestDevicesPortNotFound(t *testing.T) {
	t.Parallel()
	port := filepath.Join(t.TempDir(), "ttyNOPE")
	code, out, errs := devPK(t, "--json", "devices", "status", "--port", port)
	if code != exitNotFound {
		t.Fatalf("missing port: exit %d, want %d\nstdout: %s\nstderr: %s", code, exitNotFound, out, errs)
	}
	var got struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(errs), &got); err != nil {
		t.Fatalf("--json error is not JSON: %v\n%s", err, errs)
	}
	if got.Error.Code != "not_found" || !strings.Contains(got.Error.Message, port) {
		t.Errorf("missing port error = %+v", got.Error)
	}
}

func TestDevicesUnknownSubcommand(t *testing.T) {
	code, _, errs := devPK(t, "devices", "frobnicate")
	if code != exitUsage || !strings.Contains(errs, `unknown devices command "frobnicate"`) {
		t.Errorf("unknown subcommand: exit %d, stderr %q", code, errs)
	}
	code, _, _ = devPK(t, "devices")
	if code != exitUsage {
		t.Errorf("bare devices: exit %d, want %d", code, exitUsage)
	}
}

func TestDevicesBadLineSettings(t *testing.T) {
	code, _, errs := devPK(t, "devices", "status", "--sim", "--parity", "mark")
	if code != exitUsage {
		t.Errorf("--parity mark: exit %d, want %d; stderr %q", code, exitUsage, errs)
	}
	code, _, errs = devPK(t, "devices", "status", "--sim", "--data-bits", "5")
	if code != exitUsage {
		t.Errorf("--data-bits 5: exit %d, want %d; stderr %q", code, exitUsage, errs)
	}
}

// A port saved with 'devices configure' is used when --port is not given,
// with its profile; flags given explicitly still win.
func TestDevicesConfiguredPort(t *testing.T) {
	sim, err := printersim.Start(printersim.Options{HeadDots: 384})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	port := sim.PortName()
	dir := t.TempDir()
	mustPK(t, "--data", dir, "init", "--office", "۱۲۳۴۵", "--office-name", "دفتر آزمایشی", "--desk", "3")
	out := mustPK(t, "--data", dir, "devices", "configure", "printer", "--port", port, "--profile", escpos.Profile58IranSystem.Name)
	if !strings.Contains(out, port+" 9600 8N1 profile 58mm-iransystem") {
		t.Errorf("configure printer:\n%s", out)
	}

	if out := mustPK(t, "--data", dir, "devices", "status"); !strings.Contains(out, "printer on "+port+": ready") {
		t.Errorf("status on the configured port:\n%s", out)
	}
	out = mustPK(t, "--data", dir, "devices", "test-print", "--preview", "")
	if !strings.Contains(out, "printed on "+port+" (58mm-iransystem)") || !strings.Contains(out, "at 9600 baud") {
		t.Errorf("test-print on the configured port should use its profile and baud:\n%s", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	jobs, err := sim.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(encodedSample(t, escpos.Profile58IranSystem)); jobs[0].Bytes != n || !jobs[0].Cut {
		t.Errorf("job: %d bytes (want %d), cut %v", jobs[0].Bytes, n, jobs[0].Cut)
	}

	// An explicit --profile wins over the saved one.
	out = mustPK(t, "--data", dir, "devices", "test-print", "--profile", escpos.Profile58.Name, "--preview", "")
	if !strings.Contains(out, "(58mm-raster)") {
		t.Errorf("--profile should win over the configured profile:\n%s", out)
	}
}
