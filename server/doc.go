// Package server serves Proctor's gRPC API (package proctor.v1) on top of the domain's
// services: LabService over a [proctor.LabCatalog], SandboxService over a
// [proctor.SandboxService] and AttemptService over a [proctor.AttemptService].
//
// # Overview
//
// Every RPC passes through the same steps: metrics, panic recovery, authentication (a
// bearer JWT in the "authorization" metadata, verified by [Options.Verifier], which puts
// the [proctor.Caller] in the context), validation of every request field (all violations
// reported at once as INVALID_ARGUMENT with google.rpc.BadRequest), the domain call, and
// the mapping of the domain's result to protobuf. Health checking (grpc.health.v1) and
// reflection are served without authentication.
//
// # Errors
//
// Domain errors carry a [proctor.ErrorCode]; one table in this package maps each code to a
// gRPC status code. Every error status carries a google.rpc.ErrorInfo with a reason and
// the domain "proctor.dev". Internal errors are logged with their cause and returned as
// "internal error", without it.
//
// # Secrets
//
// A sandbox's learner credentials are returned only to the sandbox's owner; the grader's
// credentials never leave the server. Neither tokens nor credentials are logged.
package server
