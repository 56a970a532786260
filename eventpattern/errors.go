package eventpattern

import (
	"errors"
	"fmt"
)

// Error reports a pattern that EventBridge would reject with InvalidEventPatternException.
// Compile and Test return it (as *Error) for every invalid pattern; nothing else is returned for
// a bad pattern, so callers may rely on errors.As to tell a bad pattern from a bad event.
type Error struct {
	// Path is the dotted field path of the offending field, such as "detail.severity". Inside
	// "$or" the alternative is named with its index, as in "detail.$or[1].c-count". Path is
	// empty when the problem concerns the pattern as a whole (not JSON, not an object, too long).
	Path string

	// Item is the zero-based index of the offending element of the field's value array, or -1
	// when the problem is not about one element.
	Item int

	// Reason says what is wrong, in the words EventBridge uses where it has words for it, such
	// as "Empty arrays are not allowed".
	Reason string
}

// Error formats the problem as "eventpattern: invalid pattern: PATH[ITEM]: REASON".
func (e *Error) Error() string {
	where := e.Path
	if e.Item >= 0 {
		where = fmt.Sprintf("%s[%d]", where, e.Item)
	}
	if where == "" {
		return "eventpattern: invalid pattern: " + e.Reason
	}
	return "eventpattern: invalid pattern: " + where + ": " + e.Reason
}

// AWSMessage returns the message EventBridge puts in an InvalidEventPatternException, for an
// emulator that answers PutRule or TestEventPattern: "Event pattern is not valid. Reason: ...".
func (e *Error) AWSMessage() string {
	return "Event pattern is not valid. Reason: " + e.Reason
}

// ErrInvalidEvent is wrapped by the error Test returns when the event is not acceptable to
// TestEventPattern (malformed JSON, not an object, or a mandatory field missing), which
// EventBridge reports as a ValidationException rather than InvalidEventPatternException.
var ErrInvalidEvent = errors.New("eventpattern: invalid event")

func patternError(path string, item int, format string, args ...any) *Error {
	return &Error{Path: path, Item: item, Reason: fmt.Sprintf(format, args...)}
}
