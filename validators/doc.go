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
// Validators that reason about policies evaluate them with package iampolicy instead of
// matching their text: a bucket policy "denies insecure transport" when evaluating every
// request that matters, for every kind of principal, with aws:SecureTransport false, ends
// in an explicit deny.
package validators
