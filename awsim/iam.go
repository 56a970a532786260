package awsim

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/iampolicy"
)

// iamHandlers serves IAM's roles, their inline policies and customer managed policies. IAM is
// a global service: requests are accepted whatever region they are signed for.
//
// TODO: awsim does not yet enforce the identity policies of the roles created here on
// requests (no principal can assume them), so a role's policies are graded by reading them,
// not by what a session of the role could do.
func iamHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"CreateRole":               createRole,
		"GetRole":                  getRole,
		"ListRoles":                listRoles,
		"DeleteRole":               deleteRole,
		"PutRolePolicy":            putRolePolicy,
		"GetRolePolicy":            getRolePolicy,
		"ListRolePolicies":         listRolePolicies,
		"DeleteRolePolicy":         deleteRolePolicy,
		"CreatePolicy":             createPolicy,
		"GetPolicy":                getPolicy,
		"GetPolicyVersion":         getPolicyVersion,
		"ListPolicies":             listPolicies,
		"AttachRolePolicy":         attachRolePolicy,
		"DetachRolePolicy":         detachRolePolicy,
		"ListAttachedRolePolicies": listAttachedRolePolicies,
	}
}

// iamState is one account's IAM entities. Its maps may be nil after loading a snapshot;
// readers treat nil as empty and writers create them.
type iamState struct {
	// Roles is keyed by the lower-case role name: IAM names are unique regardless of case.
	Roles map[string]*iamRole `json:"roles,omitempty"`
	// Policies are the customer managed policies, keyed by ARN.
	Policies map[string]*iamManagedPolicy `json:"policies,omitempty"`
}

type iamRole struct {
	Name               string    `json:"name"`
	ID                 string    `json:"id"`
	Path               string    `json:"path"`
	ARN                string    `json:"arn"`
	CreatedAt          time.Time `json:"createdAt"`
	TrustPolicy        string    `json:"trustPolicy"`
	Description        string    `json:"description,omitempty"`
	MaxSessionDuration int64     `json:"maxSessionDuration"`
	Tags               []iamTag  `json:"tags,omitempty"`
	// Inline maps an inline policy's name to its document, exactly as put.
	Inline map[string]string `json:"inline,omitempty"`
	// Attached are the ARNs of the managed policies attached, in the order attached.
	Attached []string `json:"attached,omitempty"`
}

type iamTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type iamManagedPolicy struct {
	Name        string    `json:"name"`
	ID          string    `json:"id"`
	Path        string    `json:"path"`
	ARN         string    `json:"arn"`
	Description string    `json:"description,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	// Document is the policy's only version, v1, exactly as created.
	Document string   `json:"document"`
	Tags     []iamTag `json:"tags,omitempty"`
}

// iamDefaultVersion is the version id of a managed policy's only version.
//
// TODO: CreatePolicyVersion is not served, so a learner cannot edit a managed policy in place
// and must create a new one and attach it instead.
const iamDefaultVersion = "v1"

// Limits of AWS's default IAM quotas that awsim applies.
const (
	iamMaxAttachedPerRole = 10
	iamMaxRoles           = 1000
	iamMaxPolicies        = 1500
)

var (
	iamRoleNameRE   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	iamPolicyNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	iamPathRE       = regexp.MustCompile(`^(/|/[\x21-\x7E]*/)$`)
)

func iamError(status int, code, format string, args ...any) *protocol.Error {
	return &protocol.Error{Status: status, Code: code, Sender: true,
		Message: fmt.Sprintf(format, args...)}
}

func iamNoRole(name string) *protocol.Error {
	return iamError(404, "NoSuchEntity", "The role with name %s cannot be found.", name)
}

func iamNoPolicy(arn string) *protocol.Error {
	return iamError(404, "NoSuchEntity", "Policy %s does not exist or is not attachable.", arn)
}

// iamAllow authorises an IAM action on a resource with the caller's identity policy.
func (c *call) iamAllow(action, resource string) *protocol.Error {
	if !c.allowedByIdentity(action, resource) {
		return iamError(403, "AccessDenied", "User: %s is not authorized to perform: %s on "+
			"resource: %s because no identity-based policy allows the %s action",
			callerARN(c.key), action, resource, action)
	}
	return nil
}

// iamLocked returns the caller's account IAM state; the caller holds c.s.mu. With create it
// makes the state when the account has none yet. It is nil for a deleted account, or when
// the account has no IAM state and create is false.
func (c *call) iamLocked(create bool) *iamState {
	a := c.s.st.Accounts[c.key.Account]
	if a == nil {
		return nil
	}
	if a.IAM == nil && create {
		a.IAM = &iamState{}
	}
	if a.IAM != nil && create {
		if a.IAM.Roles == nil {
			a.IAM.Roles = map[string]*iamRole{}
		}
		if a.IAM.Policies == nil {
			a.IAM.Policies = map[string]*iamManagedPolicy{}
		}
	}
	return a.IAM
}

// roleLocked returns a role by name, nil when there is none; the caller holds c.s.mu.
func (c *call) roleLocked(name string) *iamRole {
	st := c.iamLocked(false)
	if st == nil {
		return nil
	}
	return st.Roles[strings.ToLower(name)]
}

// iamEntity is what CreateRole and CreatePolicy read and check alike: the name, the path,
// the ARN the new entity will have, its policy document and its tags.
type iamEntity struct {
	name, path, arn, doc string
	tags                 []iamTag
}

// readEntity reads a create request's name, path, policy document and tags, checks each,
// and authorises action on the new entity's ARN (arn:aws:iam::ACCOUNT:KIND/PATH/NAME).
func (c *call) readEntity(kind, nameMember string, nameRE *regexp.Regexp, action,
	docMember string, docType iampolicy.PolicyType) (iamEntity, *protocol.Error) {
	e := iamEntity{name: str(c.in, nameMember), path: str(c.in, "Path")}
	if e.path == "" {
		e.path = "/"
	}
	if err := checkName(nameRE, nameMember, e.name); err != nil {
		return e, err
	}
	if err := checkPath("Path", e.path); err != nil {
		return e, err
	}
	e.arn = "arn:aws:iam::" + c.key.Account + ":" + kind + e.path + e.name
	if err := c.iamAllow(action, e.arn); err != nil {
		return e, err
	}
	e.doc = str(c.in, docMember)
	if err := checkPolicyDocument(e.doc, docType); err != nil {
		return e, err
	}
	var err *protocol.Error
	e.tags, err = readTags(c.in)
	return e, err
}

// checkName validates an IAM entity name against its pattern.
func checkName(re *regexp.Regexp, member, name string) *protocol.Error {
	if !re.MatchString(name) {
		return iamError(400, "ValidationError", "1 validation error detected: Value %q at "+
			"'%s' failed to satisfy constraint: Member must satisfy regular expression "+
			"pattern: %s", name, lowerFirst(member), re.String())
	}
	return nil
}

// checkPath validates an IAM path: "/" or text between two slashes.
func checkPath(member, path string) *protocol.Error {
	if !iamPathRE.MatchString(path) || len(path) > 512 {
		return iamError(400, "ValidationError", "The specified value for %s is invalid. It "+
			"must begin and end with / and contain only alphanumeric characters and/or / "+
			"characters.", lowerFirst(member))
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// checkPolicyDocument parses a policy document and checks it against the rules of its policy
// type, answering MalformedPolicyDocument with the first reason when it breaks one.
func checkPolicyDocument(doc string, t iampolicy.PolicyType) *protocol.Error {
	p, err := iampolicy.Parse([]byte(doc))
	if err == nil {
		err = p.Check(t)
	}
	if err == nil {
		return nil
	}
	reason := err.Error()
	var pe *iampolicy.ParseError
	var ce *iampolicy.CheckError
	switch {
	case errors.As(err, &pe):
		reason = pe.Error()
	case errors.As(err, &ce) && len(ce.Problems) > 0:
		reason = ce.Problems[0].Error()
	}
	reason = strings.TrimPrefix(reason, "iampolicy: ")
	return iamError(400, "MalformedPolicyDocument", "The %s is not valid: %s", t, reason)
}

// encodePolicy URL-encodes a policy document as IAM returns it. Spaces become %20 rather
// than "+", so that decoders that do not treat "+" as a space (botocore) read the same text.
func encodePolicy(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// newIAMID returns a unique id such as AROA followed by 17 letters and digits.
func newIAMID(prefix string) (string, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var b [17]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("awsim: iam id: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b[:]), nil
}

// readTags reads a Tags list of the input, refusing duplicate keys and more than 50 tags.
func readTags(in protocol.Params) ([]iamTag, *protocol.Error) {
	list, _ := in["Tags"].([]any)
	if len(list) > 50 {
		return nil, iamError(400, "LimitExceeded", "the number of tags (%d) is over the "+
			"50 an entity may have", len(list))
	}
	seen := map[string]bool{}
	var tags []iamTag
	for i, v := range list {
		p, _ := v.(protocol.Params)
		k := str(p, "Key")
		if seen[strings.ToLower(k)] {
			return nil, iamError(400, "InvalidInput", "Tags.member.%d: duplicate tag key %q",
				i+1, k)
		}
		seen[strings.ToLower(k)] = true
		tags = append(tags, iamTag{Key: k, Value: str(p, "Value")})
	}
	return tags, nil
}

func tagParams(tags []iamTag) []any {
	out := make([]any, len(tags))
	for i, t := range tags {
		out[i] = protocol.Params{"Key": t.Key, "Value": t.Value}
	}
	return out
}

// iamList answers a List operation with one page of a sorted list under member, cut at
// Marker (an index) and MaxItems (1 to 1000, default 100), with IsTruncated, and Marker
// when truncated.
func iamList[T any](c *call, items []T, member string) (protocol.Params, error) {
	limit := 100
	if n, ok := c.in["MaxItems"].(int64); ok {
		limit = int(n)
	}
	start := 0
	if m := str(c.in, "Marker"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 || n > len(items) {
			return nil, iamError(400, "InvalidInput", "the Marker %q is not one this "+
				"operation returned", m)
		}
		start = n
	}
	out := protocol.Params{"IsTruncated": false}
	end := start + limit
	if end < len(items) {
		out["IsTruncated"] = true
		out["Marker"] = strconv.Itoa(end)
	} else {
		end = len(items)
	}
	page := make([]any, 0, end-start)
	for _, it := range items[start:end] {
		page = append(page, it)
	}
	out[member] = page
	return out, nil
}

// pathPrefixOf returns the PathPrefix filter of the input, "/" when none is given.
func pathPrefixOf(in protocol.Params) (string, *protocol.Error) {
	p := str(in, "PathPrefix")
	if p == "" {
		return "/", nil
	}
	if !strings.HasPrefix(p, "/") {
		return "", iamError(400, "ValidationError", "The specified value for pathPrefix is "+
			"invalid. It must begin with /.")
	}
	return p, nil
}
