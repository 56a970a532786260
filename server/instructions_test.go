package server_test

import (
	"testing"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

// TestSandboxInstructionsNameTheSandbox checks that a sandbox carries its lab's instructions
// with the sandbox's own account and region filled in, and that listings leave them out.
func TestSandboxInstructionsNameTheSandbox(t *testing.T) {
	e := newEnv(t)
	lab, err := e.catalog.Lab("s3-data-protection")
	if err != nil {
		t.Fatal(err)
	}
	lab.Instructions = "Fix bucket proctor-data-{{.AccountID}} in {{ .Region }}."
	sb := aliceSandbox()

	got, err := e.sbx.GetSandbox(e.as(alice), &pb.GetSandboxRequest{Name: sb.Name})
	if err != nil {
		t.Fatal(err)
	}
	want := "Fix bucket proctor-data-" + sb.AccountID + " in " + sb.Region + "."
	if s := got.GetSandbox().GetInstructions(); s != want {
		t.Errorf("instructions = %q, want %q", s, want)
	}

	list, err := e.sbx.ListSandboxes(e.as(alice), &pb.ListSandboxesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list.GetSandboxes() {
		if s.GetInstructions() != "" {
			t.Errorf("listed sandbox %s carries instructions", s.GetName())
		}
	}
}
