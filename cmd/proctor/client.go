package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"google.golang.org/genproto/googleapis/rpc/errdetails"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

// clients are the API's service clients over one connection.
type clients struct {
	conn     *grpc.ClientConn
	labs     pb.LabServiceClient
	sandbox  pb.SandboxServiceClient
	attempts pb.AttemptServiceClient
}

// dial connects to the server named by the global flags, sending the bearer token with every
// call. TLS is on when --server-ca names a CA bundle.
func (a *app) dial() (*clients, error) {
	if a.token == "" {
		return nil, errors.New("no token: pass --token or set PROCTOR_TOKEN " +
			"(an operator mints one with 'proctor token')")
	}
	creds := insecure.NewCredentials()
	if a.caFile != "" {
		pem, err := os.ReadFile(a.caFile)
		if err != nil {
			return nil, fmt.Errorf("--server-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--server-ca %s: no PEM certificate in it", a.caFile)
		}
		creds = credentials.NewTLS(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	}
	conn, err := grpc.NewClient(a.server,
		grpc.WithTransportCredentials(creds),
		grpc.WithPerRPCCredentials(bearer{token: a.token, secure: a.caFile != ""}))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", a.server, err)
	}
	return &clients{
		conn:     conn,
		labs:     pb.NewLabServiceClient(conn),
		sandbox:  pb.NewSandboxServiceClient(conn),
		attempts: pb.NewAttemptServiceClient(conn),
	}, nil
}

// bearer sends a token as the authorization metadata of every call.
type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

// RequireTransportSecurity is false so that a token may travel over plaintext loopback.
func (b bearer) RequireTransportSecurity() bool { return false }

// allPages calls fetch from the first page to the last and returns every item.
func allPages[T any](fetch func(token string) ([]T, string, error)) ([]T, error) {
	var all []T
	token := ""
	for {
		items, next, err := fetch(token)
		if err != nil {
			return nil, apiError(err)
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		token = next
	}
}

// printJSON writes m in protobuf's canonical JSON form, on one line.
func (a *app) printJSON(m proto.Message) error {
	b, err := protojson.MarshalOptions{}.Marshal(m)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.out, "%s\n", b)
	return err
}

// apiError turns a gRPC status into an error that says the code, the message and every field
// violation.
func apiError(err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	msg := fmt.Sprintf("%s: %s", codeName(st.Code()), st.Message())
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if strings.Contains(st.Message(), v.GetDescription()) {
					continue // the message already says it
				}
				msg += fmt.Sprintf("\n  %s: %s", v.GetField(), v.GetDescription())
			}
		}
	}
	if st.Code() == codes.Unavailable {
		msg += "\n  (is 'proctor serve' running at the --server address?)"
	}
	return errors.New(msg)
}

// codeName spells a gRPC code the canonical way, e.g. INVALID_ARGUMENT.
func codeName(c codes.Code) string {
	var b strings.Builder
	for i, r := range c.String() {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
