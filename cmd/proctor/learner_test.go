package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// debianAWS is the CLI a learner on Debian has: version 2.9, which honours --endpoint-url
// but not AWS_ENDPOINT_URL.
const debianAWS = "/usr/bin/aws"

// requireDebianAWS skips a test without Debian's aws CLI, unless the test script demands it.
func requireDebianAWS(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(debianAWS); err != nil {
		if os.Getenv("PROCTOR_REQUIRE_AWSCLI") == "1" {
			t.Fatalf("%s is missing and PROCTOR_REQUIRE_AWSCLI=1: install Debian's awscli", debianAWS)
		}
		t.Skipf("%s is missing (apt-get install awscli); scripts/test installs it", debianAWS)
	}
}

// proctorBinary builds the proctor command once for the tests of this package.
func proctorBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "proctor")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback HOST:PORT that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serverProcess is a `proctor serve` child process.
type serverProcess struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
}

func startServer(t *testing.T, bin, data string, addrs [3]string) *serverProcess {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "serve", "--data", data, "--grpc-addr", addrs[0],
		"--aws-addr", addrs[1], "--aws-tls-addr", addrs[2])
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd, addr: addrs[0], stderr: &stderr}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	conn, err := grpc.NewClient(addrs[0], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("proctor serve did not become healthy: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the server with SIGTERM and expects a clean exit.
func (p *serverProcess) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("proctor serve exited with %v after SIGTERM\n%s", err, p.stderr.String())
	}
}

// proctorCLI runs the proctor command as a client of the server with a token.
type proctorCLI struct {
	t      *testing.T
	bin    string
	server string
	token  string
}

func (c proctorCLI) run(args ...string) (string, error) {
	cmd := exec.Command(c.bin, append([]string{"--server", c.server, "--token", c.token},
		args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String() + stderr.String(), err
	}
	return stdout.String(), nil
}

func (c proctorCLI) must(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("proctor %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// lastJSON decodes the last line of out into v.
func lastJSON(t *testing.T, out string, v any) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), v); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, out)
	}
}

// attemptJSON is the part of the API's Attempt message these tests read.
type attemptJSON struct {
	Name     string  `json:"name"`
	State    string  `json:"state"`
	Score    float64 `json:"score"`
	MaxScore int     `json:"maxScore"`
	Passed   bool    `json:"passed"`
	Results  []struct {
		CheckID string `json:"checkId"`
		Verdict string `json:"verdict"`
		Message string `json:"message"`
	} `json:"results"`
}

// learnerShell runs a bash script the way a learner would: with the sandbox's env lines
// evaluated and Debian's aws first on PATH.
func learnerShell(t *testing.T, dir, envLines, script string) (string, error) {
	t.Helper()
	full := "set -euo pipefail\n" + envLines + "\n" + script
	cmd := exec.Command("bash", "-c", full)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "LANG=C.UTF-8"}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestLearnerPath is the learner story end to end, from outside: a `proctor serve` process,
// `eval "$(proctor sandbox env NAME)"`, the fix applied with /usr/bin/aws commands, and
// `proctor attempt submit` reporting PASS on every check. Along the way it checks that the
// solved bucket refuses plain HTTP, that a second learner can reach neither the first one's
// sandbox nor their bucket, and that everything survives a restart of the server.
func TestLearnerPath(t *testing.T) {
	requireDebianAWS(t)
	if testing.Short() {
		t.Skip("builds and runs the proctor binary")
	}
	bin := proctorBinary(t)
	data := t.TempDir()
	addrs := [3]string{freeAddr(t), freeAddr(t), freeAddr(t)}
	srv := startServer(t, bin, data, addrs)

	token := func(subject string) string {
		out, err := exec.Command(bin, "token", "--data", data, "--role", "learner",
			"--subject", subject).Output()
		if err != nil {
			t.Fatalf("proctor token: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	alice := proctorCLI{t: t, bin: bin, server: srv.addr, token: token("alice")}
	bob := proctorCLI{t: t, bin: bin, server: srv.addr, token: token("bob")}

	var sb struct {
		Name      string `json:"name"`
		State     string `json:"state"`
		AccountID string `json:"accountId"`
	}
	lastJSON(t, alice.must("sandbox", "create", "--lab", "s3-data-protection", "-o", "json"), &sb)
	if sb.State != "STATE_READY" || sb.Name == "" {
		t.Fatalf("sandbox create returned %+v, want a READY sandbox", sb)
	}

	if out := alice.must("sandbox", "instructions", sb.Name); !strings.Contains(out,
		"proctor-data-"+sb.AccountID) || strings.Contains(out, "{{") {
		t.Errorf("sandbox instructions do not name the sandbox's bucket:\n%s", out)
	}

	var extended struct {
		ExpireTime time.Time `json:"expireTime"`
	}
	var before struct {
		ExpireTime time.Time `json:"expireTime"`
	}
	lastJSON(t, alice.must("sandbox", "get", sb.Name, "-o", "json"), &before)
	lastJSON(t, alice.must("sandbox", "extend", sb.Name, "--by", "30m", "-o", "json"), &extended)
	if got := extended.ExpireTime.Sub(before.ExpireTime); got < 29*time.Minute {
		t.Errorf("sandbox extend --by 30m moved the expiry by %s", got)
	}

	var first attemptJSON
	lastJSON(t, alice.must("attempt", "submit", sb.Name, "-o", "json"), &first)
	if first.Passed || first.Score != 0 {
		t.Errorf("first attempt before any fix: score %v passed %v, want 0 and false",
			first.Score, first.Passed)
	}

	work := t.TempDir()
	env := alice.must("sandbox", "env", sb.Name)
	fix := fmt.Sprintf(`
acct=$(aws sts get-caller-identity --query Account --output text)
[ "$acct" = %[1]s ] || { echo "caller account $acct, want %[1]s"; exit 1; }
bucket=proctor-data-$acct
aws s3control put-public-access-block --account-id "$acct" \
  --public-access-block-configuration \
  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
cat > policy.json <<POLICY
{"Version": "2012-10-17", "Statement": [{"Sid": "TLSOnly", "Effect": "Deny",
 "Principal": "*", "Action": "s3:*",
 "Resource": ["arn:aws:s3:::$bucket", "arn:aws:s3:::$bucket/*"],
 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
POLICY
aws s3api put-bucket-policy --bucket "$bucket" --policy file://policy.json
key=$(aws kms create-key --description "reports bucket key" --query KeyMetadata.Arn --output text)
rule="{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"$key\"}"
aws s3api put-bucket-encryption --bucket "$bucket" --server-side-encryption-configuration \
  "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":$rule}]}"
aws s3control get-public-access-block --account-id "$acct" --output text
`, sb.AccountID)
	if out, err := learnerShell(t, work, env, fix); err != nil {
		t.Fatalf("the learner's fix failed: %v\n%s", err, out)
	}

	// Over HTTPS the learner reads the report; over plain HTTP the TLS-only policy denies it.
	httpEndpoint := "http://localhost:" + port(addrs[1])
	read := fmt.Sprintf(`
bucket=proctor-data-%s
aws s3api get-object --bucket "$bucket" --key reports/2026-q3.csv https.csv >/dev/null
echo "https: ok"
if command aws --endpoint-url %s s3api get-object --bucket "$bucket" \
     --key reports/2026-q3.csv http.csv 2>err.txt >/dev/null; then
  echo "http: allowed"
else
  grep -q AccessDenied err.txt && echo "http: denied"
fi
`, sb.AccountID, httpEndpoint)
	out, err := learnerShell(t, work, env, read)
	if err != nil || !strings.Contains(out, "https: ok") || !strings.Contains(out, "http: denied") {
		t.Errorf("GetObject on the solved bucket: want allowed over HTTPS and AccessDenied "+
			"over HTTP, got (%v):\n%s", err, out)
	}

	var second attemptJSON
	watched := alice.must("attempt", "submit", sb.Name, "--watch", "-o", "json")
	lastJSON(t, watched, &second)
	if !second.Passed || second.Score != float64(second.MaxScore) || len(second.Results) == 0 {
		t.Errorf("second attempt: score %v of %d, passed %v; want full score", second.Score,
			second.MaxScore, second.Passed)
	}
	for _, r := range second.Results {
		if r.Verdict != "VERDICT_PASS" {
			t.Errorf("check %s: %s (%s), want PASS", r.CheckID, r.Verdict, r.Message)
		}
	}
	if n := strings.Count(strings.TrimSpace(watched), "\n"); n < len(second.Results) {
		t.Errorf("--watch printed %d lines before the attempt, want one per check (%d)",
			n, len(second.Results))
	}

	t.Run("another learner is kept out", func(t *testing.T) {
		for _, args := range [][]string{
			{"sandbox", "get", sb.Name},
			{"sandbox", "env", sb.Name},
			{"attempt", "submit", sb.Name},
			{"attempt", "list", sb.Name},
			{"attempt", "get", second.Name},
			{"sandbox", "delete", sb.Name},
		} {
			out, err := bob.run(args...)
			if err == nil || !(strings.Contains(out, "NOT_FOUND") ||
				strings.Contains(out, "PERMISSION_DENIED")) {
				t.Errorf("bob: proctor %s: %v, want NOT_FOUND or PERMISSION_DENIED\n%s",
					strings.Join(args, " "), err, out)
			}
		}
		if out := bob.must("sandbox", "list"); strings.Contains(out, sb.Name) {
			t.Errorf("bob's sandbox list shows alice's sandbox:\n%s", out)
		}

		// --output name prints the sandbox's name alone, and its id alone names it too.
		bobs := strings.TrimSpace(bob.must("sandbox", "create", "--lab", "s3-data-protection",
			"--output", "name"))
		if !strings.HasPrefix(bobs, "sandboxes/") || strings.ContainsAny(bobs, " \n") {
			t.Fatalf("sandbox create --output name printed %q, want one sandbox name", bobs)
		}
		bobEnv := bob.must("sandbox", "env", strings.TrimPrefix(bobs, "sandboxes/"))
		probe := fmt.Sprintf(`
for op in "get-bucket-policy --bucket proctor-data-%[1]s" \
          "delete-bucket-policy --bucket proctor-data-%[1]s" \
          "list-objects-v2 --bucket proctor-data-%[1]s" \
          "get-object --bucket proctor-data-%[1]s --key reports/2026-q3.csv out.csv"; do
  if aws s3api $op >/dev/null 2>err.txt; then echo "allowed: $op"; else
    grep -q AccessDenied err.txt || { echo "unexpected error for $op:"; cat err.txt; }
  fi
done
`, sb.AccountID)
		out, err := learnerShell(t, work, bobEnv, probe)
		if err != nil || strings.TrimSpace(out) != "" {
			t.Errorf("bob's keys on alice's bucket: want AccessDenied for every call, got "+
				"(%v):\n%s", err, out)
		}
	})

	// Sandboxes, attempts and results survive a restart.
	srv.stop(t)
	srv = startServer(t, bin, data, addrs)
	var again attemptJSON
	lastJSON(t, alice.must("attempt", "get", second.Name, "-o", "json"), &again)
	if again.Score != second.Score || len(again.Results) != len(second.Results) {
		t.Errorf("after a restart the attempt reads %+v, want %+v", again, second)
	}
	if out, err := learnerShell(t, work, env, "aws s3api head-bucket --bucket proctor-data-"+
		sb.AccountID); err != nil {
		t.Errorf("after a restart the sandbox's bucket is gone: %v\n%s", err, out)
	}
	srv.stop(t)
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}
