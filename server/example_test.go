package server_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/auth"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
	"github.com/proctorlabs/proctor/server"
)

// A server over the domain's services, and a client that lists the labs with a learner's
// token. A real server gets its key from auth.LoadKey(dataDir).
func ExampleNew() {
	key, _ := auth.NewKey([]byte("an-example-secret-of-32-bytes-or-more"))
	srv := server.New(server.Options{
		Labs: &fakeCatalog{labs: []*proctor.Lab{
			{ID: "s3-data-protection", Title: "Protect S3 data", Pillar: proctor.PillarS3}}},
		Sandboxes: newFakeSandboxes(),
		Attempts:  &fakeAttempts{},
		Verifier:  key,
	})
	lis, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(lis)
	defer srv.GracefulStop()

	conn, _ := grpc.NewClient(lis.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	defer conn.Close()
	token, _ := key.Issue(proctor.Caller{Subject: "ada", Role: proctor.RoleLearner}, time.Hour)
	ctx := metadata.AppendToOutgoingContext(context.Background(),
		"authorization", "Bearer "+token)

	resp, err := pb.NewLabServiceClient(conn).ListLabs(ctx, &pb.ListLabsRequest{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range resp.GetLabs() {
		fmt.Println(l.GetName(), l.GetPillar(), l.GetTitle())
	}
	// Output: labs/s3-data-protection PILLAR_S3 Protect S3 data
}
