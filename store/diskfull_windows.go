package store

import "syscall"

// osDiskFull are Windows' own "disk full" codes, which Go's os package
// returns as they are (ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL).
var osDiskFull = []syscall.Errno{39, 112}
