package main

import (
	"fmt"
	"io"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/desk"
)

// cmdDoctor checks the desk and says what to do about each problem; it
// exits non-zero when a check fails.
func cmdDoctor(e *env, args []string) error {
	fs := newFlags(e, "doctor")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.OpenDevices(e.ctx)
	if err != nil {
		return err
	}
	defer v.Close()
	checks := d.Doctor(e.ctx, v)
	failed := 0
	for _, c := range checks {
		if c.Status == desk.CheckFail {
			failed++
		}
	}
	if err := e.emit(map[string]any{"checks": checks, "failed": failed}, func(w io.Writer) {
		mark := map[string]string{desk.CheckOK: "ok  ", desk.CheckWarn: "warn", desk.CheckFail: "FAIL"}
		for _, c := range checks {
			fmt.Fprintf(w, "%s  %-12s %s\n", mark[c.Status], c.Name, c.Detail)
			if c.Fix != "" {
				fmt.Fprintf(w, "      %-12s → %s\n", "", c.Fix)
			}
		}
	}); err != nil {
		return err
	}
	if failed > 0 {
		return pishkhan.Errorf(pishkhan.EUnavailable, "بررسی میز مشکل پیدا کرد.", "%d checks failed", failed)
	}
	return nil
}
