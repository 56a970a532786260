package proto_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// repoRoot returns the repository's root, the parent of this package's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatalf("repository root: %v", err)
	}
	return root
}

// tools returns the path of buf in .bin/, after making sure that it and the protoc plugins
// are there. When they are missing, the test is skipped unless PROCTOR_REQUIRE_TOOLS or CI
// is set, in which case the tools are installed with scripts/gen-proto.sh --install-only.
func tools(t *testing.T, root string) string {
	t.Helper()
	names := []string{"buf", "protoc-gen-go", "protoc-gen-go-grpc"}
	missing := ""
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(root, ".bin", name)); err != nil {
			missing = name
			break
		}
	}
	if missing != "" {
		if os.Getenv("PROCTOR_REQUIRE_TOOLS") == "" && os.Getenv("CI") == "" {
			t.Skipf("%s is not in .bin/; run scripts/gen-proto.sh --install-only "+
				"(set PROCTOR_REQUIRE_TOOLS=1 to make this a failure)", missing)
		}
		cmd := exec.Command(filepath.Join(root, "scripts", "gen-proto.sh"), "--install-only")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("scripts/gen-proto.sh --install-only: %v\n%s", err, out)
		}
	}
	return filepath.Join(root, ".bin", "buf")
}

// run runs a command in dir and fails the test, with its output, if it fails.
func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(name), args, err, out.String())
	}
}

// readTree returns the contents of every file under dir, by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	return files
}

// TestGeneratedCodeIsCurrent regenerates the Go code into a temporary directory and fails
// when it differs, byte for byte or by the set of files, from the code committed in gen/.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	root := repoRoot(t)
	buf := tools(t, root)
	out := t.TempDir()

	run(t, root, buf, "generate", "--template", "buf.gen.yaml", "-o", out)

	want := readTree(t, filepath.Join(out, "gen"))
	got := readTree(t, filepath.Join(root, "gen"))
	if len(want) == 0 {
		t.Fatal("buf generate produced no files")
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("gen/%s is missing; run scripts/gen-proto.sh", name)
		}
	}
	for name, body := range got {
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("gen/%s is not generated from proto/; delete it or run "+
				"scripts/gen-proto.sh", name)
		case w != body:
			t.Errorf("gen/%s differs from what proto/ generates; run scripts/gen-proto.sh "+
				"(-committed +generated):\n%s", name, cmp.Diff(body, w))
		}
	}
}

// TestLint runs buf lint with the STANDARD rules of buf.yaml.
func TestLint(t *testing.T) {
	root := repoRoot(t)
	buf := tools(t, root)
	run(t, root, buf, "lint")
}
