package awsim

import (
	"net"
	"regexp"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/iampolicy"
)

func s3Handlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"CreateBucket":               createBucket,
		"ListBuckets":                listBuckets,
		"HeadBucket":                 headBucket,
		"GetBucketLocation":          getBucketLocation,
		"DeleteBucket":               deleteBucket,
		"PutBucketPolicy":            putBucketPolicy,
		"GetBucketPolicy":            getBucketPolicy,
		"DeleteBucketPolicy":         deleteBucketPolicy,
		"GetBucketPolicyStatus":      getBucketPolicyStatus,
		"PutPublicAccessBlock":       putPublicAccessBlock,
		"GetPublicAccessBlock":       getPublicAccessBlock,
		"DeletePublicAccessBlock":    deletePublicAccessBlock,
		"GetBucketAcl":               getBucketACL,
		"PutBucketAcl":               putBucketACL,
		"GetBucketOwnershipControls": getOwnershipControls,
		"PutBucketOwnershipControls": putOwnershipControls,
		"PutBucketEncryption":        putBucketEncryption,
		"GetBucketEncryption":        getBucketEncryption,
		"DeleteBucketEncryption":     deleteBucketEncryption,
		"PutObject":                  putObject,
		"GetObject":                  getObject,
		"HeadObject":                 headObject,
		"DeleteObject":               deleteObject,
		"ListObjectsV2":              listObjectsV2,
		"ListObjects":                listObjects,
		"CreateMultipartUpload":      createMultipartUpload,
		"UploadPart":                 uploadPartHandler,
		"CompleteMultipartUpload":    completeMultipartUpload,
		"AbortMultipartUpload":       abortMultipartUpload,
	}
}

// bucketView is what authorising a request on a bucket needs, copied under the lock.
type bucketView struct {
	name, account, region string
	policy                *iampolicy.Policy
	// pab is the effective Block Public Access: the account's and the bucket's settings
	// combined, each true when either level sets it.
	pab publicAccessBlock
}

func str(p protocol.Params, name string) string {
	s, _ := p[name].(string)
	return s
}

func boolean(p protocol.Params, name string) bool {
	b, _ := p[name].(bool)
	return b
}

func noSuchBucket(name string) *protocol.Error {
	return &protocol.Error{Status: 404, Code: "NoSuchBucket", Sender: true,
		Message: "The specified bucket does not exist",
		Fields:  map[string]string{"BucketName": name}}
}

// view returns the bucket named in the input, or NoSuchBucket.
func (c *call) view() (*bucketView, *protocol.Error) {
	name := str(c.in, "Bucket")
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	b, ok := c.s.st.Buckets[name]
	if !ok {
		return nil, noSuchBucket(name)
	}
	v := &bucketView{name: b.Name, account: b.Account, region: b.Region, policy: b.parsedPolicy}
	for _, p := range []*publicAccessBlock{b.PublicAccessBlock,
		c.s.st.Accounts[b.Account].PublicAccessBlock} {
		if p != nil {
			v.pab.BlockPublicAcls = v.pab.BlockPublicAcls || p.BlockPublicAcls
			v.pab.IgnorePublicAcls = v.pab.IgnorePublicAcls || p.IgnorePublicAcls
			v.pab.BlockPublicPolicy = v.pab.BlockPublicPolicy || p.BlockPublicPolicy
			v.pab.RestrictPublicBuckets = v.pab.RestrictPublicBuckets || p.RestrictPublicBuckets
		}
	}
	return v, nil
}

// bucketPolicyActions are the actions the account root user may always perform on its own
// buckets, whatever the bucket policy denies, so that a locked bucket can be recovered.
var bucketPolicyActions = map[string]bool{
	"s3:GetBucketPolicy": true, "s3:PutBucketPolicy": true, "s3:DeleteBucketPolicy": true,
}

// allow authorises an S3 action on a bucket (and object key, when not empty). A principal of
// another account is always refused: accounts are separate tenants. Anonymous callers are
// allowed only by the bucket policy, and not at all when RestrictPublicBuckets applies to a
// public policy.
func (c *call) allow(action string, b *bucketView, key string,
	extra map[string][]string) *protocol.Error {
	if c.key != nil && c.key.Account != b.account {
		return accessDenied()
	}
	resource := "arn:aws:s3:::" + b.name
	if key != "" {
		resource += "/" + key
	}
	pol := b.policy
	if c.key == nil && b.pab.RestrictPublicBuckets && policyIsPublic(pol) {
		pol = nil
	}
	if isRootKey(c.key) && bucketPolicyActions[action] {
		pol = nil
	}
	if extra == nil {
		extra = map[string][]string{}
	}
	extra["s3:ResourceAccount"] = []string{b.account}
	if c.authorize(action, resource, pol, b.account, extra).Decision != iampolicy.Allowed {
		return accessDenied()
	}
	return nil
}

// allowAccount authorises an S3 action that acts on no bucket (CreateBucket, ListBuckets).
func (c *call) allowAccount(action, resource string) *protocol.Error {
	if c.key == nil {
		return accessDenied()
	}
	if c.authorize(action, resource, nil, "", nil).Decision != iampolicy.Allowed {
		return accessDenied()
	}
	return nil
}

var bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// checkBucketName applies S3's naming rules for general purpose buckets.
func checkBucketName(name string) *protocol.Error {
	bad := func(why string) *protocol.Error {
		return &protocol.Error{Status: 400, Code: "InvalidBucketName", Sender: true,
			Message: "The specified bucket is not valid: " + why,
			Fields:  map[string]string{"BucketName": name}}
	}
	switch {
	case !bucketNameRE.MatchString(name):
		return bad("names are 3 to 63 lower-case letters, digits, dots and hyphens, " +
			"beginning and ending with a letter or digit")
	case strings.Contains(name, ".."):
		return bad("names must not contain two adjacent periods")
	case net.ParseIP(name) != nil:
		return bad("names must not be formatted as an IP address")
	case strings.HasPrefix(name, "xn--"), strings.HasPrefix(name, "sthree-"):
		return bad("names must not start with xn-- or sthree-")
	case strings.HasSuffix(name, "-s3alias"), strings.HasSuffix(name, "--ol-s3"):
		return bad("names must not end with -s3alias or --ol-s3")
	}
	return nil
}

func createBucket(c *call) (protocol.Params, error) {
	name := str(c.in, "Bucket")
	if err := checkBucketName(name); err != nil {
		return nil, err
	}
	if err := c.allowAccount("s3:CreateBucket", "arn:aws:s3:::"+name); err != nil {
		return nil, err
	}
	// TODO: the LocationConstraint is not checked against the request's region, so a bucket
	// created without one from another region is accepted (AWS answers
	// IllegalLocationConstraintException) and setups that pass here may fail on AWS.
	region := "us-east-1"
	if cfg, ok := c.in["CreateBucketConfiguration"].(protocol.Params); ok {
		if lc := str(cfg, "LocationConstraint"); lc != "" {
			if lc == "us-east-1" {
				return nil, protocol.Errorf(400, "InvalidLocationConstraint",
					"The specified location-constraint is not valid")
			}
			region = lc
		}
	}
	if own := str(c.in, "ObjectOwnership"); own != "" && own != ownershipEnforced {
		return nil, protocol.Errorf(400, "InvalidArgument",
			"awsim supports only the %s object ownership, not %q", ownershipEnforced, own)
	}
	if acl := str(c.in, "ACL"); acl != "" && acl != "private" {
		return nil, protocol.Errorf(400, "InvalidBucketAclWithObjectOwnership",
			"Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
	}

	if err := c.insertBucket(name, region); err != nil {
		return nil, err
	}
	c.s.changed(c.key.Account)
	return protocol.Params{"Location": "/" + name}, nil
}

// insertBucket creates a bucket of the caller's account under the write lock (released even
// on a panic), refusing a name another bucket has.
func (c *call) insertBucket(name, region string) *protocol.Error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	owner, live := c.s.st.Accounts[c.key.Account]
	if !live {
		return authError(c.svc, errUnknownKey, "")
	}
	if b, taken := c.s.st.Buckets[name]; taken {
		if b.Account == c.key.Account {
			return &protocol.Error{Status: 409, Code: "BucketAlreadyOwnedByYou",
				Sender: true, Fields: map[string]string{"BucketName": name},
				Message: "Your previous request to create the named bucket succeeded and " +
					"you already own it."}
		}
		return &protocol.Error{Status: 409, Code: "BucketAlreadyExists", Sender: true,
			Fields: map[string]string{"BucketName": name},
			Message: "The requested bucket name is not available. The bucket namespace is " +
				"shared by all users of the system. Please select a different name and try " +
				"again."}
	}
	// New buckets get what AWS gives them since 2023: Block Public Access on, ACLs
	// disabled, and SSE-S3 default encryption.
	c.s.st.Buckets[name] = &bucket{
		Name: name, Account: c.key.Account, Region: region, CreatedAt: c.now.UTC(),
		PublicAccessBlock: &publicAccessBlock{true, true, true, true},
		Encryption:        &encryptionRule{Algorithm: "AES256"},
		Objects:           map[string]*s3Object{},
	}
	owner.buckets[name] = struct{}{}
	return nil
}

func canonicalUserID(account string) string {
	return strings.Repeat("0", 64-len(account)) + account
}

func listBuckets(c *call) (protocol.Params, error) {
	if err := c.allowAccount("s3:ListAllMyBuckets", "*"); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	var list []protocol.Params
	for _, b := range c.s.st.Buckets {
		if b.Account == c.key.Account {
			list = append(list, protocol.Params{"Name": b.Name, "CreationDate": b.CreatedAt})
		}
	}
	c.s.mu.RUnlock()
	sort.Slice(list, func(i, j int) bool { return str(list[i], "Name") < str(list[j], "Name") })
	return protocol.Params{
		"Buckets": list,
		"Owner": protocol.Params{"ID": canonicalUserID(c.key.Account),
			"DisplayName": "proctor-" + c.key.Account},
	}, nil
}

func headBucket(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:ListBucket", b, "", nil); err != nil {
		return nil, err
	}
	c.extraHeaders = map[string]string{"x-amz-bucket-region": b.region}
	return protocol.Params{}, nil
}

// getBucketLocation answers the bucket's region, empty for us-east-1 as S3 does.
func getBucketLocation(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:GetBucketLocation", b, "", nil); err != nil {
		return nil, err
	}
	if b.region == "us-east-1" {
		return protocol.Params{}, nil
	}
	return protocol.Params{"LocationConstraint": b.region}, nil
}

func deleteBucket(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:DeleteBucket", b, "", nil); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	live, ok := c.s.st.Buckets[b.name]
	if !ok {
		return nil, noSuchBucket(b.name)
	}
	if len(live.Objects) > 0 {
		return nil, &protocol.Error{Status: 409, Code: "BucketNotEmpty", Sender: true,
			Message: "The bucket you tried to delete is not empty",
			Fields:  map[string]string{"BucketName": b.name}}
	}
	delete(c.s.st.Buckets, b.name)
	if owner := c.s.st.Accounts[live.Account]; owner != nil {
		delete(owner.buckets, b.name)
	}
	c.s.changed(live.Account)
	return protocol.Params{}, nil
}

// mutateBucket runs f on the live bucket under the write lock (released even if f panics)
// and marks the state changed. It returns an error interface, never a typed nil, so that
// handlers can return it directly.
func (c *call) mutateBucket(name string, f func(b *bucket)) error {
	owner, err := c.withBucket(name, f)
	if err != nil {
		return err
	}
	c.s.changed(owner)
	return nil
}

// withBucket runs f on the live bucket under the write lock and returns its account.
func (c *call) withBucket(name string, f func(b *bucket)) (string, *protocol.Error) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	b, ok := c.s.st.Buckets[name]
	if !ok {
		return "", noSuchBucket(name)
	}
	f(b)
	return b.Account, nil
}
