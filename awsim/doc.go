// Package awsim is Proctor's embedded AWS-compatible endpoint: one process serves STS, IAM
// (roles and their policies), S3, S3 Control and KMS over the real AWS wire protocols, so
// that learners drive their sandbox with the unmodified aws CLI and SDKs. IAM policies that
// learners attach to roles are stored and read back, not yet enforced on requests.
//
// # Overview
//
// A [Server] holds many emulated AWS accounts, one per sandbox, created with
// [Server.CreateAccount]. Every account has two principals: the learner's administrator role
// and the grader's read-only role, each with its own temporary credentials. Every request is
// SigV4-verified against the stored secret of its access key and then authorised with package
// iampolicy: identity policies for the caller's role, bucket policies and Block Public Access
// for S3, with aws:SecureTransport true only on the HTTPS listener. A key of one account can
// never read or change another account's resources, even where a policy grants "*" (AWS
// would allow such cross-account access; sandboxes never reach each other); bucket names are
// global, as in AWS. Unsigned S3 requests are evaluated as the anonymous principal against
// the bucket policy, so a public bucket is readable by anyone, as on the internet.
// KMS requests are decided by the key policy together with the caller's identity policy, as
// KMS does. The account root user is the one principal whose key learners never receive; it
// may always read, replace and delete a bucket policy, which no other principal can count on.
//
// The server listens on HTTP and HTTPS. The HTTPS certificate is issued by a CA generated once
// into the data directory and valid for localhost, *.localhost, 127.0.0.1 and ::1; clients
// trust it through [Server.CAFile] (AWS_CA_BUNDLE). The HTTP listener also answers as a proxy,
// for absolute-form requests and CONNECT, but only to awsim's own host names and ports, so
// that clients which put an account id or bucket in front of the host name reach it without
// DNS (HTTPS_PROXY). It refuses every other host: it is never an open proxy.
//
// # Protocols
//
// Requests are routed by the SigV4 credential scope's service name (s3 with a /v20180820/
// path is S3 Control), decoded by the codec of the service's protocol family (package
// protocol) following the operation descriptions generated from botocore's models (package
// models), and answered with errors in each protocol's own form.
//
// # Adding an operation
//
// An operation is its description plus a handler. Add its name to the list in
// models/gen/main.go, run `go generate ./awsim/...` (with Debian's python3-botocore installed)
// and commit the regenerated models; then write a handlerFunc that reads the decoded input
// and returns the output as protocol.Params, authorises with the caller's policies, and
// register it in the service's handler map. The codec does the rest. New starts only when
// every modelled operation has a handler and every handler an operation.
//
// # State
//
// State lives in memory and is written to DataDir as a snapshot shortly after every change
// and on [Server.Close], by writing a new file and renaming it over the old one, so a crash
// leaves either the previous or the new snapshot, never a torn one. The snapshot holds one
// record per account, and only changed accounts are encoded again, so a save costs little
// lock time however many sandboxes exist. [New] loads it again; the file holds secrets and
// is readable by its owner only.
package awsim
