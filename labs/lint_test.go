package labs_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/labs"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/lint")

// TestLintGolden lints each testdata/lint/*.yaml and compares the problems with the file's
// .golden companion, one problem a line. Run with -update to rewrite the golden files
// after reading the difference.
func TestLintGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/lint/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no lint cases: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, p := range labs.Lint(filepath.Base(f), data) {
				b.WriteString(p.String() + "\n")
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// minimal is a valid lab; the table cases below change one thing in it.
const minimal = `id: tiny
title: Tiny
pillar: s3
level: beginner
duration: 10m
summary: A tiny lab.
instructions: Do it.
services: [s3control]
pass_percent: 100
checks:
  - id: bpa
    title: Account BPA
    validator: s3.account_public_access_block
    points: 10
    hint: Turn it on.
solution:
  - service: s3control
    action: PutPublicAccessBlock
    input:
      AccountId: "{{.AccountID}}"
      PublicAccessBlockConfiguration: {BlockPublicAcls: true}
`

func TestLint(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		{"valid", minimal, nil},
		{"empty file", "", []string{"f.yaml:1:1: the file is empty; a lab is a YAML mapping"}},
		{"comment only", "# nothing\n",
			[]string{"f.yaml:1:1: the file is empty; a lab is a YAML mapping"}},
		{"not a mapping", "- a\n- b\n", []string{"f.yaml:1:1: lab must be a mapping, not a list"}},
		{"syntax error", "id: a\ntitle: [unclosed\n",
			[]string{"f.yaml:2:1: YAML syntax: did not find expected ',' or ']' (in the " +
				"construct that starts on this line)"}},
		{"syntax error on the first line", "a: b: c\n",
			[]string{"f.yaml:1:1: YAML syntax: mapping values are not allowed in this context"}},
		{"scanner error", "a: 1\nb: 2\n c: 3\n",
			[]string{"f.yaml:3:1: YAML syntax: mapping values are not allowed in this context"}},
		{"tab indentation", "id: a\n\ttitle: b\n",
			[]string{"f.yaml:2:1: YAML syntax: found a tab character that violates indentation"}},
		{"two documents", minimal + "---\nid: b\n",
			[]string{"f.yaml:23:1: a lab file holds one YAML document; this is a second one"}},
		{"alias", strings.Replace(minimal, "      AccountId: \"{{.AccountID}}\"",
			"      AccountId: &a \"{{.AccountID}}\"\n      ExpectedBucketOwner: *a", 1),
			[]string{"f.yaml:21:28: solution[0].input.ExpectedBucketOwner: YAML aliases " +
				"are not supported in " +
				"labs; write the value out"}},
		{"hint cost without points", strings.Replace(minimal, "    points: 10\n",
			"    points: 10\n    hint_cost: 11\n", 1),
			[]string{"f.yaml:15:16: checks[0].hint_cost 11 is more than the check's 10 points"}},
		{"partial credit the validator cannot give", strings.Replace(minimal,
			"validator: s3.account_public_access_block", "validator: s3.bucket_not_public\n"+
				"    params: {bucket: b}\n    partial: true", 1),
			[]string{"f.yaml:13:16: checks[0]: validator s3.bucket_not_public reads service " +
				"s3, which the lab's services do not list",
				"f.yaml:15:14: checks[0]: validator s3.bucket_not_public gives no partial " +
					"credit; remove partial"}},
		{"zero duration", strings.Replace(minimal, "10m", "0s", 1),
			[]string{"f.yaml:5:11: duration 0s must be more than 0 and at most 24h0m0s"}},
		{"string for a number", strings.Replace(minimal, "pass_percent: 100",
			"pass_percent: \"100\"", 1),
			[]string{`f.yaml:9:15: pass_percent must be an integer, not the string "100"`}},
		{"missing fields", "id: a\n", []string{
			"f.yaml:1:1: lab: missing field title",
			"f.yaml:1:1: lab: missing field pillar",
			"f.yaml:1:1: lab: missing field level",
			"f.yaml:1:1: lab: missing field duration",
			"f.yaml:1:1: lab: missing field summary",
			"f.yaml:1:1: lab: missing field instructions",
			"f.yaml:1:1: lab: missing field services",
			"f.yaml:1:1: lab: missing field pass_percent",
			"f.yaml:1:1: lab: missing field checks",
			"f.yaml:1:1: lab: missing field solution",
		}},
		{"enum member", strings.Replace(minimal, "{BlockPublicAcls: true}",
			"{BlockPublicAcls: true}\n  - service: s3control\n    action: GetPublicAccessBlock\n"+
				"    input: {AccountId: x, Bogus: 1}", 1),
			[]string{"f.yaml:24:27: solution[1]: input member Bogus: GetPublicAccessBlockInput " +
				"has no member Bogus (members: AccountId)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range labs.Lint("f.yaml", []byte(tt.data)) {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lint (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseReturnsEveryProblem(t *testing.T) {
	data := strings.Replace(minimal, "pillar: s3", "pillar: s4", 1)
	data = strings.Replace(data, "level: beginner", "level: guru", 1)
	_, err := labs.Parse("f.yaml", []byte(data))
	var ps labs.Problems
	if !errors.As(err, &ps) || len(ps) != 2 {
		t.Fatalf("Parse error = %v, want 2 problems", err)
	}
	if proctor.ErrorCodeOf(err) != proctor.EInvalid {
		t.Errorf("error code = %s, want %s", proctor.ErrorCodeOf(err), proctor.EInvalid)
	}
	var pe *proctor.Error
	if errors.As(err, &pe); len(pe.Fields) != 2 || pe.Fields[0].Field != "f.yaml:3:9" {
		t.Errorf("field violations = %+v, want one per problem, the first at f.yaml:3:9",
			pe.Fields)
	}
}

func TestParseBuildsTheLab(t *testing.T) {
	l, err := labs.Parse("f.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	want := &proctor.Lab{ID: "tiny", Title: "Tiny", Pillar: proctor.PillarS3,
		Level: "beginner", Duration: 10 * 60e9, Summary: "A tiny lab.", Instructions: "Do it.",
		Services: []string{"s3control"}, PassPercent: 100,
		Checks: []proctor.Check{{ID: "bpa", Title: "Account BPA",
			Validator: "s3.account_public_access_block", Params: map[string]any{},
			Points: 10, Hint: "Turn it on."}},
		Solution: []proctor.Step{{Service: "s3control", Action: "PutPublicAccessBlock",
			Input: map[string]any{"AccountId": "{{.AccountID}}",
				"PublicAccessBlockConfiguration": map[string]any{"BlockPublicAcls": true}}}},
	}
	if diff := cmp.Diff(want, l); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

// TestLintShortensHugeValues checks that a problem with a huge value from the file (here an
// action name of most of a megabyte) gets a message of bounded size that still says what
// is wrong and where, and ends as the full message would.
func TestLintShortensHugeValues(t *testing.T) {
	huge := strings.Repeat("PutPublicAccessBlockX", 40000)
	data := strings.Replace(minimal, "action: PutPublicAccessBlock", "action: "+huge, 1)
	problems := labs.Lint("f.yaml", []byte(data))
	if len(problems) == 0 {
		t.Fatal("Lint found no problem with an unknown action")
	}
	for _, p := range problems {
		if len(p.Message) > 1024 {
			t.Errorf("%s:%d:%d: message of %d bytes, want at most 1024", p.File, p.Line,
				p.Column, len(p.Message))
		}
	}
	p := problems[0]
	if p.Line != 18 || !strings.Contains(p.Message, "has no operation") ||
		!strings.Contains(p.Message, "[...]") || !strings.HasSuffix(p.Message, `X"`) {
		t.Errorf("problem = %s, want the unknown action at line 18, shortened", p)
	}
}
