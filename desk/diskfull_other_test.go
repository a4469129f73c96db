//go:build unix && !linux

package desk_test

import (
	"errors"
	"testing"
)

// mountTmpfs is tried on Linux only; elsewhere the full-disk test fills the
// database with PRAGMA max_page_count.
func mountTmpfs(t *testing.T, dir string, size int64) error {
	return errors.New("tmpfs mounts are tried on Linux only")
}
