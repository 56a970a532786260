package proctor

import "fmt"

// MaxRequestIDLength is the longest idempotency key a create request may carry.
const MaxRequestIDLength = 64

// CheckRequestID reports what is wrong with an optional idempotency key: nil when it is
// empty or at most MaxRequestIDLength letters, digits, '-', '_', '.' or ':' (a UUID fits),
// and otherwise a violation of field that says why.
func CheckRequestID(field, id string) *FieldViolation {
	bad := len(id) > MaxRequestIDLength
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || r == '_' || r == '.' || r == ':') {
			bad = true
			break
		}
	}
	if !bad {
		return nil
	}
	shown := id
	if len(shown) > MaxRequestIDLength {
		shown = shown[:MaxRequestIDLength] + "..." // a huge id is not echoed whole
	}
	return &FieldViolation{Field: field, Description: fmt.Sprintf(
		"%q is not a request id: want at most %d letters, digits, '-', '_', '.' or ':', "+
			"such as a UUID", shown, MaxRequestIDLength)}
}
