package sigv4

import "errors"

// Code classifies a verification failure.
type Code int

// The failure classes a caller maps onto each protocol's AWS error codes.
const (
	// Malformed means the authentication data is present but incomplete or unparseable
	// (AWS: IncompleteSignature, AuthorizationHeaderMalformed, AuthorizationQueryParametersError).
	Malformed Code = iota + 1
	// Mismatch means the signature does not match the request (SignatureDoesNotMatch).
	Mismatch
	// Expired means a presigned URL is past its expiry (S3: AccessDenied "Request has expired").
	Expired
	// Skewed means the request time is too far from the server's clock (RequestTimeTooSkewed).
	Skewed
	// PayloadMismatch means the body does not hash to the signed payload hash
	// (XAmzContentSHA256Mismatch).
	PayloadMismatch
	// BadDigest means a checksum or Content-MD5 sent with the body does not match it.
	BadDigest
	// Unsupported means an algorithm or payload mode this package does not implement.
	Unsupported
)

// String returns the name of the failure class.
func (c Code) String() string {
	switch c {
	case Malformed:
		return "Malformed"
	case Mismatch:
		return "Mismatch"
	case Expired:
		return "Expired"
	case Skewed:
		return "Skewed"
	case PayloadMismatch:
		return "PayloadMismatch"
	case BadDigest:
		return "BadDigest"
	case Unsupported:
		return "Unsupported"
	}
	return "Unknown"
}

// Error is a verification failure. Message is safe to show to the client: it never contains
// a secret or a computed signature.
type Error struct {
	Code    Code
	Message string
}

// Error returns the message prefixed with the package name.
func (e *Error) Error() string { return "sigv4: " + e.Message }

// ErrNotSigned is returned by [Parse] for a request that carries no SigV4 authentication at
// all, which S3 treats as an anonymous request.
var ErrNotSigned = errors.New("sigv4: request is not signed")

func fail(code Code, msg string) error { return &Error{Code: code, Message: msg} }
