// Package localstack lends sandboxes as LocalStack containers: each Provision starts one
// LocalStack container through testcontainers-go, waits until LocalStack's health endpoint
// reports every enabled service ready, and lends the container's single account. Release
// removes the container. It needs a Docker engine; newer LocalStack images also need
// LOCALSTACK_AUTH_TOKEN, which the provisioner passes through to the container and never logs.
//
// # Services
//
// The free ("community") LocalStack image serves these services with the fidelity labs need,
// and Supports accepts them:
//
//   - s3, s3control: buckets, bucket policies, default encryption, public access blocks.
//   - kms: customer managed keys, rotation status and key policies.
//   - sts: GetCallerIdentity and AssumeRole, which steps and validators use.
//   - sns, events: topics and EventBridge rules, with pattern matching.
//   - ec2: VPCs, subnets, route tables, security groups and network ACLs as configuration.
//   - ssm, config: Parameter Store and the AWS Config recorder as configuration.
//
// Supports refuses, with an EFailedPrecondition error that says why:
//
//   - guardduty: the free image has no GuardDuty; detectors and findings are Pro features.
//   - cloudtrail: CloudTrail is served only by the Pro image, so no trail records anything.
//   - iam and accessanalyzer: the free image answers the IAM API but enforces no policy
//     (ENFORCE_IAM is a Pro feature), so a lab graded by what a principal can really do, or by
//     Access Analyzer's findings, cannot be graded on it.
//   - organizations and securityhub: Pro features.
//
// # Accounts and credentials
//
// LocalStack derives the account of a request from its access key id. Each sandbox gets its own
// 12-digit account id unless Config.AccountID pins one, because Release names the sandbox to
// remove by account id alone: with LocalStack's default account 000000000000 in every
// container, releasing one sandbox could not tell it from another. The learner and the grader
// receive different access keys in LocalStack's structured form (LKIA...), both of which
// decode to the sandbox's account.
//
// The grader's keys are not read-only on this backend: without IAM enforcement every key may
// do everything. Validators read through the API only, so grading still works.
//
// # Containers
//
// Containers carry the labels LabelBackend and LabelAccount, so Release finds a sandbox's
// container by its account id, even one started before Proctor restarted. The host's Docker
// socket is not mounted into the container: LocalStack would use it to run Lambda functions,
// and a learner-facing container holding the socket would hold the Docker engine.
//
// LocalStack checks no secret key, so whoever reaches a sandbox's port can use it. For an
// engine on this machine the port is bound on the loopback interface only, unless Proctor
// itself runs in a container, from which the host's loopback interface is out of reach.
//
// TODO: on a shared machine, one learner who finds another sandbox's port can use that
// sandbox; closing this needs a signing proxy in front of each container that checks the
// learner's secret key.
//
// TODO: testcontainers-go's reaper removes the containers when the Proctor process ends, so
// a restart ends every LocalStack sandbox (their records then point at gone containers until
// the sandboxes expire). Setting TESTCONTAINERS_RYUK_DISABLED=true keeps them, at the cost of
// leaking the containers of sandboxes that are never released.
//
// TODO: LOCALSTACK_HOST names the Docker host without the mapped port, so URLs LocalStack
// writes into responses (SQS queue URLs, for one) carry port 4566; no lab service does that.
package localstack
