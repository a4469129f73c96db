// Command pishkhan is the Pishkhan counter-desk agent: `pishkhan app` opens
// the desktop window, and its other subcommands are for technicians and
// scripts. Started with no arguments and no terminal (a desktop launcher, a
// double-click on Windows) it opens the window; in a terminal it prints its
// usage.
//
// Usage:
//
//	pishkhan [--data DIR] [--json] [--user NAME] COMMAND [flags] [args]
//
// Commands:
//
//	init            set office code, office name and desk number (once)
//	users add       add a user (clerk, supervisor or technician) with a PIN
//	users list      list users
//	catalog import  install the demo catalog (--demo) or a catalog JSON file
//	catalog export  write the demo catalog as JSON
//	catalog search  search sub-services in Persian
//	catalog show    show one sub-service's form, fees and inquiries
//	intake          file a walk-in's request; prints the tracking code
//	show            show a request by tracking code
//	lookup          find requests by tracking code or national code
//	list            list the requests of today (--today) or a Jalali day (--day)
//	audit verify    verify the audit trail's hash chain
//	purge           blank personal data of accepted requests past retention
//	demo            a headless demo on a fresh data folder (make run)
//	version         print the version
//
// The data folder is --data, else $PISHKHAN_DATA, else the user's data
// folder (~/.local/share/pishkhan on Linux). Errors go to standard error in
// English with their code; the exit status says what kind of error it was
// (see exitCode).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	args := os.Args[1:]
	if len(args) == 0 && !isTerminal(os.Stdout) && !isTerminal(os.Stderr) {
		args = []string{"app"}
	}
	code := run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
