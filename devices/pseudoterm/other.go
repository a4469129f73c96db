//go:build !linux && !darwin

package pseudoterm

import "os"

// makeRaw does nothing here: the client's serial library sets raw mode
// when it opens the port.
func makeRaw(*os.File) error { return nil }

// pollable returns f unchanged.
func pollable(f *os.File) (*os.File, error) { return f, nil }
