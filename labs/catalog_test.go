package labs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/labs"
)

// TestCatalogLintsClean lints every file of the catalog directory from disk, so that a
// problem names its file, line and column.
func TestCatalogLintsClean(t *testing.T) {
	files, err := filepath.Glob("catalog/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalog files: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range labs.Lint(f, data) {
			t.Errorf("%s", p)
		}
	}
}

func TestCatalog(t *testing.T) {
	c := labs.Catalog()
	l, err := c.Lab("s3-data-protection")
	if err != nil {
		t.Fatal(err)
	}
	if l.Pillar != proctor.PillarS3 || len(l.Checks) != 4 || l.MaxPoints() != 100 {
		t.Errorf("s3-data-protection: pillar %s, %d checks, %d points", l.Pillar,
			len(l.Checks), l.MaxPoints())
	}
	// The bucket variable is inlined: only the sandbox's placeholders remain.
	if got := l.Checks[1].Params["bucket"]; got != "proctor-data-{{.AccountID}}" {
		t.Errorf("bucket-tls-only bucket = %v, want the inlined variable", got)
	}
	if strings.Contains(l.Instructions, "{{.BucketName}}") {
		t.Error("instructions still hold {{.BucketName}}")
	}
	if _, err := c.Lab("nope"); proctor.ErrorCodeOf(err) != proctor.ENotFound {
		t.Errorf("Lab(nope) error = %v, want ENotFound", err)
	}
	got := c.Labs()
	for i := 1; i < len(got); i++ {
		if got[i-1].ID >= got[i].ID {
			t.Errorf("Labs not sorted by id: %s before %s", got[i-1].ID, got[i].ID)
		}
	}
}

func TestLoadReportsEveryFile(t *testing.T) {
	fsys := fs.FS(os.DirFS(t.TempDir()))
	c, err := labs.Load(fsys, "*.yaml")
	if err != nil || len(c.Labs()) != 0 {
		t.Errorf("Load of an empty directory = %v, %v; want no labs, no error", c, err)
	}
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func TestInstructionsAreFilledPerSandbox(t *testing.T) {
	lab, err := labs.Catalog().Lab("s3-data-protection")
	if err != nil {
		t.Fatal(err)
	}
	got, err := labs.Instructions(lab, proctor.Target{AccountID: "210987654321",
		Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"`proctor-data-210987654321`", "account `210987654321`",
		"region `us-east-1`"} {
		if !strings.Contains(got, want) {
			t.Errorf("instructions do not hold %q", want)
		}
	}
	if strings.Contains(got, "{{") {
		t.Error("instructions still hold a placeholder")
	}
}
