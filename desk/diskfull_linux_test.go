package desk_test

import (
	"fmt"
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of size bytes on dir and unmounts it when the
// test ends (its cleanups run before t.TempDir's removal). It fails with the
// mount's error where this machine does not allow it (not root, or a
// container without CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, dir string, size int64) error {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		return fmt.Errorf("mount a tmpfs on %s: %w", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount the tmpfs on %s: %v; detaching it", dir, err)
			if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
				t.Errorf("detach the tmpfs on %s: %v", dir, err)
			}
		}
	})
	return nil
}
