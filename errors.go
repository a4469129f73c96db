package pishkhan

import (
	"errors"
	"fmt"
)

// Error codes. They are stable strings: the CLI prints them, logs carry them
// and tests match on them.
const (
	EInvalid      = "invalid"         // the input is malformed or breaks a rule
	ENotFound     = "not_found"       // the thing asked for does not exist
	EConflict     = "conflict"        // the write clashes with existing data
	EState        = "state"           // the transition is not allowed from the current state
	EUnauthorized = "unauthorized"    // wrong user or PIN, or a role that may not do this
	ELimit        = "limit"           // a configured limit (offline age, retention) forbids it
	ELocked       = "locked"          // the day is closed or the object is locked
	EInternal     = "internal"        // a bug or an environmental failure (disk, database)
	EDiskFull     = "disk_full"       // the disk holding the data is full: free space, then try again
	EUnavailable  = "unavailable"     // a peer or device is not reachable right now
	ENotInit      = "not_initialised" // the desk has not been initialised
)

// Error is the project's typed error. It carries a stable code, an English
// message for logs and the CLI, and a Persian message for the screen.
// Field names the input that was wrong, when there is one.
type Error struct {
	Code    string
	Message string
	Persian string
	Field   string
	Err     error
}

// Error returns the English message, followed by the wrapped cause if any.
func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a code, a Persian message and a formatted English message.
func Errorf(code, persian, format string, args ...any) *Error {
	return &Error{Code: code, Persian: persian, Message: fmt.Sprintf(format, args...)}
}

// FieldError builds an EInvalid *Error about one named input.
func FieldError(field, persian, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Persian: persian, Message: fmt.Sprintf(format, args...)}
}

// WrapError wraps err as an *Error with the given code and messages. A nil err gives nil.
func WrapError(err error, code, persian, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Persian: persian, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// PersianMessage returns the Persian message of the first *Error in err's
// chain that has one, or a generic Persian message for other errors.
func PersianMessage(err error) string {
	if err == nil {
		return ""
	}
	for cur := err; cur != nil; cur = errors.Unwrap(cur) {
		var e *Error
		if errors.As(cur, &e) {
			if e.Persian != "" {
				return e.Persian
			}
			cur = e
		}
	}
	return "خطای داخلی رخ داد؛ لطفاً دوباره تلاش کنید یا با کارشناس فنی تماس بگیرید."
}
