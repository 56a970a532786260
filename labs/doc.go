// Package labs reads lab files, lints them, runs their setup and solution steps, and holds
// the catalog of labs shipped in the binary.
//
// # The lab file
//
// A lab is one YAML document:
//
//	id: s3-data-protection          # lower-case words joined by '-'
//	title: Protect the data in an S3 bucket
//	pillar: s3                      # iam, network, s3, kms, detection or audit
//	level: beginner                 # beginner, intermediate or advanced
//	duration: 30m                   # a Go duration, at most 24h
//	summary: One paragraph.
//	instructions: |                 # Markdown, with placeholders
//	  Your account is {{.AccountID}}.
//	services: [s3, s3control, kms]  # what the lab needs from a backend
//	pass_percent: 80                # share of the points needed to pass, 1..100
//	vars:                           # optional names for derived values
//	  BucketName: data-{{.AccountID}}
//	setup: [STEP, ...]              # the starting state; may be empty
//	checks: [CHECK, ...]            # at least one
//	solution: [STEP, ...]           # a reference solution; at least one step
//
// A step is one AWS API call, named by its SDK client and operation, with the input in the
// API's own member names:
//
//   - service: kms                  # s3, s3control, kms or sts
//     action: CreateKey             # a method of the aws-sdk-go-v2 client
//     input: {Description: lab key}
//     save: {KeyArn: KeyMetadata.Arn}   # output members, for later steps' placeholders
//
// Inputs are decoded into the SDK's input struct by reflection, so a new operation needs
// no code: strings, numbers, bools, enums (checked against the SDK's values), nested
// structures, lists, maps, blobs and streams (as strings), times (RFC 3339). A member that
// holds a JSON document (Policy, PolicyDocument, EventPattern, ...) may be written as a
// YAML mapping and is sent as JSON.
//
// A check names a validator of package validators and its parameters:
//
//   - id: bucket-tls-only
//     title: The bucket policy denies every request without TLS
//     validator: s3.bucket_tls_only
//     params: {bucket: "{{.BucketName}}"}
//     points: 25                    # 1..1000
//     partial: true                 # the validator's fraction earns partial credit
//     hint: Add a Deny statement ...
//     hint_cost: 5                  # 0..points
//     controls: [CIS 2.1.1, S3.5]   # CIS and Security Hub ids shown beside the check
//
// # Placeholders
//
// Strings may hold {{.AccountID}} and {{.Region}}, filled per sandbox, the names of vars,
// and in steps the names earlier steps of the same list saved. Vars are inlined when the
// file is parsed, so a parsed [proctor.Lab] holds only the sandbox's placeholders and the
// saved names, which the Fill function of package placeholder fills. Bucket names are
// global across sandboxes: a CreateBucket step must put {{.AccountID}} in the name.
//
// # Linting
//
// [Lint] reports every problem of a file with its line and column: YAML syntax, unknown
// and repeated fields, wrong types, missing fields, values out of range, repeated check
// ids, unknown validators and parameters the validator rejects, unknown services and
// operations, input members the SDK does not have or rejects, output members a step
// cannot save, placeholders that nothing fills, services that steps or validators use but
// the lab does not declare, and partial credit asked of a validator that gives none. A
// misspelt name gets a suggestion. [Parse] returns the lab, or all the problems.
package labs
