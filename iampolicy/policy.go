package iampolicy

// Effect is what a statement does when it applies: allow or deny.
type Effect int

// The two effects a statement may carry.
const (
	Allow Effect = iota + 1
	Deny
)

// String returns "Allow" or "Deny".
func (e Effect) String() string {
	if e == Deny {
		return "Deny"
	}
	return "Allow"
}

// Version2012 is the current policy language version, the only one in which ${...} is a
// policy variable.
const Version2012 = "2012-10-17"

// Version2008 is the original policy language version, in which ${...} is literal text.
const Version2008 = "2008-10-17"

// Policy is a parsed policy document. Its zero value is an empty policy that allows and
// denies nothing.
type Policy struct {
	// Version is the document's Version element, "" when it has none (which AWS treats as
	// 2008-10-17).
	Version string
	// ID is the document's optional Id element.
	ID string
	// Statements are the document's statements in order; a single statement object is
	// stored as a one-element slice.
	Statements []Statement

	size        int        // characters other than white space
	literalVars []position // ${...} that the Version makes literal
}

// Statement is one statement of a policy.
type Statement struct {
	// Sid is the optional statement id.
	Sid string
	// Effect is Allow or Deny.
	Effect Effect

	// Principal lists the principals the statement applies to; nil when the statement has
	// neither Principal nor NotPrincipal (identity policies). When NotPrincipal is true the
	// list names the principals the statement does not apply to.
	Principal    *PrincipalSet
	NotPrincipal bool // the element was NotPrincipal

	// Actions are the action patterns, such as "s3:Get*" or "*". When NotAction is true
	// the statement applies to every action except these.
	Actions   []string
	NotAction bool // the element was NotAction

	// Resources are the resource ARN patterns; nil when the statement has neither Resource
	// nor NotResource (trust policies). When NotResource is true the statement applies to
	// every resource except these.
	Resources   []string
	NotResource bool // the element was NotResource

	// Conditions are the statement's conditions, all of which must hold.
	Conditions []Condition

	actions   []actionPattern
	resources []pattern
	pos       position   // where the statement starts
	elements  []position // where each element's key starts
}

// PrincipalSet is the value of a Principal or NotPrincipal element. Any is set for the
// bare "*" form and for {"AWS": "*"}.
type PrincipalSet struct {
	// Any is true for "Principal": "*" and "Principal": {"AWS": "*"}: every principal,
	// including anonymous ones.
	Any bool
	// AWS holds account ids and IAM or STS ARNs; Service holds service principals;
	// Federated holds identity providers; CanonicalUser holds S3 canonical user ids.
	AWS           []string
	Service       []string // such as "events.amazonaws.com"
	Federated     []string // such as "cognito-identity.amazonaws.com" or a SAML provider ARN
	CanonicalUser []string // S3 canonical user ids
}

// Condition is one operator applied to one condition key, such as
// "StringEqualsIfExists": {"aws:SourceVpc": ["vpc-1"]}.
type Condition struct {
	// Operator is the operator as written, such as "ForAnyValue:StringLike".
	Operator string
	// Key is the condition key as written; it is compared case-insensitively.
	Key string
	// Values are the policy's values, converted to strings (true, 12 and "12" all become
	// their text).
	Values []string

	op       operator
	set      setQualifier
	ifExists bool
	keyLower string
	values   []pattern
	compiled any // operator-specific precomputed values, such as parsed networks
}
