package eventpattern

// compileField compiles the value array of the field at path (shown in errors as disp), in
// the original rule syntax when legacy is set.
func compileField(arr *node, path, disp string, legacy bool) (*field, error) {
	if len(arr.items) == 0 {
		return nil, patternError(disp, -1, "Empty arrays are not allowed")
	}
	f := &field{path: path, disp: disp}
	for i, item := range arr.items {
		switch item.kind {
		case jsonString:
			if a, ok := parseIP(item.text); ok {
				f.matchers = append(f.matchers, ipEqual{addr: a})
			} else {
				f.matchers = append(f.matchers, exactString{s: item.text})
			}
		case jsonNumber:
			if n, ok := comparableNumber(item.text); ok {
				eq := numberRange{lo: n, hi: n, hasLo: true, hasHi: true}
				f.matchers = append(f.matchers, eq)
			} else {
				f.matchers = append(f.matchers, exactLiteral{kind: kindNumber, text: item.text})
			}
		case jsonTrue:
			f.matchers = append(f.matchers, exactLiteral{kind: kindTrue})
		case jsonFalse:
			f.matchers = append(f.matchers, exactLiteral{kind: kindFalse})
		case jsonNull:
			f.matchers = append(f.matchers, exactLiteral{kind: kindNull})
		case jsonObject:
			m, absent, reason := compileExpression(item, legacy)
			if reason != "" {
				return nil, patternError(disp, i, "%s", reason)
			}
			if absent {
				f.absenceOK = true
			} else {
				f.matchers = append(f.matchers, m)
			}
		default:
			return nil, patternError(disp, i,
				"Match value must be String, number, true, false, or null")
		}
	}
	return f, nil
}

const (
	onlyOneKey    = "Only one key allowed in match expression"
	tooManyInExpr = "Too many elements in numeric expression"
)

// compileExpression compiles a match expression such as {"prefix": "us-"}. It returns the
// matcher, or absent=true for {"exists": false}, or the reason the expression is invalid.
func compileExpression(obj *node, legacy bool) (m matcher, absent bool, reason string) {
	if len(obj.members) == 0 {
		return nil, false, "Match expression name not found"
	}
	op, v := obj.members[0].key, obj.members[0].value
	extra := len(obj.members) > 1
	switch op {
	case "exactly":
		if v.kind != jsonString {
			return nil, false, "exact match pattern must be a string"
		}
		m = exactString{s: v.text}
	case "prefix", "suffix":
		m, reason = compileAffix(op, v)
	case "equals-ignore-case":
		if v.kind != jsonString {
			return nil, false, "equals-ignore-case match pattern must be a string"
		}
		m = equalsIgnoreCase{fold: newFoldString(v.text)}
	case "wildcard":
		if v.kind != jsonString {
			return nil, false, "wildcard match pattern must be a string"
		}
		w, why := parseWildcard(v.text)
		if why != "" {
			return nil, false, why
		}
		m = wildcardMatch{w: w}
	case "numeric":
		if v.kind != jsonArray {
			return nil, false, "Value of numeric must be an array."
		}
		m, reason = compileNumeric(v.items)
		if reason == "" && extra {
			reason = tooManyInExpr
		}
		return m, false, reason
	case "anything-but":
		if legacy {
			m, reason = compileLegacyAnythingBut(v)
		} else {
			m, reason = compileAnythingBut(v)
		}
		if reason == "" && extra {
			reason = tooManyInExpr
		}
		return m, false, reason
	case "exists":
		switch v.kind {
		case jsonTrue:
			m = existsMatch{}
		case jsonFalse:
			absent = true
		default:
			return nil, false, "exists match pattern must be either true or false."
		}
	case "cidr":
		if v.kind != jsonString {
			return nil, false, "prefix match pattern must be a string"
		}
		p, why := parseCIDR(v.text)
		if why != "" {
			return nil, false, why
		}
		m = cidrMatch{prefix: p}
	default:
		return nil, false, "Unrecognized match type " + op
	}
	if reason == "" && extra {
		reason = onlyOneKey
	}
	return m, absent, reason
}

// compileAffix compiles a "prefix" or "suffix" operand: a string, or an object holding only
// "equals-ignore-case" with a string.
func compileAffix(op string, v *node) (matcher, string) {
	name := "Prefix"
	if op == "suffix" {
		name = "Suffix"
	}
	var s string
	var fold foldString
	switch v.kind {
	case jsonString:
		s = v.text
	case jsonObject:
		if len(v.members) == 0 {
			return nil, name + " expression name not found"
		}
		if v.members[0].key != "equals-ignore-case" {
			return nil, "Unsupported " + op + " pattern: " + v.members[0].key
		}
		inner := v.members[0].value
		if inner.kind != jsonString {
			return nil, "equals-ignore-case match pattern must be a string"
		}
		if len(v.members) > 1 {
			return nil, onlyOneKey
		}
		s, fold = inner.text, newFoldString(inner.text)
	default:
		return nil, op + " match pattern must be a string"
	}
	if op == "prefix" {
		return prefixMatch{s: s, fold: fold}, ""
	}
	return suffixMatch{s: s, fold: fold}, ""
}

// compileNumeric compiles the operand array of "numeric": one comparison, or a lower bound
// (">" or ">=") followed by an upper bound ("<" or "<="), with bottom below top.
func compileNumeric(items []*node) (matcher, string) {
	if len(items) == 0 {
		return nil, "Invalid member in numeric match: ]"
	}
	if items[0].kind != jsonString {
		return nil, "Invalid member in numeric match: " + items[0].literal()
	}
	op := items[0].text
	switch op {
	case "=", "<", "<=", ">", ">=":
	default:
		return nil, "Unrecognized numeric range operator: " + op
	}
	if len(items) < 2 || items[1].kind != jsonNumber {
		name := op
		if op == "=" {
			name = "equals"
		}
		return nil, "Value of " + name + " must be numeric"
	}
	first := items[1].text
	var r numberRange
	switch op {
	case "=", "<", "<=":
		if len(items) > 2 {
			return nil, tooManyInExpr
		}
		n, ok := comparableNumber(first)
		if !ok {
			return nil, "Cannot compare number : " + first
		}
		switch op {
		case "=":
			r = numberRange{lo: n, hi: n, hasLo: true, hasHi: true}
		case "<":
			r = numberRange{hi: n, hasHi: true, openHi: true}
		default:
			r = numberRange{hi: n, hasHi: true}
		}
		return r, ""
	}

	r = numberRange{hasLo: true, openLo: op == ">"}
	if len(items) > 2 {
		if items[2].kind != jsonString {
			return nil, "Bad value in numeric range: " + items[2].literal()
		}
		op2 := items[2].text
		if op2 != "<" && op2 != "<=" {
			return nil, "Bad numeric range operator: " + op2
		}
		if len(items) < 4 || items[3].kind != jsonNumber {
			return nil, "Value of " + op2 + " must be numeric"
		}
		if len(items) > 4 {
			return nil, "Too many terms in numeric range expression"
		}
		hi, ok := comparableNumber(items[3].text)
		if !ok {
			return nil, "Cannot compare number : " + items[3].text
		}
		r.hi, r.hasHi, r.openHi = hi, true, op2 == "<"
	}
	lo, ok := comparableNumber(first)
	if !ok {
		return nil, "Cannot compare number : " + first
	}
	r.lo = lo
	if r.hasHi && !(r.lo < r.hi) {
		return nil, "Bottom must be less than top"
	}
	return r, ""
}

// compileAnythingBut compiles the operand of "anything-but": a string, a number, a list of
// strings or of numbers, or an object applying it to "prefix", "suffix",
// "equals-ignore-case" or "wildcard" operands.
func compileAnythingBut(v *node) (matcher, string) {
	const badValue = "Value of anything-but must be an array or single string/number value."
	ab := &anythingBut{}
	switch v.kind {
	case jsonObject:
		if len(v.members) == 0 {
			return nil, "Anything-But expression name not found"
		}
		op, inner := v.members[0].key, v.members[0].value
		switch op {
		case "equals-ignore-case", "prefix", "suffix", "wildcard":
		default:
			return nil, "Unsupported anything-but pattern: " + op
		}
		var values []*node
		switch inner.kind {
		case jsonArray:
			values = inner.items
		case jsonString, jsonNumber:
			values = []*node{inner}
		default:
			return nil, badValue
		}
		for _, item := range values {
			if item.kind != jsonString {
				switch op {
				case "equals-ignore-case":
					return nil, "Inside anything-but/equals-ignore-case list, " +
						"number|start|null|boolean is not supported."
				case "wildcard":
					return nil, "wildcard match pattern must be a string"
				default:
					return nil, "prefix/suffix match pattern must be a string"
				}
			}
			s := item.text
			switch op {
			case "prefix", "suffix":
				if s == "" {
					return nil, "Null prefix/suffix not allowed"
				}
				if op == "prefix" {
					ab.prefixes = append(ab.prefixes, s)
				} else {
					ab.suffixes = append(ab.suffixes, s)
				}
			case "equals-ignore-case":
				ab.folds = append(ab.folds, newFoldString(s))
			case "wildcard":
				w, why := parseWildcard(s)
				if why != "" {
					return nil, why
				}
				ab.wilds = append(ab.wilds, w)
			}
		}
		if len(v.members) > 1 {
			return nil, tooManyInExpr
		}
		return ab, ""
	case jsonString:
		ab.strs = []string{v.text}
		return ab, ""
	case jsonNumber:
		n, ok := comparableNumber(v.text)
		if !ok {
			return nil, "Cannot compare number : " + v.text
		}
		ab.nums = []float64{n}
		return ab, ""
	case jsonArray:
		for _, item := range v.items {
			switch item.kind {
			case jsonString:
				ab.strs = append(ab.strs, item.text)
			case jsonNumber:
				n, ok := comparableNumber(item.text)
				if !ok {
					return nil, "Cannot compare number : " + item.text
				}
				ab.nums = append(ab.nums, n)
			default:
				return nil, "Inside anything but list, start|null|boolean is not supported."
			}
		}
		if (len(ab.strs) > 0) == (len(ab.nums) > 0) {
			return nil, "Inside anything but list, either all values are number or string, " +
				"mixed type is not supported"
		}
		return ab, ""
	}
	return nil, badValue
}

// compileLegacyAnythingBut compiles "anything-but" in the original rule syntax, where the
// object form takes one non-empty "prefix" or "suffix" string, or "equals-ignore-case".
func compileLegacyAnythingBut(v *node) (matcher, string) {
	if v.kind != jsonObject || len(v.members) == 0 {
		return compileAnythingBut(v)
	}
	op, inner := v.members[0].key, v.members[0].value
	switch op {
	case "equals-ignore-case":
		return compileAnythingBut(v)
	case "prefix", "suffix":
	default:
		return nil, "Unsupported anything-but pattern: " + op
	}
	if inner.kind != jsonString {
		return nil, "prefix/suffix match pattern must be a string"
	}
	if inner.text == "" {
		return nil, "Null prefix/suffix not allowed"
	}
	if len(v.members) > 1 {
		return nil, onlyOneKey
	}
	if op == "prefix" {
		return &anythingBut{prefixes: []string{inner.text}}, ""
	}
	return &anythingBut{suffixes: []string{inner.text}}, ""
}
