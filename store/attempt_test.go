package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
)

func attempt(n int, sb *proctor.Sandbox) *proctor.Attempt {
	return &proctor.Attempt{
		Name:    fmt.Sprintf("%s/attempts/at-%03d", sb.Name, n),
		Sandbox: sb.Name,
		Owner:   sb.Owner,
		LabID:   sb.LabID,
		State:   proctor.AttemptGraded,
		Message: "1 check could not be graded",
		Results: []proctor.Result{
			{CheckID: "bpa", Title: "Block Public Access", Verdict: proctor.VerdictPass,
				Points: 25, MaxPoints: 25, Duration: 3 * time.Millisecond,
				Controls: []string{"S3.1", "CIS 2.1.4"}},
			{CheckID: "tls", Title: "TLS only", Verdict: proctor.VerdictFail,
				Message: "the policy allows HTTP", Hint: "add a Deny on aws:SecureTransport",
				Evidence: []proctor.Evidence{{Resource: "arn:aws:s3:::b",
					Observed: "Allow", Expected: "Deny"}},
				Points: 12.5, MaxPoints: 25, Duration: time.Millisecond},
			{CheckID: "kms", Verdict: proctor.VerdictError, Message: "access denied",
				MaxPoints: 25},
		},
		Score:        37.5,
		MaxScore:     50,
		Passed:       true,
		CreateTime:   base.Add(time.Duration(n) * time.Minute),
		CompleteTime: base.Add(time.Duration(n)*time.Minute + time.Second),
	}
}

func TestAttemptRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	sb := sandbox(1, "alice")
	if err := db.CreateSandbox(ctx, sb); err != nil {
		t.Fatalf("CreateSandbox: %v", err)
	}
	want := attempt(1, sb)
	want.RequestID = "req-1"
	if err := db.CreateAttempt(ctx, want); err != nil {
		t.Fatalf("CreateAttempt: %v", err)
	}
	got, err := db.Attempt(ctx, want.Name)
	if err != nil {
		t.Fatalf("Attempt: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Attempt (-want +got):\n%s", diff)
	}
	got, err = db.AttemptByRequestID(ctx, sb.Name, "req-1")
	if err != nil {
		t.Fatalf("AttemptByRequestID: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AttemptByRequestID (-want +got):\n%s", diff)
	}

	grading := *want
	grading.State = proctor.AttemptGrading
	grading.Results = nil
	grading.Score, grading.MaxScore, grading.Passed = 0, 0, false
	grading.CompleteTime = time.Time{}
	if err := db.UpdateAttempt(ctx, &grading); err != nil {
		t.Fatalf("UpdateAttempt: %v", err)
	}
	got, err = db.Attempt(ctx, want.Name)
	if err != nil {
		t.Fatalf("Attempt after update: %v", err)
	}
	if diff := cmp.Diff(&grading, got); diff != "" {
		t.Errorf("Attempt after update (-want +got):\n%s", diff)
	}
}

func TestAttemptErrors(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	sb := sandbox(1, "alice")
	if err := db.CreateSandbox(ctx, sb); err != nil {
		t.Fatalf("CreateSandbox: %v", err)
	}
	first := attempt(1, sb)
	first.RequestID = "req-1"
	if err := db.CreateAttempt(ctx, first); err != nil {
		t.Fatalf("CreateAttempt: %v", err)
	}
	sameRequest := attempt(2, sb)
	sameRequest.RequestID = "req-1"
	orphan := attempt(1, sandbox(7, "alice"))
	missing := attempt(9, sb)
	moved := attempt(1, sandbox(2, "alice"))
	moved.Name = first.Name

	tests := []struct {
		name string
		call func() error
		want proctor.ErrorCode
	}{
		{"duplicate name", func() error { return db.CreateAttempt(ctx, attempt(1, sb)) },
			proctor.EConflict},
		{"duplicate request id", func() error { return db.CreateAttempt(ctx, sameRequest) },
			proctor.EConflict},
		{"unknown sandbox", func() error { return db.CreateAttempt(ctx, orphan) },
			proctor.ENotFound},
		{"get missing", func() error { _, err := db.Attempt(ctx, missing.Name); return err },
			proctor.ENotFound},
		{"update missing", func() error { return db.UpdateAttempt(ctx, missing) },
			proctor.ENotFound},
		{"update into another sandbox", func() error { return db.UpdateAttempt(ctx, moved) },
			proctor.ENotFound},
		{"list without sandbox", func() error {
			_, _, err := db.Attempts(ctx, proctor.AttemptFilter{})
			return err
		}, proctor.EInvalid},
		{"request id on another sandbox", func() error {
			_, err := db.AttemptByRequestID(ctx, "sandboxes/other", "req-1")
			return err
		}, proctor.ENotFound},
		{"incomplete", func() error { return db.CreateAttempt(ctx, &proctor.Attempt{}) },
			proctor.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codeOf(tt.call()); got != tt.want {
				t.Errorf("error code = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAttemptPaginationAndState(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	sb, other := sandbox(1, "alice"), sandbox(2, "alice")
	for _, s := range []*proctor.Sandbox{sb, other} {
		if err := db.CreateSandbox(ctx, s); err != nil {
			t.Fatalf("CreateSandbox: %v", err)
		}
	}
	var want []string
	for i := 1; i <= 7; i++ {
		a := attempt(i, sb)
		if i == 2 || i == 5 {
			a.State = proctor.AttemptGrading
		}
		if err := db.CreateAttempt(ctx, a); err != nil {
			t.Fatalf("CreateAttempt: %v", err)
		}
		want = append([]string{a.Name}, want...) // newest first
	}
	if err := db.CreateAttempt(ctx, attempt(1, other)); err != nil {
		t.Fatalf("CreateAttempt: %v", err)
	}

	var got []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, next, err := db.Attempts(ctx, proctor.AttemptFilter{Sandbox: sb.Name,
			Page: proctor.Page{Size: 3, Token: token}})
		if err != nil {
			t.Fatalf("Attempts: %v", err)
		}
		for _, a := range page {
			got = append(got, a.Name)
		}
		if next == "" {
			break
		}
		token = next
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attempt names (-want +got):\n%s", diff)
	}

	grading, err := db.AttemptsInState(ctx, proctor.AttemptGrading, 10)
	if err != nil {
		t.Fatalf("AttemptsInState: %v", err)
	}
	var gradingNames []string
	for _, a := range grading {
		gradingNames = append(gradingNames, a.Name)
	}
	wantGrading := []string{attempt(2, sb).Name, attempt(5, sb).Name}
	if diff := cmp.Diff(wantGrading, gradingNames); diff != "" {
		t.Errorf("grading attempts (-want +got):\n%s", diff)
	}
}
