package pseudoterm

import "syscall"

// The ioctls that read and set a terminal's attributes.
const ioctlGetTermios, ioctlSetTermios = syscall.TIOCGETA, syscall.TIOCSETA
