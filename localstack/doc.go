// Package localstack will lend sandboxes as LocalStack containers, one container per sandbox,
// started through a Docker engine. It is the backend for instructors who want LocalStack's
// wider service surface, and it needs a Docker engine (and, for newer LocalStack images, a
// LOCALSTACK_AUTH_TOKEN passed through from the environment).
//
// LocalStack's free image lacks GuardDuty, CloudTrail and IAM enforcement, so the provisioner
// will refuse labs that need them with a failed-precondition error that says why.
//
// TODO: the provisioner itself is not written yet; until it is, only the embedded backend
// lends sandboxes, and `proctor serve` offers no LocalStack option.
package localstack
