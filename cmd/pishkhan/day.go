package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/persian"
)

// cmdDay: day summary | close | reopen. Closing and reopening take the
// supervisor's user name and PIN (first line of standard input).
func cmdDay(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("day summary [--day YYYY/MM/DD] | day close --supervisor U --cash N --card N [--reason R] | day reopen --supervisor U --reason R")
	}
	fs := newFlags(e, "day "+args[0])
	dayFlag := fs.String("day", "", "Jalali day, YYYY/MM/DD in any digits (default: today)")
	sup := fs.String("supervisor", "", "the supervisor's user name; the PIN is read from standard input")
	cash := fs.String("cash", "", "cash counted, rials")
	card := fs.String("card", "", "the card terminal's settlement, rials")
	reason := fs.String("reason", "", "why a count differs (close), or why the day is reopened (reopen)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	day := d.Today()
	if *dayFlag != "" {
		if day, err = persian.ParseDate(persian.ToLatinDigits(*dayFlag)); err != nil {
			return pishkhan.FieldError("day", "تاریخ نامعتبر است.", "--day %q: %v", *dayFlag, err)
		}
	}
	readPIN := func() (string, error) {
		line, err := e.line()
		if err != nil {
			return "", pishkhan.FieldError("pin", "رمز مدیر از ورودی خوانده نشد.", "give the supervisor's PIN on standard input")
		}
		return strings.TrimSpace(line), nil
	}
	switch args[0] {
	case "summary":
		s, err := d.DaySummary(e.ctx, day)
		if err != nil {
			return err
		}
		return e.emit(s, func(w io.Writer) {
			fmt.Fprintf(w, "day %s: %d requests; expected cash %s, card %s rials\n", day, s.Requests, rials(s.ExpectedCash), rials(s.ExpectedCard))
			for _, t := range s.ByService {
				fmt.Fprintf(w, "  %-40s %4d  %s\n", t.Name, t.Count, rials(t.Amount))
			}
			if len(s.Unsent) > 0 {
				fmt.Fprintf(w, "%d requests not yet sent to the exchange\n", len(s.Unsent))
			}
			if s.Close != nil {
				fmt.Fprintf(w, "closed by %s at %s\n", s.Close.ClosedBy, persian.FormatDateTime(s.Close.ClosedAt))
			}
		})
	case "close":
		pin, err := readPIN()
		if err != nil {
			return err
		}
		c, err := d.CloseDay(e.ctx, desk.CloseInput{Day: day, CountedCash: *cash, CountedCard: *card, Reason: *reason, Supervisor: *sup, PIN: pin})
		if err != nil {
			return err
		}
		return e.emit(c, func(w io.Writer) {
			fmt.Fprintf(w, "day %s closed by %s: %d requests; cash expected %s counted %s (%+d); card expected %s counted %s (%+d)\n",
				c.Date, c.ClosedBy, c.Requests, rials(c.ExpectedCash), rials(c.CountedCash), int64(c.Difference()),
				rials(c.ExpectedCard), rials(c.CountedCard), int64(c.CardDifference()))
		})
	case "reopen":
		pin, err := readPIN()
		if err != nil {
			return err
		}
		if err := d.ReopenDay(e.ctx, day, *reason, *sup, pin); err != nil {
			return err
		}
		return e.emit(map[string]any{"reopened": day.String()}, func(w io.Writer) { fmt.Fprintf(w, "day %s reopened\n", day) })
	}
	return usagef("unknown day command %q; day summary | close | reopen", args[0])
}
