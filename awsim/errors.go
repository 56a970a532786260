package awsim

import (
	"net/http"

	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/awsim/sigv4"
)

// Authentication failures decided here rather than by package sigv4.
const (
	errUnknownKey  sigv4.Code = 100 + iota // the access key id is not known
	errBadToken                            // the session token is missing or wrong
	errMissingAuth                         // an unsigned request to a service that needs one
)

// authError answers an authentication failure the way the service's AWS counterpart does:
// S3 has its own codes, the query services (STS) and the JSON services (KMS) theirs.
func authError(svc *service, code sigv4.Code, msg string) *protocol.Error {
	type answer struct {
		status  int
		code    string
		message string
	}
	var a answer
	switch {
	case svc.s3:
		a = map[sigv4.Code]answer{
			errUnknownKey: {403, "InvalidAccessKeyId",
				"The AWS Access Key Id you provided does not exist in our records."},
			errBadToken: {400, "InvalidToken",
				"The provided token is malformed or otherwise invalid."},
			errMissingAuth:        {403, "AccessDenied", "Access Denied"},
			sigv4.Malformed:       {400, "AuthorizationHeaderMalformed", msg},
			sigv4.Mismatch:        {403, "SignatureDoesNotMatch", msg},
			sigv4.Expired:         {403, "AccessDenied", "Request has expired"},
			sigv4.Skewed:          {403, "RequestTimeTooSkewed", msg},
			sigv4.PayloadMismatch: {400, "XAmzContentSHA256Mismatch", msg},
			sigv4.BadDigest:       {400, "BadDigest", msg},
			sigv4.Unsupported:     {400, "InvalidRequest", msg},
		}[code]
	case svc.family == familyJSON:
		a = map[sigv4.Code]answer{
			errUnknownKey: {400, "UnrecognizedClientException",
				"The security token included in the request is invalid."},
			errBadToken: {400, "UnrecognizedClientException",
				"The security token included in the request is invalid."},
			errMissingAuth: {400, "MissingAuthenticationTokenException",
				"Missing Authentication Token"},
			sigv4.Malformed:       {400, "IncompleteSignatureException", msg},
			sigv4.Mismatch:        {400, "InvalidSignatureException", msg},
			sigv4.Expired:         {400, "InvalidSignatureException", "Signature expired"},
			sigv4.Skewed:          {400, "InvalidSignatureException", "Signature expired: " + msg},
			sigv4.PayloadMismatch: {400, "InvalidSignatureException", msg},
			sigv4.BadDigest:       {400, "InvalidSignatureException", msg},
			sigv4.Unsupported:     {400, "IncompleteSignatureException", msg},
		}[code]
	default:
		a = map[sigv4.Code]answer{
			errUnknownKey: {403, "InvalidClientTokenId",
				"The security token included in the request is invalid."},
			errBadToken: {403, "InvalidClientTokenId",
				"The security token included in the request is invalid."},
			errMissingAuth: {403, "MissingAuthenticationToken",
				"Request is missing Authentication Token"},
			sigv4.Malformed:       {400, "IncompleteSignature", msg},
			sigv4.Mismatch:        {403, "SignatureDoesNotMatch", msg},
			sigv4.Expired:         {403, "SignatureDoesNotMatch", "Signature expired"},
			sigv4.Skewed:          {403, "SignatureDoesNotMatch", "Signature expired: " + msg},
			sigv4.PayloadMismatch: {400, "IncompleteSignature", msg},
			sigv4.BadDigest:       {400, "IncompleteSignature", msg},
			sigv4.Unsupported:     {400, "IncompleteSignature", msg},
		}[code]
	}
	if a.code == "" {
		a = answer{http.StatusForbidden, "AccessDenied", "Access Denied"}
	}
	return &protocol.Error{Status: a.status, Code: a.code, Message: a.message, Sender: true}
}

// accessDenied is S3's answer to a request that policies do not allow.
func accessDenied() *protocol.Error {
	return &protocol.Error{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: "Access Denied", Sender: true}
}
