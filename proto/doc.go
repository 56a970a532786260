// Package proto holds the protobuf definitions of Proctor's gRPC API (package proctor.v1,
// in proctor/v1) and the tests that keep the generated Go code under gen/ current and the
// definitions clean under buf lint. It has no Go API of its own.
//
// Regenerate with scripts/gen-proto.sh after changing a .proto file.
package proto
