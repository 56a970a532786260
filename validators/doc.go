// Package validators holds the named validators that grade lab checks, and the registry
// that labs name them from.
//
// # Overview
//
// A validator reads a sandbox only through the AWS API, with the target's (the grader's
// read-only) credentials, and never changes it. It returns a [proctor.Finding]:
//
//   - PASS or FAIL, with a message that says what is missing and evidence naming the
//     resource ARN, what was observed and what was expected;
//   - NOT_APPLICABLE when the control does not apply to what the sandbox holds;
//   - ERROR when the grader could not tell: an AWS error the grader received (access
//     denied, throttling, an endpoint that is down) is always ERROR, never FAIL.
//
// Each validator declares its parameters (name, type, whether required, a description and
// a default), so that [Registry.CheckParams] can report a lab's bad parameters at lint time.
// String parameters may hold {{.AccountID}} and {{.Region}} placeholders, which the
// registry's validators fill from the target before grading.
//
// # Built-in validators
//
//   - s3.account_public_access_block (settings): account-level Block Public Access turns on
//     the required settings; partial credit per setting.
//   - s3.bucket_tls_only (bucket, bucket_arn): the bucket policy denies every request
//     without TLS; partial credit is the share of probed requests denied.
//   - s3.bucket_default_encryption (bucket, algorithms, customer_managed_key): default
//     encryption with SSE-KMS and a customer managed key of the account.
//   - s3.bucket_not_public (bucket): the bucket is not public in effect.
//   - kms.key_rotation (key): automatic rotation where it applies; NOT_APPLICABLE for keys
//     that cannot rotate.
//   - kms.key_policy_not_public (key): the key policy grants nothing outside the account.
//
// Validators that reason about policies evaluate them with package iampolicy instead of
// matching their text: a bucket policy "denies insecure transport" when evaluating every
// request that matters, for every kind of principal, with aws:SecureTransport false, ends
// in an explicit deny. The principals probed are an anonymous caller, one of the account,
// one of another account and every principal the policy names; the requests are probed
// plain and with each value of the other condition keys the policy tests, so that a deny
// that exempts an address range, a VPC endpoint or a role shows its gap.
package validators
