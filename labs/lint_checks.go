package labs

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/proctorlabs/proctor"
)

// checks checks the lab's list of checks: at least one, ids unique.
func (l *linter) checks(n *yaml.Node) []proctor.Check {
	if n.Kind != yaml.SequenceNode {
		l.at(n, "checks must be a list of checks, not %s", kindOf(n))
		return nil
	}
	switch {
	case len(n.Content) == 0:
		l.at(n, "checks is empty; a lab needs at least one check")
	case len(n.Content) > maxChecks:
		l.at(n, "checks has %d checks; at most %d", len(n.Content), maxChecks)
		return nil
	}
	ids := map[string]int{} // id -> line
	var out []proctor.Check
	for i, cn := range n.Content {
		c := l.check(cn, fmt.Sprintf("checks[%d]", i))
		if c.ID != "" {
			if line, dup := ids[c.ID]; dup {
				l.at(locate(cn, []any{"id"}, false), "checks[%d]: id %s is already used by "+
					"the check at line %d", i, c.ID, line)
			} else {
				ids[c.ID] = cn.Line
			}
		}
		out = append(out, c)
	}
	return out
}

// check checks one check: its id, title, validator and parameters, points, partial
// credit, hint and its cost, and controls.
func (l *linter) check(n *yaml.Node, what string) proctor.Check {
	var c proctor.Check
	fields, ok := l.mapping(n, what, checkFields)
	if !ok {
		return c
	}
	l.require(n, what, fields, checkRequired...)

	if f, ok := fields["id"]; ok {
		if s, ok := l.str(f.value, what+".id"); ok {
			if !idRE.MatchString(s) || len(s) > 64 {
				l.at(f.value, "%s.id %q must be lower-case words joined by '-', at most 64 "+
					"characters", what, s)
			}
			c.ID = s
		}
	}
	if f, ok := fields["title"]; ok {
		c.Title = l.line(f.value, what+".title")
	}
	if f, ok := fields["points"]; ok {
		c.Points, _ = l.integer(f.value, what+".points", 1, maxPoints)
	}
	if f, ok := fields["partial"]; ok {
		c.Partial, _ = l.boolean(f.value, what+".partial")
		v, hasValidator := fields["validator"]
		if pl, canTell := l.reg.(partialLister); c.Partial && hasValidator && canTell {
			if partial, known := pl.PartialCredit(v.value.Value); known && !partial {
				l.at(f.value, "%s: validator %s gives no partial credit; remove partial",
					what, v.value.Value)
			}
		}
	}
	if f, ok := fields["hint"]; ok {
		if s, ok := l.str(f.value, what+".hint"); ok {
			if s == "" {
				l.at(f.value, "%s.hint is empty", what)
			}
			c.Hint = l.text(f.value, what+".hint", s, l.known(nil))
		}
	}
	if f, ok := fields["hint_cost"]; ok {
		hi := maxPoints
		if c.Points > 0 {
			hi = c.Points
		}
		if v, ok := l.integer(f.value, what+".hint_cost", 0, maxPoints); ok {
			if v > hi {
				l.at(f.value, "%s.hint_cost %d is more than the check's %d points", what, v, hi)
			}
			c.HintCost = v
		}
	}
	if f, ok := fields["controls"]; ok {
		c.Controls, _ = l.strings(f.value, what+".controls")
		for i, s := range c.Controls {
			if s == "" {
				l.at(f.value.Content[i], "%s.controls[%d] is empty", what, i)
			}
		}
	}
	l.validator(fields, what, &c)
	return c
}

// validator checks the check's validator name and parameters against the registry,
// placing each problem at the parameter it concerns.
func (l *linter) validator(fields map[string]field, what string, c *proctor.Check) {
	f, ok := fields["validator"]
	if !ok {
		return
	}
	name, ok := l.str(f.value, what+".validator")
	if !ok {
		return
	}
	c.Validator = name

	params := map[string]any{}
	var paramsNode *yaml.Node
	if pf, ok := fields["params"]; ok {
		paramsNode = pf.value
		if _, ok := l.mapping(pf.value, what+".params", nil); !ok {
			return
		}
		v, ok := l.value(pf.value, what+".params")
		if !ok {
			return
		}
		// TODO: check parameters cannot use values that setup steps save (a key id, say),
		// because sandboxes do not store them; a lab must derive such names from the
		// account id through vars instead.
		l.placeholders(pf.value, what+".params", l.known(nil))
		params, _ = expandValue(v, l.vars).(map[string]any)
	}
	c.Params = params

	for _, p := range l.reg.CheckParams(name, params) {
		at := f.value
		switch {
		case p.Param == "":
		case paramsNode != nil && locate(paramsNode, []any{p.Param}, true) != paramsNode:
			at = locate(paramsNode, []any{p.Param}, true)
			if v := locate(paramsNode, []any{p.Param}, false); v != paramsNode {
				at = v
			}
		case paramsNode != nil:
			at = paramsNode
		}
		l.at(at, "%s: %s", what, p.Message)
	}
}
