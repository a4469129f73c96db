package store

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// osDiskFull are Windows' own "disk full" codes, which Go's os package
// returns as they are.
var osDiskFull = []syscall.Errno{windows.ERROR_HANDLE_DISK_FULL, windows.ERROR_DISK_FULL}
