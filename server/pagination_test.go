package server_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	"github.com/proctorlabs/proctor"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func TestListLabsPages(t *testing.T) {
	e := newEnv(t)
	ctx := e.as(alice)

	var want []string
	for _, l := range e.catalog.labs {
		want = append(want, "labs/"+l.ID)
	}
	var got []string
	var sizes []int
	token := ""
	for range 10 {
		resp, err := e.labs.ListLabs(ctx, &pb.ListLabsRequest{PageSize: 2, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(resp.GetLabs()))
		for _, l := range resp.GetLabs() {
			got = append(got, l.GetName())
		}
		token = resp.GetNextPageToken()
		if token == "" {
			break
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("labs over all pages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2, 2, 1}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}

	all, err := e.labs.ListLabs(ctx, &pb.ListLabsRequest{PageSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	if all.GetNextPageToken() != "" {
		t.Errorf("a page that ends the listing has next_page_token %q", all.GetNextPageToken())
	}
}

func TestListSandboxesPages(t *testing.T) {
	e := newEnv(t)
	var want []string
	e.sandboxes.mu.Lock()
	for i := range 7 {
		name := fmt.Sprintf("sandboxes/sb-x%d", i)
		e.sandboxes.sandboxes[name] = &proctor.Sandbox{Name: name, Owner: "carol"}
		want = append(want, name)
	}
	e.sandboxes.mu.Unlock()
	carol := proctor.Caller{Subject: "carol", Role: proctor.RoleLearner}
	ctx := e.as(carol)

	var got []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the listing does not end")
		}
		resp, err := e.sbx.ListSandboxes(ctx, &pb.ListSandboxesRequest{PageSize: 3,
			PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range resp.GetSandboxes() {
			got = append(got, s.GetName())
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sandboxes over all pages (-want +got):\n%s", diff)
	}
}

func TestPageTokensAreBoundToTheirListing(t *testing.T) {
	e := newEnv(t)
	ctx := e.as(alice)
	labs, err := e.labs.ListLabs(ctx, &pb.ListLabsRequest{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	labsToken := labs.GetNextPageToken()
	if labsToken == "" {
		t.Fatal("no next_page_token after the first of five labs")
	}

	// Two attempts of alice's sandbox, so that a page of one has a next token.
	e.attempts.mu.Lock()
	e.attempts.attempts["sandboxes/sb-alice/attempts/a-2"] = &proctor.Attempt{
		Name: "sandboxes/sb-alice/attempts/a-2", Sandbox: "sandboxes/sb-alice", Owner: "alice"}
	e.attempts.mu.Unlock()
	atts, err := e.att.ListAttempts(ctx, &pb.ListAttemptsRequest{Parent: "sandboxes/sb-alice",
		PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	attToken := atts.GetNextPageToken()
	if attToken == "" {
		t.Fatal("no next_page_token after the first of two attempts")
	}
	next, err := e.att.ListAttempts(ctx, &pb.ListAttemptsRequest{Parent: "sandboxes/sb-alice",
		PageSize: 1, PageToken: attToken})
	if err != nil {
		t.Fatalf("the attempts token on its own listing: %v", err)
	}
	if got := next.GetAttempts(); len(got) != 1 ||
		got[0].GetName() != "sandboxes/sb-alice/attempts/a-2" {
		t.Errorf("second page of attempts = %v, want a-2", got)
	}

	tests := []struct {
		name string
		do   func() error
	}{
		{"labs token on sandboxes", func() error {
			_, err := e.sbx.ListSandboxes(ctx, &pb.ListSandboxesRequest{PageToken: labsToken})
			return err
		}},
		{"attempts token on another parent", func() error {
			_, err := e.att.ListAttempts(ctx, &pb.ListAttemptsRequest{
				Parent: "sandboxes/sb-bob", PageToken: attToken})
			return err
		}},
		{"labs token of another caller", func() error {
			_, err := e.labs.ListLabs(e.as(bob), &pb.ListLabsRequest{PageToken: labsToken})
			return err
		}},
		{"truncated token", func() error {
			_, err := e.labs.ListLabs(ctx, &pb.ListLabsRequest{
				PageToken: labsToken[:len(labsToken)/2]})
			return err
		}},
		{"not base64", func() error {
			_, err := e.labs.ListLabs(ctx, &pb.ListLabsRequest{PageToken: "!!!"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, fields := statusDetails(t, tt.do())
			if code != codes.InvalidArgument {
				t.Errorf("code = %v, want InvalidArgument", code)
			}
			if _, ok := fields["page_token"]; !ok || len(fields) != 1 {
				t.Errorf("violations = %v, want page_token alone", fields)
			}
		})
	}
}
