package labs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/proctorlabs/proctor/labs"
)

// FuzzParse feeds arbitrary bytes to the lab parser. Whatever the input, it must not
// panic, every problem must have a position, and Lint and Parse must agree.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"catalog/*.yaml", "testdata/lint/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(minimal))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("checks: [{params: {bucket: {{.X}}}}]\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		problems := labs.Lint("fuzz.yaml", data)
		for _, p := range problems {
			if p.Line < 1 || p.Column < 1 || p.Message == "" || p.File != "fuzz.yaml" {
				t.Fatalf("problem without a position or message: %+v", p)
			}
		}
		lab, err := labs.Parse("fuzz.yaml", data)
		if (len(problems) == 0) != (err == nil) {
			t.Fatalf("Lint found %d problems but Parse returned error %v", len(problems), err)
		}
		if err == nil && (lab == nil || lab.ID == "" || len(lab.Checks) == 0) {
			t.Fatalf("Parse accepted an incomplete lab: %+v", lab)
		}
	})
}
