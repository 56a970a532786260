// Package proctor holds the domain of Proctor, a service for hands-on AWS security labs:
// labs and their checks, sandboxes lent to learners, attempts and their graded results, and
// the interfaces that the adapters in the subpackages implement.
//
// The root package imports no adapter. Subpackages import the root, never each other's
// internals, and cmd/proctor wires them together.
package proctor
