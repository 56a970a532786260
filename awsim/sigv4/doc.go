// Package sigv4 verifies AWS Signature Version 4 on incoming HTTP requests, as an AWS service
// endpoint does.
//
// It reads both forms of SigV4 authentication, the Authorization header and presigned query
// parameters, rebuilds the canonical request from what arrived on the wire and compares the
// signature with one computed from the access key's secret. Payloads may be signed (a SHA-256
// of the body), unsigned (UNSIGNED-PAYLOAD) or streamed in aws-chunked encoding with per-chunk
// signatures or trailing checksums; [DecodeChunked] decodes the latter and checks every chunk.
//
// Failures are [*Error] values whose [Code] tells the caller which AWS error to answer with;
// the mapping onto each protocol's error code is the caller's business. Nothing here logs, and
// no error message contains a secret or a signature.
package sigv4
