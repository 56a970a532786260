package server

import (
	"context"
	"sort"

	"github.com/proctorlabs/proctor"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

// labServer implements proctor.v1.LabService over a lab catalog.
type labServer struct {
	pb.UnimplementedLabServiceServer
	catalog proctor.LabCatalog
}

// ListLabs returns one page of the catalog's labs, sorted by id. The page token holds the
// id of the last lab returned, so that a lab added between pages is neither skipped nor
// repeated when its id sorts after that position.
func (s *labServer) ListLabs(ctx context.Context, req *pb.ListLabsRequest) (
	*pb.ListLabsResponse, error) {
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	size := v.pageSize("page_size", req.GetPageSize())
	after := v.pageToken("page_token", req.GetPageToken(), "labs", "", caller)
	if err := v.err(); err != nil {
		return nil, err
	}

	labs := s.catalog.Labs()
	start := 0
	if after != "" {
		start = sort.Search(len(labs), func(i int) bool { return labs[i].ID > after })
	}
	end := min(start+size, len(labs))

	resp := &pb.ListLabsResponse{}
	for _, l := range labs[start:end] {
		resp.Labs = append(resp.Labs, labProto(l))
	}
	if end < len(labs) {
		resp.NextPageToken = encodePageToken("labs", "", caller, labs[end-1].ID)
	}
	return resp, nil
}

// GetLab returns one lab.
func (s *labServer) GetLab(ctx context.Context, req *pb.GetLabRequest) (
	*pb.GetLabResponse, error) {
	if _, err := callerFrom(ctx); err != nil {
		return nil, err
	}
	var v violations
	id := v.labName("name", req.GetName())
	if err := v.err(); err != nil {
		return nil, err
	}

	l, err := s.catalog.Lab(id)
	if err != nil {
		return nil, err
	}
	return &pb.GetLabResponse{Lab: labProto(l)}, nil
}
