package difftest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Case is one generated request with the policies that apply to it, in the form both
// simulators read. Policy documents are kept as raw JSON.
type Case struct {
	ID                  int                 `json:"id"`
	Principal           string              `json:"principal"` // "" is anonymous
	Action              string              `json:"action"`
	Resource            string              `json:"resource"`
	ResourceAccount     string              `json:"resourceAccount"`
	Context             map[string][]string `json:"context"`
	IdentityPolicies    []json.RawMessage   `json:"identityPolicies"`
	ResourcePolicy      json.RawMessage     `json:"resourcePolicy,omitempty"`
	PermissionsBoundary json.RawMessage     `json:"permissionsBoundary,omitempty"`
	SCPs                []json.RawMessage   `json:"scps"`
	RCPs                []json.RawMessage   `json:"rcps"`
	SessionPolicy       json.RawMessage     `json:"sessionPolicy,omitempty"`
}

// The two accounts of every case: the resources live in Owner.
const (
	Owner   = "111111111111"
	Partner = "222222222222"
)

type principal struct {
	arn, account, username, userid string
	session                        bool
	tags                           map[string]string
}

var principals = []principal{
	{arn: "arn:aws:iam::111111111111:user/alice", account: Owner, username: "alice",
		userid: "AIDAALICE", tags: map[string]string{"team": "data"}},
	{arn: "arn:aws:iam::111111111111:user/carol", account: Owner, username: "carol",
		userid: "AIDACAROL", tags: map[string]string{"team": "web"}},
	{arn: "arn:aws:sts::111111111111:assumed-role/app/s1", account: Owner,
		userid: "AROAAPP:s1", session: true, tags: map[string]string{"team": "data"}},
	{arn: "arn:aws:sts::222222222222:assumed-role/partner/s2", account: Partner,
		userid: "AROAPARTNER:s2", session: true},
	{arn: "arn:aws:iam::222222222222:user/bob", account: Partner, username: "bob",
		userid: "AIDABOB", tags: map[string]string{"team": "data"}},
}

// root is the owner account's root user, used in a few cases.
var root = principal{arn: "arn:aws:iam::111111111111:root", account: Owner,
	userid: "111111111111"}

type target struct {
	actions   []string
	resources []string
}

// targets are the actions and resources requests use: S3 objects and buckets, and
// resources of services whose evaluation follows AWS's general logic.
var targets = []target{
	{[]string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging",
		"s3:PutObjectAcl"},
		[]string{"arn:aws:s3:::data-bucket/reports/q1.csv", "arn:aws:s3:::data-bucket/alice/notes",
			"arn:aws:s3:::data-bucket-logs/2026/01/01.log", "arn:aws:s3:::other-bucket/file"}},
	{[]string{"s3:ListBucket", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
		"s3:GetEncryptionConfiguration", "s3:DeleteBucket"},
		[]string{"arn:aws:s3:::data-bucket", "arn:aws:s3:::data-bucket-logs",
			"arn:aws:s3:::other-bucket"}},
	{[]string{"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
		"sqs:GetQueueAttributes"},
		[]string{"arn:aws:sqs:us-east-1:111111111111:orders",
			"arn:aws:sqs:eu-west-1:111111111111:audit"}},
	{[]string{"sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes"},
		[]string{"arn:aws:sns:us-east-1:111111111111:alerts"}},
	{[]string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteTable"},
		[]string{"arn:aws:dynamodb:us-east-1:111111111111:table/Orders",
			"arn:aws:dynamodb:us-east-1:111111111111:table/Users"}},
	{[]string{"secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret"},
		[]string{"arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf"}},
	{[]string{"kms:Decrypt", "kms:Encrypt", "kms:DescribeKey", "kms:ScheduleKeyDeletion"},
		[]string{"arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"}},
	{[]string{"sts:AssumeRole", "sts:TagSession"},
		[]string{"arn:aws:iam::111111111111:role/target"}},
}

var actionPatterns = []string{
	"*", "s3:*", "s3:Get*", "s3:*Object", "s3:List*", "s3:Put*", "s3:GetObject",
	"s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:*Policy", "s3:Get?bject",
	"sqs:*", "sqs:SendMessage", "sqs:Receive*", "sns:*", "sns:Publish", "dynamodb:*",
	"dynamodb:Get*", "dynamodb:PutItem", "dynamodb:*Item", "secretsmanager:*",
	"secretsmanager:GetSecretValue", "S3:getobject", "iam:PassRole", "kms:*", "kms:Decrypt",
	"kms:*crypt", "sts:AssumeRole", "sts:*",
}

var resourcePatterns = []string{
	"*", "arn:aws:s3:::data-bucket", "arn:aws:s3:::data-bucket/*", "arn:aws:s3:::data-bucket*",
	"arn:aws:s3:::*", "arn:aws:s3:::*/reports/*", "arn:aws:s3:::data-?ucket/*",
	"arn:aws:s3:::data-bucket/${aws:username}/*", "arn:aws:s3:::other-bucket/*",
	"arn:aws:s3:::data-bucket-logs/*", "arn:aws:sqs:*:111111111111:*",
	"arn:aws:sqs:us-east-1:111111111111:orders", "arn:aws:sqs:us-*:*:*",
	"arn:aws:sns:us-east-1:111111111111:alerts", "arn:aws:dynamodb:*:*:table/Orders",
	"arn:aws:dynamodb:us-east-1:111111111111:table/*", "arn:aws:secretsmanager:*:*:secret:db-*",
	"arn:aws:*:*:111111111111:*", "arn:aws:s3:::DATA-BUCKET/*",
	"arn:aws:s3:::data-bucket/${aws:PrincipalTag/team}*",
	"arn:aws:kms:*:111111111111:key/*", "arn:aws:iam::111111111111:role/target",
	"arn:aws:iam::*:role/*",
}

var awsPrincipals = []string{
	"111111111111", "arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:user/alice",
	"arn:aws:iam::111111111111:role/app", "arn:aws:sts::111111111111:assumed-role/app/s1",
	"222222222222", "arn:aws:iam::222222222222:role/partner",
	"arn:aws:iam::222222222222:user/bob", "arn:aws:iam::222222222222:root",
	"arn:aws:iam::111111111111:role/other",
}

// condition is a template: operator, key and the values it may compare with.
type condition struct {
	op     string
	key    string
	values []string
}

// rareConditions are templates on which the two simulators are known to differ (see
// known.go); they are drawn less often so that the cases test everything else.
var rareConditions = []condition{
	{"ArnLike", "aws:PrincipalArn", []string{"arn:aws:iam::${aws:PrincipalAccount}:*"}},
	{"ForAnyValue:StringEqualsIfExists", "aws:PrincipalServiceNamesList",
		[]string{"ecs.amazonaws.com"}},
}

var conditions = []condition{
	{"Bool", "aws:SecureTransport", []string{"true", "false"}},
	{"BoolIfExists", "aws:SecureTransport", []string{"false"}},
	{"Bool", "aws:MultiFactorAuthPresent", []string{"true"}},
	{"BoolIfExists", "aws:MultiFactorAuthPresent", []string{"false"}},
	{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24", "198.51.100.7", "10.0.0.0/8"}},
	{"NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24", "192.0.2.0/24"}},
	{"StringEquals", "aws:PrincipalTag/team", []string{"data", "web"}},
	{"StringNotEquals", "aws:PrincipalTag/team", []string{"data"}},
	{"StringEqualsIgnoreCase", "aws:PrincipalTag/team", []string{"DATA"}},
	{"StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", []string{"Web"}},
	{"StringLike", "aws:PrincipalTag/team", []string{"d*", "w?b"}},
	{"StringNotLike", "aws:PrincipalTag/team", []string{"d*"}},
	{"StringEqualsIfExists", "aws:PrincipalTag/team", []string{"data"}},
	{"StringNotEqualsIfExists", "aws:PrincipalTag/team", []string{"web"}},
	{"StringEquals", "aws:RequestedRegion", []string{"us-east-1", "eu-west-1"}},
	{"StringNotEquals", "aws:RequestedRegion", []string{"us-east-1"}},
	{"StringLike", "aws:userid", []string{"AROA*", "AIDA*", "*:s1"}},
	{"StringEquals", "aws:username", []string{"alice", "bob"}},
	{"StringLike", "aws:username", []string{"${aws:username}", "a*"}},
	{"StringEquals", "aws:PrincipalAccount", []string{"111111111111", "222222222222"}},
	{"StringNotEquals", "aws:PrincipalAccount", []string{"111111111111"}},
	{"ArnLike", "aws:PrincipalArn", []string{"arn:aws:iam::111111111111:*",
		"arn:aws:iam::*:role/app", "arn:aws:iam::*:user/*"}},
	{"ArnNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::222222222222:*"}},
	{"ArnLike", "aws:PrincipalArn", []string{"arn:aws:iam::*:*/app", "arn:aws:iam::*:r?le/*"}},
	{"ArnNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::*:*/alice"}},
	{"ArnEquals", "aws:PrincipalArn", []string{"arn:aws:iam::111111111111:role/app"}},
	{"ArnNotEquals", "aws:PrincipalArn", []string{"arn:aws:iam::111111111111:user/alice"}},
	{"ArnLikeIfExists", "aws:SourceArn", []string{"arn:aws:sns:*:111111111111:*"}},
	{"NumericLessThan", "aws:MultiFactorAuthAge", []string{"3600", "60"}},
	{"NumericGreaterThanEquals", "aws:MultiFactorAuthAge", []string{"600"}},
	{"NumericEquals", "aws:MultiFactorAuthAge", []string{"300"}},
	{"NumericNotEquals", "aws:MultiFactorAuthAge", []string{"300"}},
	{"NumericLessThanEqualsIfExists", "aws:MultiFactorAuthAge", []string{"300"}},
	{"NumericGreaterThan", "aws:MultiFactorAuthAge", []string{"100"}},
	{"DateGreaterThan", "aws:CurrentTime", []string{"2026-01-01T00:00:00Z"}},
	{"DateLessThan", "aws:CurrentTime", []string{"2026-06-01T00:00:00Z", "2025-01-01"}},
	{"DateLessThanEquals", "aws:CurrentTime", []string{"2026-03-01T12:00:00Z"}},
	{"DateGreaterThanEquals", "aws:CurrentTime", []string{"2026-03-01T12:00:00Z"}},
	{"DateEquals", "aws:CurrentTime", []string{"2026-03-01T12:00:00Z"}},
	{"DateNotEquals", "aws:CurrentTime", []string{"2026-03-01T12:00:00Z"}},
	{"Null", "aws:SourceVpc", []string{"true", "false"}},
	{"Null", "aws:PrincipalTag/team", []string{"true", "false"}},
	{"StringEquals", "aws:SourceVpc", []string{"vpc-111", "vpc-222"}},
	{"StringEqualsIfExists", "aws:SourceVpc", []string{"vpc-111"}},
	{"ForAnyValue:StringEquals", "aws:PrincipalServiceNamesList",
		[]string{"ec2.amazonaws.com", "lambda.amazonaws.com"}},
	{"ForAllValues:StringEquals", "aws:PrincipalServiceNamesList",
		[]string{"ec2.amazonaws.com", "lambda.amazonaws.com"}},
	{"ForAnyValue:StringLike", "aws:PrincipalServiceNamesList", []string{"*.amazonaws.com"}},
	{"ForAllValues:StringNotEquals", "aws:PrincipalServiceNamesList",
		[]string{"ec2.amazonaws.com"}},
	{"ForAnyValue:StringNotLike", "aws:PrincipalServiceNamesList", []string{"ec2.*"}},
	{"ForAllValues:StringNotLike", "aws:PrincipalServiceNamesList", []string{"ecs.*"}},
	{"ForAllValues:StringLikeIfExists", "aws:PrincipalServiceNamesList", []string{"e*"}},
	{"ForAnyValue:StringEqualsIgnoreCase", "aws:PrincipalServiceNamesList",
		[]string{"EC2.amazonaws.com"}},
	{"StringEquals", "aws:ResourceAccount", []string{"111111111111"}},
	{"StringEquals", "aws:PrincipalTag/team", []string{"${aws:username}", "data"}},
	{"StringNotEquals", "aws:PrincipalTag/team", []string{"${aws:username}"}},
	{"StringLike", "aws:userid", []string{"*:${aws:username}", "AIDA${aws:username}*"}},
	{"StringEquals", "aws:username", []string{"${aws:PrincipalTag/team}"}},
	{"StringNotLike", "aws:PrincipalArn", []string{"*/${aws:username}"}},
	{"StringEquals", "aws:PrincipalOrgID", []string{"o-abc"}},
	{"StringNotEqualsIfExists", "aws:PrincipalOrgID", []string{"o-abc"}},
}

// Generator produces cases from a seed; the same seed gives the same cases.
type Generator struct {
	r *rand.Rand
	// The current case's action and resource, from which statements often draw patterns
	// that match, so that allows and denies are frequent.
	action, resource string
}

// NewGenerator returns a generator seeded with seed.
func NewGenerator(seed uint64) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *Generator) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *Generator) chance(p float64) bool { return g.r.Float64() < p }

// Next returns case number id.
func (g *Generator) Next(id int) Case {
	c := Case{ID: id, ResourceAccount: Owner, Context: map[string][]string{}}
	t := targets[g.r.IntN(len(targets))]
	c.Action = g.pick(t.actions)
	c.Resource = g.pick(t.resources)
	g.action, g.resource = c.Action, c.Resource

	anonymous := g.chance(0.05)
	service := !anonymous && g.chance(0.03)
	var p principal
	switch {
	case service:
		c.Principal = "sns.amazonaws.com"
	case !anonymous:
		p = principals[g.r.IntN(len(principals))]
		if g.chance(0.001) {
			p = root
		}
		c.Principal = p.arn
	}
	g.context(&c, p, anonymous || service)

	if !anonymous && !service {
		for range g.r.IntN(3) {
			c.IdentityPolicies = append(c.IdentityPolicies, g.policy(false, 1+g.r.IntN(3)))
		}
		if g.chance(0.15) {
			c.PermissionsBoundary = g.policy(false, 1+g.r.IntN(2))
		}
		if g.chance(0.15) {
			for range 1 + g.r.IntN(2) {
				c.SCPs = append(c.SCPs, g.scp())
			}
		}
		if p.session && g.chance(0.1) {
			c.SessionPolicy = g.policy(false, 1+g.r.IntN(2))
		}
	}
	if anonymous || service || g.chance(0.6) {
		c.ResourcePolicy = g.policy(true, 1+g.r.IntN(3))
	}
	if !service && g.chance(0.1) {
		c.RCPs = append(c.RCPs, g.rcp())
	}
	if c.IdentityPolicies == nil {
		c.IdentityPolicies = []json.RawMessage{}
	}
	if c.SCPs == nil {
		c.SCPs = []json.RawMessage{}
	}
	if c.RCPs == nil {
		c.RCPs = []json.RawMessage{}
	}
	return c
}

// context fills the request's condition keys as AWS would for the principal, with random
// values for the keys a request may or may not carry.
func (g *Generator) context(c *Case, p principal, anonymous bool) {
	set := func(k string, v ...string) { c.Context[k] = v }
	if !anonymous {
		set("aws:PrincipalArn", principalArnKey(p.arn))
		set("aws:PrincipalAccount", p.account)
		set("aws:userid", p.userid)
		if p.username != "" {
			set("aws:username", p.username)
		}
		for k, v := range p.tags {
			set("aws:PrincipalTag/"+k, v)
		}
		if g.chance(0.5) {
			set("aws:MultiFactorAuthPresent", g.pick([]string{"true", "false"}))
		}
		if g.chance(0.4) {
			set("aws:MultiFactorAuthAge", g.pick([]string{"30", "300", "900", "7200"}))
		}
		if g.chance(0.3) {
			set("aws:PrincipalOrgID", g.pick([]string{"o-abc", "o-xyz"}))
		}
	}
	set("aws:SecureTransport", g.pick([]string{"true", "false"}))
	set("aws:SourceIp", g.pick([]string{"203.0.113.5", "198.51.100.7", "10.1.2.3", "192.0.2.1"}))
	set("aws:CurrentTime", g.pick([]string{"2026-03-01T12:00:00Z", "2025-06-01T00:00:00Z",
		"2026-08-01T00:00:00Z"}))
	set("aws:RequestedRegion", g.pick([]string{"us-east-1", "eu-west-1"}))
	set("aws:ResourceAccount", Owner)
	if g.chance(0.3) {
		set("aws:SourceVpc", g.pick([]string{"vpc-111", "vpc-222"}))
	}
	if g.chance(0.2) {
		set("aws:SourceArn", g.pick([]string{"arn:aws:sns:us-east-1:111111111111:alerts",
			"arn:aws:sns:us-east-1:222222222222:x"}))
	}
	if !anonymous && g.chance(0.3) {
		n := 1 + g.r.IntN(2)
		vals := []string{"ec2.amazonaws.com", "lambda.amazonaws.com", "ecs.amazonaws.com"}
		g.r.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
		set("aws:PrincipalServiceNamesList", vals[:n]...)
	}
}

// principalArnKey returns aws:PrincipalArn for a principal: a role session's role.
func principalArnKey(arn string) string {
	if rest, ok := strings.CutPrefix(arn, "arn:aws:sts::"); ok {
		acct, res, _ := strings.Cut(rest, ":")
		if name, ok := strings.CutPrefix(res, "assumed-role/"); ok {
			role, _, _ := strings.Cut(name, "/")
			return "arn:aws:iam::" + acct + ":role/" + role
		}
	}
	return arn
}

func (g *Generator) scp() json.RawMessage {
	stmts := []map[string]any{{"Effect": "Allow", "Action": "*", "Resource": "*"}}
	if g.chance(0.5) {
		stmts = nil
		for range 1 + g.r.IntN(2) {
			stmts = append(stmts, g.statement(false))
		}
	}
	return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": stmts})
}

// rcp returns a resource control policy: Deny statements for every principal, as AWS
// allows in a customer-managed RCP.
func (g *Generator) rcp() json.RawMessage {
	var stmts []map[string]any
	for range 1 + g.r.IntN(2) {
		s := g.statement(false)
		s["Effect"] = "Deny"
		s["Principal"] = "*"
		// RCPs take neither NotAction nor the action "*".
		delete(s, "NotAction")
		s["Action"] = g.list([]string{"s3:*", "s3:GetObject", "sqs:*", "s3:Put*",
			"dynamodb:*", "secretsmanager:GetSecretValue", "sns:Publish"}, 2)
		stmts = append(stmts, s)
	}
	return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": stmts})
}

func (g *Generator) policy(resource bool, n int) json.RawMessage {
	var stmts []map[string]any
	for i := range n {
		s := g.statement(resource)
		if g.chance(0.3) {
			s["Sid"] = fmt.Sprintf("S%d", i)
		}
		stmts = append(stmts, s)
	}
	return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": stmts})
}

func (g *Generator) list(src []string, max int) any {
	n := 1 + g.r.IntN(max)
	if n == 1 && g.chance(0.5) {
		return g.pick(src)
	}
	out := make([]string, 0, n)
	seen := map[string]bool{}
	for range n {
		v := g.pick(src)
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func (g *Generator) statement(resource bool) map[string]any {
	s := map[string]any{}
	effect := "Allow"
	if g.chance(0.3) {
		effect = "Deny"
	}
	s["Effect"] = effect
	actions, resources := actionPatterns, resourcePatterns
	if g.chance(0.5) {
		actions = relatedActions(g.action)
	}
	if g.chance(0.5) {
		resources = relatedResources(g.resource)
	}
	if g.chance(0.12) {
		s["NotAction"] = g.list(actionPatterns[1:], 2)
	} else {
		s["Action"] = g.list(actions, 3)
	}
	if g.chance(0.08) {
		s["NotResource"] = g.list(resourcePatterns[1:], 2)
	} else {
		s["Resource"] = g.list(resources, 3)
	}
	if resource {
		if effect == "Allow" && g.chance(0.002) {
			s["NotPrincipal"] = map[string]any{"AWS": g.list(awsPrincipals, 2)}
		} else if effect == "Deny" && g.chance(0.15) {
			s["NotPrincipal"] = map[string]any{"AWS": g.list(awsPrincipals, 3)}
		} else if g.chance(0.25) {
			s["Principal"] = "*"
		} else if g.chance(0.05) {
			s["Principal"] = map[string]any{"AWS": "*"}
		} else if g.chance(0.05) {
			s["Principal"] = map[string]any{"Service": "sns.amazonaws.com"}
		} else {
			s["Principal"] = map[string]any{"AWS": g.list(awsPrincipals, 3)}
		}
	}
	if g.chance(0.4) {
		cond := map[string]map[string]any{}
		for range 1 + g.r.IntN(2) {
			t := conditions[g.r.IntN(len(conditions))]
			if g.chance(0.0015) {
				t = rareConditions[g.r.IntN(len(rareConditions))]
			}
			if cond[t.op] == nil {
				cond[t.op] = map[string]any{}
			}
			key := t.key
			if g.chance(0.1) {
				key = strings.ToUpper(key[:1]) + strings.ToLower(key[1:])
			}
			cond[t.op][key] = g.list(t.values, 2)
		}
		s["Condition"] = cond
	}
	return s
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// relatedActions returns patterns that match the action, and near misses.
func relatedActions(action string) []string {
	svc, name, _ := strings.Cut(action, ":")
	out := []string{action, svc + ":*", strings.ToLower(action), "*", svc + ":" + name[:3] + "*",
		svc + ":*" + name[len(name)-3:]}
	return append(out, svc+":"+name+"X", svc+":"+name[:len(name)-1]+"?")
}

// relatedResources returns patterns that match the resource, and near misses.
func relatedResources(resource string) []string {
	out := []string{resource, "*", resource + "*"}
	if i := strings.LastIndexByte(resource, '/'); i > 0 {
		out = append(out, resource[:i]+"/*", resource[:i]+"*")
	}
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) == 6 {
		out = append(out, strings.Join(append(parts[:3:3], "*", "*", parts[5]), ":"),
			strings.Join(append(parts[:5:5], "?"+parts[5][1:]), ":"),
			strings.Join(append(parts[:4:4], "999999999999", parts[5]), ":"),
			strings.Join(append(parts[:5:5], strings.ToUpper(parts[5])), ":"))
	}
	return out
}
