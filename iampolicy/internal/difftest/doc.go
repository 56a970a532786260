// Package difftest checks package iampolicy against an independent simulator,
// @cloud-copilot/iam-simulate, on generated cases: random policies and requests over a
// realistic slice of the action catalog, with conditions, policy variables, principals of
// two accounts, permissions boundaries, service control policies and session policies.
//
// The simulator is an npm package installed outside the repository by
// scripts/iam-differential.sh, which then runs this package's tests with
// IAMPOLICY_ORACLE set to the installation's node_modules directory. Without that
// variable the differential test is skipped and only the generator's own tests run.
package difftest
