package iampolicy

import (
	"fmt"
	"sort"
	"strings"
)

// AllowedAction is one action a principal may perform, with the statements that allow it.
type AllowedAction struct {
	Action   string         // the full action name, such as "s3:GetObject"
	Deciding []StatementRef // the Allow statements that grant it
}

// AllowedActions answers "which actions may this principal perform on this resource": it
// evaluates every catalog action that acts on req.Resource (see [Catalog.ActionsOn]) with
// req's principal and context, and returns those allowed, sorted by name. req.Action is
// ignored. When the catalog knows no resource type for the resource, every catalog action
// is evaluated.
func (c *Catalog) AllowedActions(in Input, req Request) []AllowedAction {
	actions := c.ActionsOn(req.Resource)
	if len(actions) == 0 {
		actions = c.actions
	}
	return c.AllowedActionsAmong(in, req, actions)
}

// AllowedActionsAmong is [Catalog.AllowedActions] over a given set of actions, such as
// [Catalog.Actions] for the whole catalog.
func (c *Catalog) AllowedActionsAmong(in Input, req Request, actions []*Action) []AllowedAction {
	var out []AllowedAction
	ev := newEvaluator(in)
	for _, a := range actions {
		req.Action = a.full
		if r := ev.evaluate(req); r.Decision == Allowed {
			out = append(out, AllowedAction{Action: a.full, Deciding: r.Deciding})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Action < out[j].Action })
	return out
}

// Grant is an action pattern on a resource pattern, such as s3:GetObject on
// arn:aws:s3:::bucket/*. Both take the wildcards of a policy.
type Grant struct {
	Action   string // an action pattern, such as "s3:Get*"
	Resource string // a resource ARN pattern, such as "arn:aws:s3:::bucket/*"
}

// Comparison says how the permissions a set of policies gives relate to a required set.
type Comparison int

// The outcomes of [Catalog.Compare].
const (
	// Equal: the policies allow exactly the required actions on the required resources.
	Equal Comparison = iota
	// Broader: the policies allow everything required and more.
	Broader
	// Narrower: the policies allow only part of what is required, and nothing else.
	Narrower
	// Different: the policies miss part of what is required and allow something else.
	Different
)

// String returns "EQUAL", "BROADER", "NARROWER" or "DIFFERENT".
func (c Comparison) String() string {
	names := [...]string{"EQUAL", "BROADER", "NARROWER", "DIFFERENT"}
	if c < 0 || int(c) >= len(names) {
		return fmt.Sprintf("Comparison(%d)", int(c))
	}
	return names[c]
}

// Probe is one concrete action on one concrete resource that [Catalog.Compare] tried, with
// the result of evaluating it.
type Probe struct {
	Action   string // a catalog action (or an action the grants or statements name)
	Resource string // a concrete resource ARN, or "*"
	Result   Result // the evaluation of the action on the resource
}

// CompareResult is the answer of [Catalog.Compare].
type CompareResult struct {
	Comparison Comparison // Equal, Broader, Narrower or Different
	// Extra lists the probes the policies allow although nothing required covers them,
	// with the statements that allow them; Missing lists the required probes the
	// policies do not allow, with the deny statements or the missing policies.
	Extra, Missing []Probe
	// ExtraActions and MissingActions are the distinct actions of Extra and Missing,
	// sorted.
	ExtraActions, MissingActions []string
}

// Compare answers "is this policy set equal to, broader than or narrower than the required
// set of actions on resources". Resources are infinite, so it tries concrete probes:
//
//   - each required resource pattern and each resource pattern of an Allow statement,
//     with its wildcards filled in several ways (so that arn:aws:s3:::bucket* yields
//     objects of a bucket named bucketproctor-probe);
//   - one resource of every resource type of the catalog, built from its ARN pattern, and
//     "*" for actions that take no resource;
//
// each paired with the catalog actions that act on it (and with the actions the required
// set and the statements name, when the catalog does not know the resource's type). A
// probe is required when a grant covers its action and its resource; it is allowed when
// [Evaluate] allows it with req's principal and context (req's action and resource are
// ignored). Probes in the resource account in.ResourceAccount, or the principal's.
func (c *Catalog) Compare(in Input, req Request, required []Grant) CompareResult {
	ctx := &evalContext{req: &req}
	account := in.ResourceAccount
	if account == "" {
		account = req.Principal.Account
	}
	if account == "" {
		account = "123456789012"
	}

	u := newUniverse(c)
	named := c.namedActions(in, required)
	for _, g := range required {
		p := compilePattern(g.Resource, true)
		u.addPattern(p, ctx, named)
	}
	for _, pol := range allowPolicies(in) {
		for i := range pol.Statements {
			st := &pol.Statements[i]
			if st.Effect != Allow || st.NotResource {
				continue
			}
			for j := range st.resources {
				u.addPattern(st.resources[j], ctx, named)
			}
		}
	}
	u.addGeneric(account)

	var res CompareResult
	ev := newEvaluator(in)
	grants := make([]compiledGrant, len(required))
	for i, g := range required {
		grants[i] = compiledGrant{action: compileAction(g.Action),
			resource: compilePattern(g.Resource, true)}
	}
	extraSet, missingSet := map[string]bool{}, map[string]bool{}
	for _, pr := range u.probes {
		req.Action, req.Resource = pr.action, pr.resource
		ctx.req = &req
		want := coveredBy(grants, pr.action, pr.resource, ctx)
		r := ev.evaluate(req)
		got := r.Decision == Allowed
		switch {
		case got && !want:
			res.Extra = append(res.Extra, Probe{pr.action, pr.resource, r})
			extraSet[pr.action] = true
		case want && !got:
			res.Missing = append(res.Missing, Probe{pr.action, pr.resource, r})
			missingSet[pr.action] = true
		}
	}
	res.ExtraActions, res.MissingActions = sortedKeys(extraSet), sortedKeys(missingSet)
	switch {
	case len(res.Extra) > 0 && len(res.Missing) > 0:
		res.Comparison = Different
	case len(res.Extra) > 0:
		res.Comparison = Broader
	case len(res.Missing) > 0:
		res.Comparison = Narrower
	}
	return res
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// compiledGrant is a Grant with its patterns prepared for matching.
type compiledGrant struct {
	action   actionPattern
	resource pattern
}

// coveredBy reports whether a grant covers the action on the resource.
func coveredBy(grants []compiledGrant, action, resource string, ctx *evalContext) bool {
	svc, name, ok := strings.Cut(action, ":")
	for i := range grants {
		if !grants[i].action.matches(svc, name, ok) {
			continue
		}
		if r, ok := grants[i].resource.resolve(ctx); ok && matchARN(r, resource) {
			return true
		}
	}
	return false
}

// allowPolicies returns the policies whose Allow statements grant (not those that only
// filter).
func allowPolicies(in Input) []*Policy {
	out := append([]*Policy(nil), in.Identity...)
	if in.Resource != nil {
		out = append(out, in.Resource)
	}
	var kept []*Policy
	for _, p := range out {
		if p != nil {
			kept = append(kept, p)
		}
	}
	return kept
}

// namedActions returns the catalog actions the required grants and the Allow statements
// name (expanded), plus unknown action names as written.
func (c *Catalog) namedActions(in Input, required []Grant) []string {
	seen := map[string]bool{}
	add := func(pat string) {
		if pat == "*" || strings.HasPrefix(pat, "*") {
			return // every action: the generic probes cover them
		}
		exp := c.ExpandAction(pat)
		if len(exp) == 0 && !hasWildcard(pat) {
			exp = []string{pat}
		}
		for _, a := range exp {
			seen[a] = true
		}
	}
	for _, g := range required {
		add(g.Action)
	}
	for _, pol := range allowPolicies(in) {
		for _, st := range pol.Statements {
			if st.Effect == Allow && !st.NotAction {
				for _, a := range st.Actions {
					add(a)
				}
			}
		}
	}
	return sortedKeys(seen)
}

type probe struct{ action, resource string }

// universe collects distinct probes.
type universe struct {
	cat    *Catalog
	seen   map[probe]bool
	probes []probe
}

func newUniverse(c *Catalog) *universe {
	return &universe{cat: c, seen: map[probe]bool{}}
}

func (u *universe) add(action, resource string) {
	p := probe{action, resource}
	if !u.seen[p] {
		u.seen[p] = true
		u.probes = append(u.probes, p)
	}
}

// probeFills are the texts a '*' of a resource pattern is replaced with: a name, and a
// name that crosses a '/' (so that a bucket pattern also yields objects).
var probeFills = []string{"proctor-probe", "proctor-probe/proctor-probe"}

// addPattern adds probes for the concrete resources a pattern yields.
func (u *universe) addPattern(p pattern, ctx *evalContext, named []string) {
	r, ok := p.resolve(ctx)
	if !ok {
		// A variable the context lacks: probe with a placeholder value instead.
		r = resolved{text: fillVariables(p)}
	}
	if r.text == "*" {
		return
	}
	for _, fill := range probeFills {
		arn := instantiate(r, fill)
		actions := u.cat.ActionsOn(arn)
		for _, a := range actions {
			u.add(a.full, arn)
		}
		if len(actions) == 0 || len(u.cat.ResourceTypesOf(arn)) == 0 {
			for _, a := range named {
				u.add(a, arn)
			}
		}
		if !strings.Contains(r.text, "*") {
			break
		}
	}
}

// fillVariables writes a pattern with each variable replaced by a placeholder.
func fillVariables(p pattern) string {
	var b strings.Builder
	for _, part := range p.parts {
		switch {
		case part.variable == "":
			b.WriteString(part.lit)
		case part.variable == "\x00":
			b.WriteString(part.lit)
		default:
			b.WriteString("proctor-probe")
		}
	}
	if p.parts == nil {
		return p.raw
	}
	return b.String()
}

// instantiate replaces the wildcards of a resource pattern: '?' by 'x' and '*' by fill
// (in the resource part) or by a one-segment name (elsewhere).
func instantiate(r resolved, fill string) string {
	var b strings.Builder
	colons := 0
	for i := 0; i < len(r.text); i++ {
		c := r.text[i]
		literal := r.lit != nil && r.lit[i]
		switch {
		case c == ':':
			colons++
			b.WriteByte(c)
		case c == '*' && !literal:
			if colons >= 5 {
				b.WriteString(fill)
			} else {
				b.WriteString("proctor-probe")
			}
		case c == '?' && !literal:
			b.WriteByte('x')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// addGeneric adds one probe resource of every resource type, paired with the actions
// that act on that type, and "*" for the actions that take no resource.
func (u *universe) addGeneric(account string) {
	for _, p := range u.cat.genericProbes(account) {
		u.add(p.action, p.resource)
	}
}

// maxGenericAccounts bounds how many accounts' generic probes a catalog keeps.
const maxGenericAccounts = 16

// genericProbes returns, built once per account and kept, one probe resource of every
// resource type paired with each action that acts on it, and "*" for the actions that
// take no resource.
func (c *Catalog) genericProbes(account string) []probe {
	c.genericMu.Lock()
	defer c.genericMu.Unlock()
	if ps, ok := c.generic[account]; ok {
		return ps
	}
	var ps []probe
	for _, a := range c.actions {
		types := a.ResourceTypes()
		if len(types) == 0 {
			ps = append(ps, probe{a.full, "*"})
			continue
		}
		for _, rt := range types {
			ps = append(ps, probe{a.full, fillTemplate(rt.ARN, account)})
		}
	}
	if c.generic == nil || len(c.generic) >= maxGenericAccounts {
		c.generic = map[string][]probe{}
	}
	c.generic[account] = ps
	return ps
}

// fillTemplate builds a concrete ARN from a catalog ARN pattern.
func fillTemplate(tmpl, account string) string {
	return replaceVars(tmpl, func(name string) string {
		switch strings.ToLower(name) {
		case "partition":
			return "aws"
		case "region":
			return "us-east-1"
		case "account", "accountid":
			return account
		}
		return "proctor-probe"
	})
}
