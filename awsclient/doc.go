// Package awsclient builds aws-sdk-go-v2 configurations and service clients for a sandbox
// target, so that lab steps and validators reach every backend the same way.
//
// # Overview
//
// [Config] turns a [proctor.Target] into an [aws.Config]: the target's static credentials
// and region and, for an emulated endpoint, the endpoint's HTTPS address with a TLS client
// that trusts the endpoint's CA bundle. A target of a real AWS account has an empty endpoint
// and gets the SDK's own endpoint resolution.
//
// The constructors ([S3], [S3Control], [KMS], [STS]) add what an emulated endpoint needs:
// path-style bucket addressing for S3, and for S3 Control an endpoint resolver that keeps
// the account id out of the host name (the SDK otherwise prepends "{AccountId}." even to a
// custom endpoint, which no DNS resolves for localhost).
//
// Clients talk HTTPS whenever the target offers it. The grader's requests therefore carry
// aws:SecureTransport true, and a learner's TLS-only bucket policy never blinds it.
package awsclient
