// Package protocol holds awsim's wire codecs, one per AWS protocol family, driven by the
// operation descriptions of package models rather than by hand-written parsers.
//
// # Values
//
// A codec decodes a request into [Params] and writes [Params] back as a response. Values
// follow the shapes: a structure or map is map[string]any keyed by member name (map keys for
// maps), a list is []any (or []string), and scalars are string, int64, float64, bool,
// time.Time and []byte (blob). Handlers may also use int for integers.
//
// # Codecs
//
// [Query] serves the query protocol (STS, later IAM and SNS), [EC2] its ec2 variant,
// [RestXML] serves rest-xml (S3 and S3 Control), [JSON] serves JSON 1.1 (KMS, later
// CloudTrail, EventBridge, Config, Organizations) and [RestJSON] serves rest-json (GuardDuty,
// Access Analyzer, Security Hub). Each routes a request to an operation of its model, decodes
// and validates the input, and writes output and errors in its protocol's own form, behind
// the one [Codec] interface.
package protocol
