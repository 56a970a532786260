package iampolicy

// This file parses the elements of a statement whose values have their own grammar:
// actions, resources, principals and conditions.

import (
	"fmt"
	"strings"
)

// checkAction returns why an action pattern is malformed, or "".
func checkAction(a string) string {
	if a == "*" {
		return ""
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok {
		return fmt.Sprintf("action %q must be \"*\" or SERVICE:ACTION", a)
	}
	if svc == "" || name == "" {
		return fmt.Sprintf("action %q has an empty service prefix or action name", a)
	}
	for _, c := range svc {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '*' || c == '?') {
			return fmt.Sprintf("action %q has an invalid character %q in its service prefix",
				a, c)
		}
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '*' || c == '?') {
			return fmt.Sprintf("action %q has an invalid character %q in its name", a, c)
		}
	}
	return ""
}

// checkResource returns why a resource pattern is malformed, or "".
func checkResource(r string) string {
	if r == "*" {
		return ""
	}
	if !strings.HasPrefix(r, "arn:") {
		return fmt.Sprintf("resource %q must be \"*\" or an ARN starting with \"arn:\"", r)
	}
	if strings.Count(r, ":") < 5 && !hasWildcard(r) {
		return fmt.Sprintf("resource %q is not a complete ARN "+
			"(arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)", r)
	}
	return ""
}

var principalKinds = []string{"AWS", "Service", "Federated", "CanonicalUser"}

func (p *parser) principal(n *node, path string) (*PrincipalSet, *ParseError) {
	ps := &PrincipalSet{}
	switch n.kind {
	case kindString:
		if n.str != "*" {
			return nil, p.errAt(n, path, "a principal given as a string must be \"*\"; "+
				"write {\"AWS\": %q} for an account or ARN", n.str)
		}
		ps.Any = true
		return ps, nil
	case kindObject:
	default:
		return nil, p.errAt(n, path, "must be \"*\" or an object, not %s", n.kind)
	}
	if len(n.keys) == 0 {
		return nil, p.errAt(n, path, "must name at least one principal")
	}
	for _, m := range n.keys {
		ep := path + "." + m.name
		vals, err := p.stringList(m.value, ep)
		if err != nil {
			return nil, err
		}
		for i, v := range vals {
			if v == "" {
				return nil, p.errAt(itemNode(m.value, i), itemPath(m.value, ep, i),
					"a principal must not be empty")
			}
		}
		switch m.name {
		case "AWS":
			for i, v := range vals {
				if v == "*" {
					ps.Any = true
					continue
				}
				if !isAccountID(v) && !strings.HasPrefix(v, "arn:") && !isUniqueID(v) {
					return nil, p.errAt(itemNode(m.value, i), itemPath(m.value, ep, i),
						"AWS principal %q must be \"*\", a 12-digit account id or an ARN", v)
				}
			}
			ps.AWS = vals
		case "Service":
			ps.Service = vals
		case "Federated":
			ps.Federated = vals
		case "CanonicalUser":
			ps.CanonicalUser = vals
		default:
			return nil, p.errKey(m, ep, "unknown principal type %q (want one of %s)%s",
				m.name, strings.Join(principalKinds, ", "), suggest(m.name, principalKinds...))
		}
	}
	return ps, nil
}

// isUniqueID reports whether s looks like an IAM unique id (AIDA..., AROA...), which AWS
// shows in place of a principal that was deleted. Such a principal matches no request.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 || s[0] != 'A' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (p *parser) conditions(n *node, path string) ([]Condition, *ParseError) {
	if n.kind != kindObject {
		return nil, p.errAt(n, path, "must be an object of operators, not %s", n.kind)
	}
	var out []Condition
	for _, om := range n.keys {
		op, set, ifExists, reason := parseOperator(om.name)
		opPath := path + "." + om.name
		if reason != "" {
			return nil, p.errKey(om, opPath, "%s", reason)
		}
		if om.value.kind != kindObject {
			return nil, p.errAt(om.value, opPath, "must be an object of condition keys, not %s",
				om.value.kind)
		}
		if len(om.value.keys) == 0 {
			return nil, p.errAt(om.value, opPath, "must name at least one condition key")
		}
		for _, km := range om.value.keys {
			keyPath := opPath + "." + km.name
			if km.name == "" {
				return nil, p.errKey(km, keyPath, "a condition key must not be empty")
			}
			if svc, name, ok := strings.Cut(km.name, ":"); !ok || svc == "" || name == "" {
				return nil, p.errKey(km, keyPath, "condition key %q must be SERVICE:NAME, "+
					"such as aws:SourceIp", km.name)
			}
			vals, err := p.conditionValues(km.value, keyPath)
			if err != nil {
				return nil, err
			}
			c := Condition{Operator: om.name, Key: km.name, Values: vals, op: op, set: set,
				ifExists: ifExists, keyLower: strings.ToLower(km.name)}
			for i, v := range vals {
				if reason := op.checkValue(v, p.vars); reason != "" {
					return nil, p.errAt(itemNode(km.value, i), itemPath(km.value, keyPath, i),
						"%s", reason)
				}
				p.noteLiteralVar(v, itemNode(km.value, i), itemPath(km.value, keyPath, i))
			}
			c.precompute(p.vars)
			out = append(out, c)
		}
	}
	return out, nil
}

// conditionValues reads a condition value: a string, number or boolean, or a non-empty
// array of them.
func (p *parser) conditionValues(n *node, path string) ([]string, *ParseError) {
	scalar := func(it *node, path string) (string, *ParseError) {
		switch it.kind {
		case kindString, kindNumber, kindBool:
			return it.str, nil
		default:
			return "", p.errAt(it, path, "a condition value must be a string, number or "+
				"boolean, not %s", it.kind)
		}
	}
	if n.kind != kindArray {
		v, err := scalar(n, path)
		if err != nil {
			return nil, err
		}
		return []string{v}, nil
	}
	if len(n.items) == 0 {
		return nil, p.errAt(n, path, "must not be an empty array")
	}
	out := make([]string, len(n.items))
	for i, it := range n.items {
		v, err := scalar(it, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
