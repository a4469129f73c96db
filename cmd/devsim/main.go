// Command devsim runs the desk's serial devices without hardware: an ESC/POS
// receipt printer and a GemPC-Twin-style serial CCID card reader with the
// demo card, each on a pseudo-terminal. Point the app or `pishkhan devices …`
// at the ports it prints. Every job the printer receives is written to the
// output folder as a PNG of the paper and as text. Commands on standard
// input change the devices while they run:
//
//	paper out | paper in | paper after ROWS | near end on|off
//	offline | online | cover open | cover close
//	card in | card out | unplug printer | plug printer
//	status | quit
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/pishkhan/pishkhan/devices/cardsim"
	"github.com/pishkhan/pishkhan/devices/printersim"
)

func main() {
	out := flag.String("out", "devsim-out", "folder for the printed jobs (PNG and text)")
	head := flag.Int("head", 576, "printer head width in dots: 576 (80 mm) or 384 (58 mm)")
	page := flag.Int("codepage", 10, "ESC t number the printer gives Iran System")
	cardLink := flag.String("card-link", "", "also reach the card reader at this path (a symbolic link)")
	pin := flag.String("card-pin", "", "the demo card's PIN (empty: a card without one)")
	noPrinter := flag.Bool("no-printer", false, "do not run the printer")
	noCard := flag.Bool("no-card", false, "do not run the card reader")
	verbose := flag.Bool("v", false, "log every frame and command")
	flag.Parse()
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdin, os.Stdout, log, options{out: *out, head: *head, page: *page, cardLink: *cardLink, pin: *pin, printer: !*noPrinter, card: !*noCard}); err != nil {
		fmt.Fprintln(os.Stderr, "devsim:", err)
		os.Exit(1)
	}
}

type options struct {
	out, cardLink, pin string
	head, page         int
	printer, card      bool
}

func run(ctx context.Context, in io.Reader, w io.Writer, log *slog.Logger, o options) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	var prn *printersim.Sim
	var rdr *cardsim.Sim
	var card *cardsim.Card
	if o.printer {
		var err error
		if prn, err = printersim.Start(printersim.Options{HeadDots: o.head, Log: log}); err != nil {
			return err
		}
		defer prn.Close()
		fmt.Fprintf(w, "printer     %s  (any baud; Iran System is ESC t %d)\n", prn.PortName(), o.page)
	}
	if o.card {
		var err error
		if card, err = cardsim.DemoCard(cardsim.DemoCitizen(), o.pin); err != nil {
			return err
		}
		if rdr, err = cardsim.Start(ctx, cardsim.Options{Card: card, Link: o.cardLink, Log: log}); err != nil {
			return err
		}
		defer rdr.Close()
		fmt.Fprintf(w, "card reader %s  (115200 8N2, demo card inserted)\n", rdr.PortName())
	}
	fmt.Fprintf(w, "jobs go to %s; type 'help' for commands\n", o.out)

	// Save each finished job as it comes.
	if prn != nil {
		go func() {
			for n := 1; ; n++ {
				jobs, err := prn.WaitJobs(ctx, n)
				if err != nil {
					return
				}
				j := jobs[n-1]
				dec := printersim.IranSystem(o.page)
				base := filepath.Join(o.out, fmt.Sprintf("job-%03d", n))
				if img, err := j.PNG(o.head, dec); err == nil {
					os.WriteFile(base+".png", img, 0o644)
				}
				os.WriteFile(base+".txt", []byte(j.Text(dec)), 0o644)
				state := "printed"
				if j.Stopped != "" {
					state = "stopped: " + j.Stopped
				}
				fmt.Fprintf(w, "job %d: %d bytes, %s → %s.png\n", n, j.Bytes, state, base)
			}
		}()
	}

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok { // stdin closed: keep serving until interrupted
				lines = nil
				continue
			}
			if quit, err := command(strings.Fields(line), prn, rdr, card, w); err != nil {
				fmt.Fprintln(w, "?", err)
			} else if quit {
				return nil
			}
		}
	}
}

// command carries out one line typed on standard input.
func command(f []string, prn *printersim.Sim, rdr *cardsim.Sim, card *cardsim.Card, w io.Writer) (quit bool, err error) {
	if len(f) == 0 {
		return false, nil
	}
	needPrinter := func() error {
		if prn == nil {
			return fmt.Errorf("the printer is not running")
		}
		return nil
	}
	cmd := strings.Join(f, " ")
	switch {
	case cmd == "quit" || cmd == "exit":
		return true, nil
	case cmd == "help":
		fmt.Fprintln(w, "paper out | paper in | paper after ROWS | near end on|off | offline | online | cover open | cover close | card in | card out | unplug printer | plug printer | status | quit")
	case strings.HasPrefix(cmd, "paper") || strings.HasPrefix(cmd, "near end") || cmd == "offline" || cmd == "online" || strings.HasPrefix(cmd, "cover") || strings.HasSuffix(cmd, "printer"):
		if err := needPrinter(); err != nil {
			return false, err
		}
		switch {
		case cmd == "paper out":
			prn.SetPaperOut(true)
		case cmd == "paper in":
			prn.SetPaperOut(false)
		case len(f) == 3 && f[0] == "paper" && f[1] == "after":
			n, err := strconv.Atoi(f[2])
			if err != nil || n <= 0 {
				return false, fmt.Errorf("paper after ROWS: a positive number of dot rows")
			}
			prn.RunOutAfter(n)
		case cmd == "near end on" || cmd == "near end off":
			prn.SetPaperNearEnd(f[2] == "on")
		case cmd == "offline" || cmd == "online":
			prn.SetOffline(cmd == "offline")
		case cmd == "cover open" || cmd == "cover close":
			prn.SetCoverOpen(f[1] == "open")
		case cmd == "unplug printer":
			prn.Unplug()
		case cmd == "plug printer":
			if err := prn.Plug(); err != nil {
				return false, err
			}
			fmt.Fprintf(w, "printer back on %s\n", prn.PortName())
		default:
			return false, fmt.Errorf("unknown command %q", cmd)
		}
		fmt.Fprintf(w, "printer: %s\n", prn.Status().English())
	case cmd == "card in" || cmd == "card out":
		if rdr == nil {
			return false, fmt.Errorf("the card reader is not running")
		}
		if cmd == "card in" {
			rdr.Insert(card)
		} else {
			rdr.Remove()
		}
		fmt.Fprintln(w, "card reader:", cmd)
	case cmd == "status":
		if prn != nil {
			b, q := prn.Received()
			fmt.Fprintf(w, "printer: %s; %d bytes received, %d status queries, %d jobs\n", prn.Status().English(), b, q, len(prn.Jobs()))
		}
		if rdr != nil {
			fmt.Fprintf(w, "card reader: %+v; PIN tries left %d\n", rdr.Stats(), rdr.PINTriesLeft())
		}
	default:
		return false, fmt.Errorf("unknown command %q; type help", cmd)
	}
	return false, nil
}
