package labs

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"sync"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/labs/placeholder"
)

//go:embed catalog/*.yaml
var embedded embed.FS

// Collection is a set of parsed labs, by id. It implements [proctor.LabCatalog]. The labs it
// returns are shared: callers must not modify them.
type Collection struct {
	labs map[string]*proctor.Lab
}

var _ proctor.LabCatalog = (*Collection)(nil)

var (
	builtinOnce sync.Once
	builtin     *Collection
)

// Catalog returns the labs shipped in the binary (labs/catalog/*.yaml), parsed once. It
// panics if one of them does not parse, which the package's tests rule out.
func Catalog() *Collection {
	builtinOnce.Do(func() {
		c, err := Load(embedded, "catalog/*.yaml")
		if err != nil {
			panic(fmt.Sprintf("labs: the built-in catalog is broken: %v", err))
		}
		builtin = c
	})
	return builtin
}

// Load parses every file of fsys matching pattern (as fs.Glob matches) into a collection.
// It fails with every problem of every file, or when two files define the same lab id.
func Load(fsys fs.FS, pattern string) (*Collection, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, fmt.Errorf("labs: load %s: %w", pattern, err)
	}
	var errs []error
	var labs []*proctor.Lab
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("labs: read %s: %w", name, err))
			continue
		}
		l, err := Parse(path.Base(name), data)
		if err != nil {
			var ps Problems
			if errors.As(err, &ps) {
				err = ps
			}
			errs = append(errs, err)
			continue
		}
		labs = append(labs, l)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return NewCollection(labs...)
}

// NewCollection returns a collection of the given labs. It fails when two share an id.
func NewCollection(labs ...*proctor.Lab) (*Collection, error) {
	c := &Collection{labs: make(map[string]*proctor.Lab, len(labs))}
	for _, l := range labs {
		if _, dup := c.labs[l.ID]; dup {
			return nil, fmt.Errorf("labs: two labs have the id %s", l.ID)
		}
		c.labs[l.ID] = l
	}
	return c, nil
}

// Lab returns the lab with the given id, or an ENotFound error.
func (c *Collection) Lab(id string) (*proctor.Lab, error) {
	l, ok := c.labs[id]
	if !ok {
		return nil, proctor.Errorf(proctor.ENotFound, "lab %q not found", id).
			WithReason("LAB_NOT_FOUND")
	}
	return l, nil
}

// Labs returns every lab, sorted by id.
func (c *Collection) Labs() []*proctor.Lab {
	out := make([]*proctor.Lab, 0, len(c.labs))
	for _, l := range c.labs {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Instructions returns the lab's instructions with the sandbox's values filled in.
func Instructions(l *proctor.Lab, t proctor.Target) (string, error) {
	return placeholder.Fill(l.Instructions, placeholder.ForTarget(t))
}
