package placeholder_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor/labs/placeholder"
)

func TestFill(t *testing.T) {
	v := placeholder.Values{"AccountID": "123456789012", "Region": "eu-west-1"}
	tests := []struct {
		in, want, err string
	}{
		{"plain", "plain", ""},
		{"b-{{.AccountID}}", "b-123456789012", ""},
		{"{{ .Region }}/{{.AccountID}}", "eu-west-1/123456789012", ""},
		{"{{.Nope}}", "", "placeholder: no value for placeholder {{.Nope}}"},
		{"{{ not a placeholder", "{{ not a placeholder", ""},
	}
	for _, tt := range tests {
		got, err := placeholder.Fill(tt.in, v)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.err {
			t.Errorf("Fill(%q) = %q, %q; want %q, %q", tt.in, got, gotErr, tt.want, tt.err)
		}
	}
}

func TestFillValueLeavesKeysAndOtherKinds(t *testing.T) {
	in := map[string]any{
		"{{.AccountID}}": []any{"arn:aws:s3:::b-{{.AccountID}}", 3, true, nil},
	}
	got, err := placeholder.FillValue(in, placeholder.Values{"AccountID": "1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"{{.AccountID}}": []any{"arn:aws:s3:::b-1", 3, true, nil}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FillValue (-want +got):\n%s", diff)
	}
	if in["{{.AccountID}}"].([]any)[0] != "arn:aws:s3:::b-{{.AccountID}}" {
		t.Error("FillValue changed its input")
	}
}

func TestProblems(t *testing.T) {
	known := map[string]bool{"AccountID": true, "Region": true}
	got := placeholder.Problems("{{.AccountID}} {{.Bucket}} {{ .Region | x }}", known)
	want := []string{
		"unknown placeholder {{.Bucket}} (known: AccountID, Region)",
		`malformed placeholder "{{ .Region | x }}": write {{.Name}}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
}

func TestExpand(t *testing.T) {
	got := placeholder.Expand("s3://{{.Bucket}}/{{.Region}}",
		map[string]string{"Bucket": "b-{{.AccountID}}"})
	if want := "s3://b-{{.AccountID}}/{{.Region}}"; got != want {
		t.Errorf("Expand = %q, want %q", got, want)
	}
}
