package awsim_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/proctorlabs/proctor/awsim"
)

// debianCLI is Debian's aws 2.9, the CLI learners use. The aws first on PATH may be another
// CLI that honours settings 2.9 ignores, so the tests call this path explicitly.
const debianCLI = "/usr/bin/aws"

// awsCLI runs Debian's aws CLI against a server as one principal. It skips the test when the
// CLI is missing, unless PROCTOR_REQUIRE_AWSCLI=1 demands it.
type awsCLI struct {
	t     *testing.T
	srv   *awsim.Server
	creds awsim.Credentials
	dir   string
}

func newCLI(t *testing.T, srv *awsim.Server, creds awsim.Credentials) *awsCLI {
	t.Helper()
	if _, err := os.Stat(debianCLI); err != nil {
		if os.Getenv("PROCTOR_REQUIRE_AWSCLI") == "1" {
			t.Fatalf("%s is required (PROCTOR_REQUIRE_AWSCLI=1) but missing: %v; "+
				"install it with apt-get install awscli", debianCLI, err)
		}
		t.Skipf("%s is missing (apt-get install awscli); set PROCTOR_REQUIRE_AWSCLI=1 to "+
			"make this a failure", debianCLI)
	}
	return &awsCLI{t: t, srv: srv, creds: creds, dir: t.TempDir()}
}

// run calls the CLI with --endpoint-url first, as the learner's shell function does, and
// returns stdout, stderr and whether it succeeded.
func (c *awsCLI) run(endpoint string, args ...string) (string, string, bool) {
	c.t.Helper()
	cmd := exec.Command(debianCLI, append([]string{"--endpoint-url", endpoint,
		"--output", "json"}, args...)...)
	cmd.Dir = c.dir
	cmd.Env = []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + c.dir,
		"AWS_CONFIG_FILE=" + filepath.Join(c.dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(c.dir, "credentials"),
		"AWS_ACCESS_KEY_ID=" + c.creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + c.creds.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + c.creds.SessionToken,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CA_BUNDLE=" + c.srv.CAFile(),
		"AWS_PAGER=",
		"AWS_MAX_ATTEMPTS=1",
		"HTTPS_PROXY=" + c.srv.ProxyURL(),
		"HTTP_PROXY=" + c.srv.ProxyURL(),
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	c.t.Logf("aws %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return out.String(), errb.String(), err == nil
}

// ok runs a command that must succeed and decodes its JSON output into v (when not nil).
func (c *awsCLI) ok(endpoint string, v any, args ...string) {
	c.t.Helper()
	out, errOut, ok := c.run(endpoint, args...)
	if !ok {
		c.t.Fatalf("aws %s failed: %s", strings.Join(args, " "), errOut)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(out), v); err != nil {
			c.t.Fatalf("aws %s printed %q, not JSON: %v", strings.Join(args, " "), out, err)
		}
	}
}

// fails runs a command that must fail with the AWS error code want.
func (c *awsCLI) fails(endpoint, want string, args ...string) {
	c.t.Helper()
	_, errOut, ok := c.run(endpoint, args...)
	if ok || !strings.Contains(errOut, "("+want+")") {
		c.t.Errorf("aws %s: succeeded=%v stderr=%q, want error %s", strings.Join(args, " "),
			ok, errOut, want)
	}
}

func (c *awsCLI) file(name, content string) string {
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

func TestDebianCLI(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	cli := newCLI(t, srv, acct.Learner)
	https, http := srv.HTTPSEndpoint(), srv.HTTPEndpoint()

	var id struct{ Account, Arn string }
	cli.ok(https, &id, "sts", "get-caller-identity")
	if id.Account != acct.ID || !strings.Contains(id.Arn, ":assumed-role/ProctorLearner/") {
		t.Errorf("get-caller-identity = %+v, want account %s as ProctorLearner", id, acct.ID)
	}

	bucket := "cli-" + acct.ID
	cli.ok(https, nil, "s3api", "create-bucket", "--bucket", bucket)
	cli.fails(https, "BucketAlreadyOwnedByYou", "s3api", "create-bucket", "--bucket", bucket)
	cli.ok(https, nil, "s3api", "head-bucket", "--bucket", bucket)
	var loc struct{ LocationConstraint *string }
	cli.ok(https, &loc, "s3api", "get-bucket-location", "--bucket", bucket)
	if loc.LocationConstraint != nil {
		t.Errorf("get-bucket-location = %q, want null for us-east-1", *loc.LocationConstraint)
	}
	cli.fails(https, "NotImplemented", "s3api", "get-bucket-cors", "--bucket", bucket)
	var acl struct {
		Grants []struct {
			Grantee    struct{ Type, ID string }
			Permission string
		}
	}
	cli.ok(https, &acl, "s3api", "get-bucket-acl", "--bucket", bucket)
	if len(acl.Grants) != 1 || acl.Grants[0].Grantee.Type != "CanonicalUser" ||
		acl.Grants[0].Permission != "FULL_CONTROL" {
		t.Errorf("get-bucket-acl = %+v, want the owner's FULL_CONTROL", acl.Grants)
	}
	cli.fails(https, "AccessControlListNotSupported", "s3api", "put-bucket-acl", "--bucket",
		bucket, "--acl", "public-read")
	cli.ok(https, nil, "s3api", "put-object", "--bucket", bucket, "--key", "docs/report.txt",
		"--body", cli.file("report.txt", "quarterly numbers"))
	cli.ok(https, nil, "s3api", "get-object", "--bucket", bucket, "--key", "docs/report.txt",
		filepath.Join(cli.dir, "out.txt"))
	got, _ := os.ReadFile(filepath.Join(cli.dir, "out.txt"))
	if string(got) != "quarterly numbers" {
		t.Errorf("get-object wrote %q, want %q", got, "quarterly numbers")
	}
	out, errOut, ok := cli.run(https, "s3", "ls", "s3://"+bucket+"/docs/")
	if !ok || !strings.Contains(out, "report.txt") {
		t.Errorf("s3 ls = %q %q, want report.txt listed", out, errOut)
	}
	cli.ok(https, nil, "s3", "cp", cli.file("notes.txt", "copied"), "s3://"+bucket+"/notes.txt")
	cli.ok(https, nil, "s3", "cp", "s3://"+bucket+"/notes.txt", filepath.Join(cli.dir, "back.txt"))
	if got, _ := os.ReadFile(filepath.Join(cli.dir, "back.txt")); string(got) != "copied" {
		t.Errorf("s3 cp round trip = %q, want %q", got, "copied")
	}
	cli.ok(https, nil, "s3", "rm", "s3://"+bucket+"/notes.txt")
	// Above 8 MiB the CLI uploads in parts and downloads with ranged GETs.
	big := strings.Repeat("0123456789abcdef", 9<<16)
	cli.ok(https, nil, "s3", "cp", cli.file("big.bin", big), "s3://"+bucket+"/big.bin")
	cli.ok(https, nil, "s3", "cp", "s3://"+bucket+"/big.bin", filepath.Join(cli.dir, "big.out"))
	if got, _ := os.ReadFile(filepath.Join(cli.dir, "big.out")); string(got) != big {
		t.Errorf("s3 cp of a 9 MiB file came back as %d bytes that differ", len(got))
	}
	cli.ok(https, nil, "s3", "rm", "s3://"+bucket+"/big.bin")
	var list struct{ Contents []struct{ Key string } }
	cli.ok(https, &list, "s3api", "list-objects-v2", "--bucket", bucket)
	if len(list.Contents) != 1 || list.Contents[0].Key != "docs/report.txt" {
		t.Errorf("list-objects-v2 = %+v, want docs/report.txt", list.Contents)
	}

	var pab struct {
		PublicAccessBlockConfiguration map[string]bool
	}
	cli.ok(https, &pab, "s3api", "get-public-access-block", "--bucket", bucket)
	if !pab.PublicAccessBlockConfiguration["BlockPublicPolicy"] {
		t.Errorf("get-public-access-block = %v, want BlockPublicPolicy on a new bucket", pab)
	}
	cli.ok(https, nil, "s3api", "delete-public-access-block", "--bucket", bucket)
	cli.fails(https, "NoSuchPublicAccessBlockConfiguration", "s3api",
		"get-public-access-block", "--bucket", bucket)
	cli.ok(https, nil, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
		"file://"+cli.file("public.json", publicReadPolicy(bucket)))
	var status struct{ PolicyStatus struct{ IsPublic bool } }
	cli.ok(https, &status, "s3api", "get-bucket-policy-status", "--bucket", bucket)
	if !status.PolicyStatus.IsPublic {
		t.Errorf("get-bucket-policy-status of a public-read policy: IsPublic false")
	}
	cli.fails(https, "MalformedPolicy", "s3api", "put-bucket-policy", "--bucket", bucket,
		"--policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"`)

	tlsOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
		`"Action":"s3:*","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket +
		`/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	cli.ok(https, nil, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", tlsOnly)
	var gp struct{ Policy string }
	cli.ok(https, &gp, "s3api", "get-bucket-policy", "--bucket", bucket)
	if gp.Policy != tlsOnly {
		t.Errorf("get-bucket-policy = %s, want the TLS-only policy", gp.Policy)
	}
	cli.fails(http, "AccessDenied", "s3api", "get-object", "--bucket", bucket, "--key",
		"docs/report.txt", filepath.Join(cli.dir, "denied.txt"))

	var key struct{ KeyMetadata struct{ KeyId, Arn string } }
	cli.ok(https, &key, "kms", "create-key", "--description", "bucket key")
	cli.ok(https, nil, "kms", "create-alias", "--alias-name", "alias/bucket-key",
		"--target-key-id", key.KeyMetadata.KeyId)
	var aliases struct {
		Aliases []struct{ AliasName, TargetKeyId string }
	}
	cli.ok(https, &aliases, "kms", "list-aliases")
	if len(aliases.Aliases) != 1 || aliases.Aliases[0].TargetKeyId != key.KeyMetadata.KeyId {
		t.Errorf("list-aliases = %+v, want alias/bucket-key for %s", aliases.Aliases,
			key.KeyMetadata.KeyId)
	}
	cli.ok(https, nil, "kms", "enable-key-rotation", "--key-id", "alias/bucket-key")
	var rot struct{ KeyRotationEnabled bool }
	cli.ok(https, &rot, "kms", "get-key-rotation-status", "--key-id", key.KeyMetadata.KeyId)
	if !rot.KeyRotationEnabled {
		t.Errorf("get-key-rotation-status after enable-key-rotation: false")
	}
	cli.fails(https, "NotFoundException", "kms", "describe-key", "--key-id", "alias/missing")

	cli.ok(https, nil, "s3api", "put-bucket-encryption", "--bucket", bucket,
		"--server-side-encryption-configuration",
		`{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms",`+
			`"KMSMasterKeyID":"`+key.KeyMetadata.Arn+`"},"BucketKeyEnabled":true}]}`)
	var enc struct {
		ServerSideEncryptionConfiguration struct {
			Rules []struct {
				ApplyServerSideEncryptionByDefault struct{ SSEAlgorithm, KMSMasterKeyID string }
			}
		}
	}
	cli.ok(https, &enc, "s3api", "get-bucket-encryption", "--bucket", bucket)
	if r := enc.ServerSideEncryptionConfiguration.Rules; len(r) != 1 ||
		r[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID != key.KeyMetadata.Arn {
		t.Errorf("get-bucket-encryption = %+v, want aws:kms with %s", r, key.KeyMetadata.Arn)
	}

	cli.ok(https, nil, "s3api", "delete-object", "--bucket", bucket, "--key", "docs/report.txt")
	cli.fails(https, "NoSuchKey", "s3api", "get-object", "--bucket", bucket, "--key",
		"docs/report.txt", filepath.Join(cli.dir, "gone.txt"))
	cli.ok(https, nil, "s3api", "delete-bucket", "--bucket", bucket)
	cli.fails(https, "NoSuchBucket", "s3api", "get-bucket-policy", "--bucket", bucket)
}

func TestDebianCLISignatureFailure(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	bad := acct.Learner
	bad.SecretAccessKey = corrupt(bad.SecretAccessKey)
	cli := newCLI(t, srv, bad)
	cli.fails(srv.HTTPSEndpoint(), "SignatureDoesNotMatch", "sts", "get-caller-identity")
	cli.fails(srv.HTTPSEndpoint(), "SignatureDoesNotMatch", "s3api", "list-buckets")
	cli.fails(srv.HTTPSEndpoint(), "InvalidSignatureException", "kms", "list-keys")
}

// TestDebianCLIS3Control: the CLI puts ACCOUNT.localhost in front of the endpoint's host;
// HTTPS_PROXY pointing at awsim's HTTP listener tunnels it to the HTTPS listener.
func TestDebianCLIS3Control(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	cli := newCLI(t, srv, acct.Learner)
	https := srv.HTTPSEndpoint()
	cli.fails(https, "NoSuchPublicAccessBlockConfiguration", "s3control",
		"get-public-access-block", "--account-id", acct.ID)
	cli.ok(https, nil, "s3control", "put-public-access-block", "--account-id", acct.ID,
		"--public-access-block-configuration", "BlockPublicAcls=true,IgnorePublicAcls=true,"+
			"BlockPublicPolicy=true,RestrictPublicBuckets=true")
	var acctPAB struct {
		PublicAccessBlockConfiguration map[string]bool
	}
	// Over plain HTTP the CLI sends an absolute-form request to HTTP_PROXY instead.
	cli.ok(srv.HTTPEndpoint(), &acctPAB, "s3control", "get-public-access-block",
		"--account-id", acct.ID)
	for _, k := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
		"RestrictPublicBuckets"} {
		if !acctPAB.PublicAccessBlockConfiguration[k] {
			t.Errorf("s3control get-public-access-block: %s not set in %v", k, acctPAB)
		}
	}
	other := newAccount(t, srv)
	cli.fails(https, "AccessDenied", "s3control", "get-public-access-block", "--account-id",
		other.ID)

}
