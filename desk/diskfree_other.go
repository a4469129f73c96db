//go:build !unix && !windows

package desk

import "errors"

// freeBytes is not measured on this system yet.
func freeBytes(string) (int64, error) { return 0, errors.New("not measured on this system") }
