package awsim

import (
	"net"
	"strconv"

	"sync"

	"github.com/proctorlabs/proctor/iampolicy"
)

// learnerPolicy makes the learner's role the administrator of its account.
const learnerPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Administrator","Effect":"Allow","Action":"*","Resource":"*"}]}`

// graderPolicy lets the grader's role read configuration and nothing else: List*, Get*,
// Describe* and the read-only actions graders call, for every service a lab may grade.
const graderPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnly","Effect":"Allow",
 "Action":["s3:Get*","s3:List*","kms:Describe*","kms:Get*","kms:List*",
  "sts:GetCallerIdentity","iam:Get*","iam:List*","iam:GenerateCredentialReport",
  "iam:SimulatePrincipalPolicy","ec2:Describe*","ec2:Get*","cloudtrail:Describe*",
  "cloudtrail:Get*","cloudtrail:List*","cloudtrail:LookupEvents","guardduty:Get*",
  "guardduty:List*","events:Describe*","events:List*","events:TestEventPattern","sns:Get*",
  "sns:List*","config:Describe*","config:Get*","config:List*","access-analyzer:Get*",
  "access-analyzer:List*","securityhub:Get*","securityhub:List*","securityhub:Describe*",
  "organizations:Describe*","organizations:List*"],
 "Resource":"*"}]}`

var (
	identityOnce     sync.Once
	identityPolicies map[string]*iampolicy.Policy
	identityErr      error
)

// identityPolicy returns the identity policy of a role; nil for the root user, which needs
// none.
func identityPolicy(role string) (*iampolicy.Policy, error) {
	identityOnce.Do(func() {
		identityPolicies = map[string]*iampolicy.Policy{}
		for role, doc := range map[string]string{roleLearner: learnerPolicy,
			roleGrader: graderPolicy} {
			p, err := iampolicy.Parse([]byte(doc))
			if err != nil {
				identityErr = err
				return
			}
			identityPolicies[role] = p
		}
	})
	return identityPolicies[role], identityErr
}

// conditionContext returns the global condition keys of the request.
func (c *call) conditionContext() map[string][]string {
	ctx := map[string][]string{
		"aws:SecureTransport": {strconv.FormatBool(c.secure)},
		"aws:CurrentTime":     {c.now.UTC().Format("2006-01-02T15:04:05Z")},
		"aws:EpochTime":       {strconv.FormatInt(c.now.Unix(), 10)},
		"aws:RequestedRegion": {c.s.cfg.Region},
	}
	if ip := sourceIP(c.r.RemoteAddr); ip != "" {
		ctx["aws:SourceIp"] = []string{ip}
	}
	if c.auth != nil {
		ctx["aws:RequestedRegion"] = []string{c.auth.Region}
	}
	switch {
	case c.key == nil:
		ctx["aws:PrincipalType"] = []string{"Anonymous"}
	case c.key.Role == roleRoot:
		ctx["aws:PrincipalType"] = []string{"Account"}
		ctx["aws:userid"] = []string{c.key.Account}
	default:
		ctx["aws:PrincipalType"] = []string{"AssumedRole"}
		ctx["aws:userid"] = []string{roleID(c.key) + ":" + sessionName(c.key.Role)}
		ctx["aws:PrincipalArn"] = []string{roleARN(c.key.Account, c.key.Role)}
		ctx["aws:PrincipalAccount"] = []string{c.key.Account}
	}
	if c.auth != nil {
		ctx["s3:signatureversion"] = []string{"AWS4-HMAC-SHA256"}
		if c.auth.Presigned {
			ctx["s3:authType"] = []string{"REST-QUERY-STRING"}
		} else {
			ctx["s3:authType"] = []string{"REST-HEADER"}
		}
		if h := c.r.Header.Get("X-Amz-Content-Sha256"); h != "" {
			ctx["s3:x-amz-content-sha256"] = []string{h}
		}
	}
	if c.r.TLS != nil || c.secure {
		ctx["s3:TlsVersion"] = []string{"1.3"}
		if c.r.TLS != nil && c.r.TLS.Version == 0x0303 {
			ctx["s3:TlsVersion"] = []string{"1.2"}
		}
	}
	return ctx
}

// roleID is the stable unique id ("AROA...") of one of the account's roles.
func roleID(k *accessKey) string {
	id := "AROA" + k.Account
	if k.Role == roleGrader {
		return id + "GRADER0"
	}
	return id + "LEARNER"
}

func sourceIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	if ip := net.ParseIP(host); ip != nil {
		if v4 := ip.To4(); v4 != nil {
			return v4.String()
		}
		return ip.String()
	}
	return ""
}

// authorize decides an action on a resource with the caller's identity policy and, when
// given, the resource's policy owned by resourceAccount. extra condition keys are added to the
// request context. It returns the decision's result.
func (c *call) authorize(action, resource string, resourcePolicy *iampolicy.Policy,
	resourceAccount string, extra map[string][]string) iampolicy.Result {
	in := iampolicy.Input{Resource: resourcePolicy, ResourceAccount: resourceAccount}
	if c.key != nil && c.key.Role != roleRoot {
		pol, err := identityPolicy(c.key.Role)
		if err != nil {
			c.s.log.Error("awsim identity policy does not parse", "role", c.key.Role, "err", err)
			return iampolicy.Result{Decision: iampolicy.ImplicitDeny}
		}
		in.Identity = []*iampolicy.Policy{pol}
	}
	ctx := c.conditionContext()
	for k, v := range extra {
		ctx[k] = v
	}
	return iampolicy.Evaluate(in, iampolicy.Request{Principal: c.principal, Action: action,
		Resource: resource, Context: ctx})
}

// allowedByIdentity authorises an action with the caller's identity policy alone, for
// actions that act on no resource with a policy of its own.
func (c *call) allowedByIdentity(action, resource string) bool {
	if c.key == nil {
		return false
	}
	return c.authorize(action, resource, nil, "", nil).Decision == iampolicy.Allowed
}

func isRootKey(k *accessKey) bool { return k != nil && k.Role == roleRoot }

// userIDOf is GetCallerIdentity's UserId.
func userIDOf(k *accessKey) string {
	if k.Role == roleRoot {
		return k.Account
	}
	return roleID(k) + ":" + sessionName(k.Role)
}

// callerARN is GetCallerIdentity's Arn.
func callerARN(k *accessKey) string {
	if k.Role == roleRoot {
		return roleARN(k.Account, roleRoot)
	}
	return sessionARN(k)
}
