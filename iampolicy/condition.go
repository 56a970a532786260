package iampolicy

import (
	"encoding/base64"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// operator is a condition operator without its set qualifier and IfExists suffix.
type operator int

const (
	opStringEquals operator = iota + 1
	opStringNotEquals
	opStringEqualsIgnoreCase
	opStringNotEqualsIgnoreCase
	opStringLike
	opStringNotLike
	opNumericEquals
	opNumericNotEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateNotEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opNotIPAddress
	opArnEquals
	opArnLike
	opArnNotEquals
	opArnNotLike
	opNull
)

// operatorNames maps the lower-cased operator name to the operator. AWS accepts operator
// names in any case.
var operatorNames = map[string]operator{
	"stringequals":              opStringEquals,
	"stringnotequals":           opStringNotEquals,
	"stringequalsignorecase":    opStringEqualsIgnoreCase,
	"stringnotequalsignorecase": opStringNotEqualsIgnoreCase,
	"stringlike":                opStringLike,
	"stringnotlike":             opStringNotLike,
	"numericequals":             opNumericEquals,
	"numericnotequals":          opNumericNotEquals,
	"numericlessthan":           opNumericLessThan,
	"numericlessthanequals":     opNumericLessThanEquals,
	"numericgreaterthan":        opNumericGreaterThan,
	"numericgreaterthanequals":  opNumericGreaterThanEquals,
	"dateequals":                opDateEquals,
	"datenotequals":             opDateNotEquals,
	"datelessthan":              opDateLessThan,
	"datelessthanequals":        opDateLessThanEquals,
	"dategreaterthan":           opDateGreaterThan,
	"dategreaterthanequals":     opDateGreaterThanEquals,
	"bool":                      opBool,
	"binaryequals":              opBinaryEquals,
	"ipaddress":                 opIPAddress,
	"notipaddress":              opNotIPAddress,
	"arnequals":                 opArnEquals,
	"arnlike":                   opArnLike,
	"arnnotequals":              opArnNotEquals,
	"arnnotlike":                opArnNotLike,
	"null":                      opNull,
}

// setQualifier is the ForAllValues or ForAnyValue prefix of an operator, if any.
type setQualifier int

const (
	setNone setQualifier = iota
	setForAllValues
	setForAnyValue
)

// parseOperator splits an operator such as "ForAnyValue:StringLikeIfExists" into its
// parts, returning a reason when the name is not a valid operator.
func parseOperator(name string) (operator, setQualifier, bool, string) {
	rest := name
	set := setNone
	if q, after, ok := strings.Cut(rest, ":"); ok {
		switch strings.ToLower(q) {
		case "forallvalues":
			set = setForAllValues
		case "foranyvalue":
			set = setForAnyValue
		default:
			return 0, 0, false, fmt.Sprintf("unknown set operator %q "+
				"(want ForAllValues or ForAnyValue)", q)
		}
		rest = after
	}
	ifExists := false
	lower := strings.ToLower(rest)
	if base, ok := strings.CutSuffix(lower, "ifexists"); ok {
		ifExists = true
		lower = base
	}
	op, ok := operatorNames[lower]
	if !ok {
		return 0, 0, false, fmt.Sprintf("unknown condition operator %q", name)
	}
	if op == opNull && (ifExists || set != setNone) {
		return 0, 0, false, fmt.Sprintf("operator %q: Null takes neither IfExists nor a "+
			"set qualifier", name)
	}
	return op, set, ifExists, ""
}

// negated reports whether the operator is the negation of a positive comparison, which
// makes it true when the key is missing.
func (op operator) negated() bool {
	switch op {
	case opStringNotEquals, opStringNotEqualsIgnoreCase, opStringNotLike, opNumericNotEquals,
		opDateNotEquals, opNotIPAddress, opArnNotEquals, opArnNotLike:
		return true
	}
	return false
}

// takesVariables reports whether policy variables in the operator's values are replaced:
// AWS's condition operator reference lists policy variables as supported for the
// string, Boolean and ARN operators only.
func (op operator) takesVariables() bool {
	switch op.positive() {
	case opStringEquals, opStringEqualsIgnoreCase, opStringLike, opArnEquals, opArnLike,
		opBool:
		return true
	}
	return false
}

// positive returns the comparison a negated operator negates, or op itself.
func (op operator) positive() operator {
	switch op {
	case opStringNotEquals:
		return opStringEquals
	case opStringNotEqualsIgnoreCase:
		return opStringEqualsIgnoreCase
	case opStringNotLike:
		return opStringLike
	case opNumericNotEquals:
		return opNumericEquals
	case opDateNotEquals:
		return opDateEquals
	case opNotIPAddress:
		return opIPAddress
	case opArnNotEquals:
		return opArnEquals
	case opArnNotLike:
		return opArnLike
	}
	return op
}

// checkValue returns why a policy value cannot be used with the operator, or "". Values
// that hold a policy variable are checked only once resolved.
func (op operator) checkValue(v string, vars bool) string {
	if vars && strings.Contains(v, "${") {
		if op.takesVariables() {
			return ""
		}
		if op != opNull {
			return fmt.Sprintf("%q: policy variables are replaced only in the values of "+
				"String, Bool and ARN operators", v)
		}
	}
	switch op.positive() {
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan,
		opNumericGreaterThanEquals:
		if _, ok := parseNumber(v); !ok {
			return fmt.Sprintf("%q is not a number", v)
		}
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan,
		opDateGreaterThanEquals:
		if _, ok := parseDate(v); !ok {
			return fmt.Sprintf("%q is not a date (want ISO 8601 such as "+
				"2026-01-02T15:04:05Z, or epoch seconds)", v)
		}
	case opBool, opNull:
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return fmt.Sprintf("%q is not \"true\" or \"false\"", v)
		}
	case opIPAddress:
		if _, ok := parsePrefix(v); !ok {
			return fmt.Sprintf("%q is not an IP address or CIDR block", v)
		}
	case opBinaryEquals:
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return fmt.Sprintf("%q is not base64", v)
		}
	}
	return ""
}

// precompute compiles the condition's values and parses those of operators whose values
// have a fixed form.
func (c *Condition) precompute(vars bool) {
	// AWS replaces policy variables only in the values of string, Bool and ARN
	// operators.
	vars = vars && c.op.takesVariables()
	c.values = make([]pattern, len(c.Values))
	for j, v := range c.Values {
		c.values[j] = compilePattern(v, vars)
	}
	if c.op.positive() != opIPAddress {
		return
	}
	prefixes := make([]netip.Prefix, 0, len(c.Values))
	for _, v := range c.values {
		if v.parts != nil {
			return // resolved per request
		}
		p, ok := parsePrefix(v.raw)
		if !ok {
			return
		}
		prefixes = append(prefixes, p)
	}
	c.compiled = prefixes
}

// eval decides the condition for one request.
func (c *Condition) eval(ctx *evalContext) bool {
	vals, present := ctx.lookup(c.keyLower)
	present = present && len(vals) > 0

	if c.op == opNull {
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") != present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case c.ifExists:
			return true
		case c.set == setForAllValues:
			return true
		case c.set == setForAnyValue:
			return false
		default:
			return c.op.negated()
		}
	}

	neg := c.op.negated()
	if neg && !c.resolvable(ctx) {
		// Whether a value differs from one that cannot be known is unknown: the
		// condition does not hold.
		return false
	}
	one := func(rv string) bool { return c.matchesAny(rv, ctx) != neg }
	switch c.set {
	case setForAllValues:
		for _, rv := range vals {
			if !one(rv) {
				return false
			}
		}
		return true
	case setForAnyValue:
		for _, rv := range vals {
			if one(rv) {
				return true
			}
		}
		return false
	default:
		// Without a set qualifier a positive operator needs one request value to match one
		// policy value; a negated operator holds when no request value matches.
		// TODO: AWS documents set qualifiers as the way to test multivalued keys and does
		// not say how a plain operator treats several request values; a policy that
		// relies on it may be judged differently by AWS.
		for _, rv := range vals {
			if c.matchesAny(rv, ctx) {
				return !neg
			}
		}
		return neg
	}
}

// resolvable reports whether every policy variable in the condition's values is known.
func (c *Condition) resolvable(ctx *evalContext) bool {
	for i := range c.values {
		if c.values[i].parts == nil {
			continue
		}
		if _, ok := c.values[i].resolve(ctx); !ok {
			return false
		}
	}
	return true
}

// matchesAny reports whether the request value matches at least one policy value under
// the operator's positive comparison.
func (c *Condition) matchesAny(rv string, ctx *evalContext) bool {
	op := c.op.positive()
	if prefixes, ok := c.compiled.([]netip.Prefix); ok {
		addr, ok := parseAddr(rv)
		if !ok {
			return false
		}
		for _, p := range prefixes {
			if p.Contains(addr) {
				return true
			}
		}
		return false
	}
	for i := range c.values {
		pv, ok := c.values[i].resolve(ctx)
		if !ok {
			continue
		}
		if compare(op, pv, rv) {
			return true
		}
	}
	return false
}

// compare applies one positive comparison to a policy value and a request value.
func compare(op operator, pv resolved, rv string) bool {
	switch op {
	case opStringEquals:
		return pv.text == rv
	case opStringEqualsIgnoreCase:
		return strings.EqualFold(pv.text, rv)
	case opStringLike:
		return glob(pv.text, pv.lit, rv, false)
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan,
		opNumericGreaterThanEquals:
		a, ok1 := parseNumber(rv)
		b, ok2 := parseNumber(pv.text)
		return ok1 && ok2 && ordered(op, compareFloat(a, b))
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan,
		opDateGreaterThanEquals:
		a, ok1 := parseDate(rv)
		b, ok2 := parseDate(pv.text)
		return ok1 && ok2 && ordered(op, a.Compare(b))
	case opBool:
		return strings.EqualFold(pv.text, rv)
	case opBinaryEquals:
		return pv.text == rv
	case opIPAddress:
		p, ok1 := parsePrefix(pv.text)
		a, ok2 := parseAddr(rv)
		return ok1 && ok2 && p.Contains(a)
	case opArnEquals, opArnLike:
		return strings.Count(rv, ":") >= 5 && matchARNValue(pv, rv)
	}
	return false
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ordered maps a three-way comparison of request value against policy value to the
// operator's verdict.
func ordered(op operator, cmp int) bool {
	switch op {
	case opNumericEquals, opDateEquals:
		return cmp == 0
	case opNumericLessThan, opDateLessThan:
		return cmp < 0
	case opNumericLessThanEquals, opDateLessThanEquals:
		return cmp <= 0
	case opNumericGreaterThan, opDateGreaterThan:
		return cmp > 0
	case opNumericGreaterThanEquals, opDateGreaterThanEquals:
		return cmp >= 0
	}
	return false
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate reads an ISO 8601 date or time, or a count of epoch seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parsePrefix reads a CIDR block, or a single address as a one-address block.
func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// parseAddr reads a request's IP address; a value written as a CIDR block counts as its
// address.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
