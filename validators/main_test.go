package validators_test

import (
	"os"
	"testing"
)

var tempDirs []string

func mkdirTemp() (string, error) {
	dir, err := os.MkdirTemp("", "validators-awsim-")
	if err == nil {
		tempDirs = append(tempDirs, dir)
	}
	return dir, err
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sim != nil {
		_ = sim.Close()
	}
	for _, d := range tempDirs {
		_ = os.RemoveAll(d)
	}
	os.Exit(code)
}
