//go:build !windows

package store

import "syscall"

// osDiskFull are the system's "disk full" codes besides ENOSPC and EDQUOT.
var osDiskFull []syscall.Errno
