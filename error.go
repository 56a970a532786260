package proctor

import (
	"errors"
	"fmt"
)

// ErrorCode classifies a domain error. The server maps each code to one transport status in a
// single table; adapters choose the code, never the status.
type ErrorCode string

// The error codes of the domain.
const (
	EInvalid            ErrorCode = "invalid"             // the request is malformed
	ENotFound           ErrorCode = "not_found"           // no such resource, or not the caller's
	EPermission         ErrorCode = "permission_denied"   // the caller may not do this
	EUnauthenticated    ErrorCode = "unauthenticated"     // no valid credentials
	EConflict           ErrorCode = "conflict"            // the resource already exists
	EFailedPrecondition ErrorCode = "failed_precondition" // the system is not in the needed state
	EResourceExhausted  ErrorCode = "resource_exhausted"  // a quota is used up
	EUnavailable        ErrorCode = "unavailable"         // a dependency is down; retry later
	EInternal           ErrorCode = "internal"            // a bug or an unexpected fault
)

// FieldViolation names one field of a request and what is wrong with it.
type FieldViolation struct {
	Field       string // a path such as "sandbox.lab" or "page_size"
	Description string
}

// Error is a domain error: a code, a message fit for the caller, a machine-readable reason,
// and, for invalid requests, the fields at fault. Err, when set, is the underlying cause; it is
// for logs and is never shown to callers.
type Error struct {
	Code    ErrorCode
	Reason  string // UPPER_SNAKE_CASE, stable, e.g. "SANDBOX_NOT_READY"
	Message string
	Fields  []FieldViolation
	Err     error
}

// Error returns the message, followed by the cause when there is one.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message for the caller.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with the given code and message whose cause is err. The cause
// appears in Error() for logs, never in the caller-facing message.
func WrapError(code ErrorCode, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// InvalidFields returns an EInvalid error listing every field violation.
func InvalidFields(message string, fields ...FieldViolation) *Error {
	return &Error{Code: EInvalid, Reason: "INVALID_ARGUMENT", Message: message, Fields: fields}
}

// WithReason sets the machine-readable reason and returns e.
func (e *Error) WithReason(reason string) *Error {
	e.Reason = reason
	return e
}

// ErrorCodeOf returns the code of the first *Error in err's chain, EInternal for any other
// non-nil error, and "" for nil.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessageOf returns the caller-facing message of the first *Error in err's chain, and a
// generic message for any other error so that internals never reach a caller.
func ErrorMessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
