package main

import (
	"context"
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/devices/cardsim"
	"github.com/pishkhan/pishkhan/devices/printersim"
	"github.com/pishkhan/pishkhan/logring"
	"github.com/pishkhan/pishkhan/packaging/icon"
	"github.com/pishkhan/pishkhan/store"
	"github.com/pishkhan/pishkhan/sync/replicator"
	"github.com/pishkhan/pishkhan/ui"
)

// cmdApp opens the window. With --demo it first prepares a demo desk in the
// demo folder: the demo catalog and users, the built-in exchange simulator
// on loopback (enrolled), and a simulated printer and card reader.
func cmdApp(e *env, args []string) error {
	fs := newFlags(e, "app")
	demo := fs.Bool("demo", false, "use the demo desk: demo data, the built-in exchange simulator and simulated devices")
	shot := fs.String("screenshot", "", "write a PNG of the window once it shows, then quit (for tests and docs)")
	loginAs := fs.String("login", "", "log in as this user: with --demo a demo user (clerk, supervisor or technician); otherwise a user name, the PIN read from standard input")
	memProfile := fs.String("memprofile", "", "write a heap profile here 3 s after the window is drawn (for the memory benchmark)")
	readyFile := fs.String("ready-file", "", "write the seconds from process start to the first drawn frame here (for the start-up benchmark)")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	if err := needDisplay(); err != nil {
		return err
	}
	if e.dataDir == "" && *demo {
		if e.dataDir, err = demoDataDir(); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	var d *desk.Desk
	if *demo {
		if err := claimDemoFolder(e.dataDir, false); err != nil {
			return err
		}
	}
	if d, err = e.createDesk(); err != nil {
		return err
	}
	defer d.Close()
	// The technician's device log shows what the log file gets (masked).
	ring := logring.New(500, slog.LevelInfo)
	log := e.logger(slog.LevelWarn, ring.Handler)
	e.log, d.Log = log, log
	opts := ui.Options{Desk: d, Log: log, Ring: ring}
	if *demo {
		stop, err := prepareDemoDesk(ctx, e.dataDir, d)
		if err != nil {
			return err
		}
		defer stop()
	}
	v, err := d.OpenDevices(ctx)
	if err != nil {
		return err
	}
	defer v.Close()
	opts.Devices = v
	if _, err := d.RecoverPrints(ctx); err != nil {
		return err
	}
	if st, err := d.Store.SyncState(ctx); err == nil && st.KeyID != "" {
		rep, err := d.NewReplicator(ctx, replicator.Config{Log: log})
		if err != nil {
			return err
		}
		go rep.Run(ctx)
		opts.Replicator = rep
	}
	// The X11 window class that desktops match to the .desktop entry's
	// StartupWMClass (GLFW takes it from RESOURCE_NAME, else the title).
	if os.Getenv("RESOURCE_NAME") == "" {
		os.Setenv("RESOURCE_NAME", "Pishkhan")
	}
	fa := fyneapp.NewWithID("ir.pishkhan.desk")
	if fa.Metadata().Icon == nil { // not built by fyne package, which bakes the icon in
		fa.SetIcon(fyne.NewStaticResource("pishkhan.png", icon.PNG))
	}
	a := ui.New(ctx, fa, opts)
	if *loginAs != "" {
		user, pin := *loginAs, ""
		if *demo {
			var u *desk.AddUserInput
			for i := range demoUsers {
				if demoUsers[i].Role == *loginAs || demoUsers[i].Username == *loginAs {
					u = &demoUsers[i]
				}
			}
			if u == nil {
				return usagef("--login: no demo user %q (clerk, supervisor or technician)", *loginAs)
			}
			user, pin = u.Username, u.PIN
		} else {
			line, err := e.line()
			if err != nil {
				return usagef("--login %s: give the PIN on standard input", user)
			}
			pin = strings.TrimSpace(line)
		}
		if err := a.Login(user, pin); err != nil {
			return err
		}
	}
	if *readyFile != "" {
		fa.Lifecycle().SetOnStarted(func() {
			// Queued behind the first paint of the shown window.
			fyne.Do(func() {
				os.WriteFile(*readyFile, []byte(fmt.Sprintf("%.4f\n", time.Since(processStart).Seconds())), 0o644)
			})
		})
	}
	if *memProfile != "" {
		fa.Lifecycle().SetOnEnteredForeground(func() {
			go func() {
				time.Sleep(3 * time.Second)
				runtime.GC()
				if f, err := os.Create(*memProfile); err == nil {
					pprof.WriteHeapProfile(f)
					f.Close()
				}
			}()
		})
	}
	if *shot != "" {
		go func() {
			time.Sleep(2 * time.Second)
			var err error
			fyne.Do(func() {
				img := a.Window().Canvas().Capture()
				var f *os.File
				if f, err = os.Create(*shot); err == nil {
					err = png.Encode(f, img)
					f.Close()
				}
				fa.Quit()
			})
			if err != nil {
				fmt.Fprintln(e.stderr, "pishkhan: screenshot:", err)
			}
		}()
	}
	a.Window().ShowAndRun()
	return nil
}

// prepareDemoDesk makes the demo folder a working desk: initialised with
// users and the demo catalog (once), the exchange simulator running and the
// desk enrolled with it, and simulated devices configured. It returns what
// stops them.
func prepareDemoDesk(ctx context.Context, dir string, d *desk.Desk) (func(), error) {
	d.PINCost = pishkhan.DefaultArgon2id
	tech, err := setUpDemoDesk(ctx, d, demoDeskInput, func(string, ...any) {})
	if err != nil {
		return nil, err
	}
	sim, url, stopSim, err := startDemoExchange(ctx, dir)
	if err != nil {
		return nil, err
	}
	st, err := d.Store.SyncState(ctx)
	if err != nil || st.ExchangeURL != url {
		cfg, _ := d.Config(ctx)
		code, err := sim.IssueEnrolCode(ctx, cfg.OfficeCode, cfg.DeskNumber)
		if err == nil {
			_, err = d.Enrol(ctx, desk.EnrolInput{ExchangeURL: url, OneTimeCode: code}, tech)
		}
		if err != nil {
			stopSim()
			return nil, err
		}
	}
	quiet := slog.New(slog.DiscardHandler)
	prn, err := printersim.Start(printersim.Options{Log: quiet})
	if err != nil {
		stopSim()
		return nil, err
	}
	card, _ := cardsim.DemoCard(cardsim.DemoCitizen(), "")
	rdr, err := cardsim.Start(ctx, cardsim.Options{Card: card, Log: quiet})
	if err != nil {
		prn.Close()
		stopSim()
		return nil, err
	}
	stop := func() { rdr.Close(); prn.Close(); stopSim() }
	for _, s := range []store.DeviceSettings{
		{Kind: store.DevicePrinter, Port: prn.PortName(), Baud: 115200, DataBits: 8, Parity: "none", StopBits: 1, Profile: "80mm-raster"},
		{Kind: store.DeviceCardReader, Port: rdr.PortName(), Baud: 115200, DataBits: 8, Parity: "none", StopBits: 2},
	} {
		if err := d.ConfigureDevice(ctx, s, tech); err != nil {
			stop()
			return nil, err
		}
	}
	return stop, nil
}

// needDisplay refuses to open the window where X11 or Wayland would be
// needed and neither is there (Fyne would panic).
func needDisplay() error {
	switch runtime.GOOS {
	case "windows", "darwin", "android", "ios", "js":
		return nil
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return pishkhan.Errorf(pishkhan.EUnavailable, "صفحه نمایشی در دسترس نیست؛ برنامه را روی میز کار باز کنید.",
			"no display to open the window on (DISPLAY and WAYLAND_DISPLAY are empty): run it on a desktop, or under xvfb-run")
	}
	return nil
}

// processStart is when the process began running Go code (package
// initialisation), as near to exec as Go can see.
var processStart = time.Now()
