// Command gen writes awsim's trimmed API models from botocore's service-2.json files.
//
// It reads the models of Debian's python3-botocore, keeps only the operations awsim serves and
// the shapes those operations reach, drops all documentation, keeps structure members in the
// model's order, and writes one compact JSON file per service together with botocore's
// license and NOTICE. Run it through `go generate ./awsim/...`.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor/awsim/models"
)

// served lists, per botocore service directory and API version, the operations awsim serves.
// Adding an operation to awsim starts here.
var served = []struct {
	service, version string
	operations       []string
}{
	{"sts", "2011-06-15", []string{"GetCallerIdentity"}},
	{"s3", "2006-03-01", []string{
		"CreateBucket", "ListBuckets", "HeadBucket", "DeleteBucket", "GetBucketLocation",
		"PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy", "GetBucketPolicyStatus",
		"PutPublicAccessBlock", "GetPublicAccessBlock", "DeletePublicAccessBlock",
		"PutBucketEncryption", "GetBucketEncryption", "DeleteBucketEncryption",
		"GetBucketAcl", "PutBucketAcl", "GetBucketOwnershipControls", "PutBucketOwnershipControls",
		"PutObject", "GetObject", "HeadObject", "DeleteObject", "ListObjectsV2", "ListObjects",
		"CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload",
	}},
	{"s3control", "2018-08-20", []string{
		"GetPublicAccessBlock", "PutPublicAccessBlock", "DeletePublicAccessBlock",
	}},
	{"iam", "2010-05-08", []string{
		"CreateRole", "GetRole", "ListRoles", "DeleteRole", "PutRolePolicy", "GetRolePolicy",
		"ListRolePolicies", "DeleteRolePolicy", "CreatePolicy", "GetPolicy", "GetPolicyVersion",
		"ListPolicies", "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies",
	}},
	{"kms", "2014-11-01", []string{
		"CreateKey", "DescribeKey", "ListKeys", "CreateAlias", "ListAliases",
		"GetKeyRotationStatus", "EnableKeyRotation", "DisableKeyRotation",
		"Encrypt", "Decrypt", "GenerateDataKey", "ScheduleKeyDeletion",
		"GetKeyPolicy", "PutKeyPolicy", "EnableKey", "DisableKey", "CancelKeyDeletion",
		"DeleteAlias", "UpdateAlias", "TagResource", "UntagResource", "ListResourceTags",
	}},
}

func main() {
	root := flag.String("botocore", "/usr/lib/python3/dist-packages/botocore",
		"directory of the botocore Python package")
	out := flag.String("out", "data", "directory to write the trimmed models to")
	flag.Parse()
	if err := run(*root, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(root, out string) error {
	version, err := botocoreVersion(root)
	if err != nil {
		return err
	}
	source := "botocore " + version
	if pkg := debianVersion("python3-botocore"); pkg != "" {
		source = "Debian python3-botocore " + pkg + " (" + source + ")"
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	for _, s := range served {
		rel := filepath.Join("data", s.service, s.version, "service-2.json")
		raw, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			return fmt.Errorf("read model: %w", err)
		}
		svc, err := trim(s.service, raw, s.operations)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		svc.Source = source + ", botocore/" + filepath.ToSlash(rel)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(svc); err != nil {
			return fmt.Errorf("encode %s: %w", s.service, err)
		}
		path := filepath.Join(out, s.service+".json")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", s.service, err)
		}
	}
	return copyLicense(out)
}

// copyLicense keeps botocore's license and NOTICE beside the models derived from it.
func copyLicense(out string) error {
	pairs := [][2]string{
		{"/usr/share/doc/python3-botocore/copyright", "COPYRIGHT.botocore"},
		{"/usr/share/doc/python3-botocore/NOTICE", "NOTICE.botocore"},
		{"/usr/share/common-licenses/Apache-2.0", "LICENSE.botocore"},
	}
	for _, p := range pairs {
		raw, err := os.ReadFile(p[0])
		if err != nil {
			return fmt.Errorf("read license file: %w", err)
		}
		if err := os.WriteFile(filepath.Join(out, p[1]), raw, 0o644); err != nil {
			return fmt.Errorf("write license file: %w", err)
		}
	}
	return nil
}

var versionRE = regexp.MustCompile(`(?m)^__version__ = '([^']+)'`)

func botocoreVersion(root string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "__init__.py"))
	if err != nil {
		return "", fmt.Errorf("read botocore version: %w", err)
	}
	m := versionRE.FindSubmatch(raw)
	if m == nil {
		return "", fmt.Errorf("no __version__ in %s", filepath.Join(root, "__init__.py"))
	}
	return string(m[1]), nil
}

// debianVersion returns the installed version of a Debian package, or "" when dpkg-query is
// missing or the package is not installed.
func debianVersion(pkg string) string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// rawModel is the part of botocore's service-2.json format the generator reads.
type rawModel struct {
	Metadata   models.Metadata            `json:"metadata"`
	Operations map[string]json.RawMessage `json:"operations"`
	Shapes     map[string]json.RawMessage `json:"shapes"`
}

type rawOperation struct {
	Name     string      `json:"name"`
	HTTP     models.HTTP `json:"http"`
	Input    *models.Ref `json:"input"`
	Output   *models.Ref `json:"output"`
	Errors   []models.Ref
	Endpoint *struct {
		HostPrefix string `json:"hostPrefix"`
	} `json:"endpoint"`
}

func trim(name string, raw []byte, ops []string) (*models.Service, error) {
	var m rawModel
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	svc := &models.Service{
		Name:       name,
		Metadata:   m.Metadata,
		Operations: map[string]*models.Operation{},
		Shapes:     map[string]*models.Shape{},
	}
	svc.Subresources = subresources(m)
	var pending []string
	for _, opName := range ops {
		rawOp, ok := m.Operations[opName]
		if !ok {
			return nil, fmt.Errorf("no operation %s", opName)
		}
		var ro rawOperation
		if err := json.Unmarshal(rawOp, &ro); err != nil {
			return nil, fmt.Errorf("operation %s: %w", opName, err)
		}
		op := &models.Operation{Name: ro.Name, HTTP: ro.HTTP, Input: ro.Input, Output: ro.Output}
		if ro.Endpoint != nil {
			op.HostPrefix = ro.Endpoint.HostPrefix
		}
		for _, e := range ro.Errors {
			op.Errors = append(op.Errors, e.Shape)
			pending = append(pending, e.Shape)
		}
		for _, r := range []*models.Ref{op.Input, op.Output} {
			if r != nil {
				pending = append(pending, r.Shape)
			}
		}
		svc.Operations[opName] = op
	}
	for len(pending) > 0 {
		shapeName := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		if _, done := svc.Shapes[shapeName]; done {
			continue
		}
		rawShape, ok := m.Shapes[shapeName]
		if !ok {
			return nil, fmt.Errorf("no shape %s", shapeName)
		}
		sh, refs, err := decodeShape(rawShape)
		if err != nil {
			return nil, fmt.Errorf("shape %s: %w", shapeName, err)
		}
		svc.Shapes[shapeName] = sh
		pending = append(pending, refs...)
	}
	return svc, nil
}

// subresources collects the static query keys of every operation's request URI.
func subresources(m rawModel) []string {
	seen := map[string]bool{}
	for _, raw := range m.Operations {
		var ro rawOperation
		if json.Unmarshal(raw, &ro) != nil {
			continue
		}
		_, query, found := strings.Cut(ro.HTTP.RequestURI, "?")
		if !found {
			continue
		}
		for _, kv := range strings.Split(query, "&") {
			if k, _, _ := strings.Cut(kv, "="); k != "" && k != "x-id" {
				seen[k] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// decodeShape decodes one shape, keeping its members in the order the model lists them, and
// returns the names of the shapes it refers to.
func decodeShape(raw json.RawMessage) (*models.Shape, []string, error) {
	var aux struct {
		models.Shape
		Members json.RawMessage `json:"members"`
	}
	if err := json.Unmarshal(raw, &aux); err != nil {
		return nil, nil, err
	}
	sh := aux.Shape
	if len(aux.Members) > 0 {
		members, err := orderedMembers(aux.Members)
		if err != nil {
			return nil, nil, err
		}
		sh.Members = members
	}
	sort.Strings(sh.Required)
	var refs []string
	for _, m := range sh.Members {
		refs = append(refs, m.Shape)
	}
	for _, r := range []*models.Ref{sh.Member, sh.Key, sh.Value} {
		if r != nil {
			refs = append(refs, r.Shape)
		}
	}
	return &sh, refs, nil
}

func orderedMembers(raw json.RawMessage) ([]models.Member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out []models.Member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		var ref models.Ref
		if err := dec.Decode(&ref); err != nil {
			return nil, fmt.Errorf("member %s: %w", name, err)
		}
		out = append(out, models.Member{Name: name, Ref: ref})
	}
	return out, nil
}
