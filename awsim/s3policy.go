package awsim

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/iampolicy"
)

// maxBucketPolicy is S3's limit on a bucket policy's size.
const maxBucketPolicy = 20 * 1024

func malformedPolicy(reason string) *protocol.Error {
	return &protocol.Error{Status: 400, Code: "MalformedPolicy", Sender: true, Message: reason}
}

// parseBucketPolicy parses a bucket policy and applies the rules S3 adds to the policy
// grammar: every statement names a principal, its actions are S3 actions and its resources
// lie in the bucket.
func parseBucketPolicy(bucketName, doc string) (*iampolicy.Policy, *protocol.Error) {
	if len(doc) > maxBucketPolicy {
		return nil, malformedPolicy("Policies must be at most 20 KB in size")
	}
	if !json.Valid([]byte(doc)) {
		_, err := iampolicy.Parse([]byte(doc))
		if err == nil {
			err = errors.New("not valid JSON")
		}
		return nil, malformedPolicy("Policies must be valid JSON and the first byte must be " +
			"'{': " + err.Error())
	}
	pol, err := iampolicy.Parse([]byte(doc))
	if err != nil {
		return nil, malformedPolicy(err.Error())
	}
	if len(pol.Statements) == 0 {
		return nil, malformedPolicy("Missing required field Statement")
	}
	bucketARN := "arn:aws:s3:::" + bucketName
	for i, st := range pol.Statements {
		if st.Principal == nil {
			return nil, malformedPolicy("Missing required field Principal in Statement " +
				itoa(i))
		}
		for _, a := range st.Actions {
			if !knownS3Action(a) {
				return nil, malformedPolicy("Policy has an invalid action: " + a +
					" (Statement " + itoa(i) + ")")
			}
		}
		if st.Resources == nil {
			return nil, malformedPolicy("Missing required field Resource in Statement " +
				itoa(i))
		}
		for _, r := range st.Resources {
			if !resourceInBucket(r, bucketARN) {
				return nil, malformedPolicy("Policy has invalid resource: " + r +
					" (Statement " + itoa(i) + ")")
			}
		}
	}
	return pol, nil
}

// knownS3Action reports whether an action pattern of a bucket policy names at least one S3
// action of the IAM action catalog, as S3 requires: "*", "s3:*", "s3:Get*" or
// "s3:GetObject", but not "s3:Fly" or "kms:Decrypt".
func knownS3Action(pattern string) bool {
	if pattern == "*" {
		return true
	}
	if !strings.HasPrefix(strings.ToLower(pattern), "s3:") {
		return false
	}
	return len(iampolicy.DefaultCatalog().ExpandAction(pattern)) > 0
}

func resourceInBucket(r, bucketARN string) bool {
	if r == bucketARN || strings.HasPrefix(r, bucketARN+"/") {
		return true
	}
	// A wildcard may cover the bucket, such as arn:aws:s3:::my-bucket* or arn:aws:s3:::*.
	if i := strings.IndexAny(r, "*?"); i >= 0 && strings.HasPrefix(r, "arn:aws:s3:::") {
		return strings.HasPrefix(bucketARN, r[:i])
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }

func putBucketPolicy(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:PutBucketPolicy", b, "", nil); err != nil {
		return nil, err
	}
	doc := str(c.in, "Policy")
	pol, perr := parseBucketPolicy(b.name, doc)
	if perr != nil {
		return nil, perr
	}
	if b.pab.BlockPublicPolicy && policyIsPublic(pol) {
		return nil, &protocol.Error{Status: 403, Code: "AccessDenied", Sender: true,
			Message: "User is not authorized to perform: s3:PutBucketPolicy on resource: " +
				"\"arn:aws:s3:::" + b.name + "\" because public policies are blocked by the " +
				"BlockPublicPolicy block public access setting."}
	}
	return protocol.Params{}, c.mutateBucket(b.name, func(live *bucket) {
		live.Policy = doc
		live.parsedPolicy = pol
	})
}

func noSuchBucketPolicy(name string) *protocol.Error {
	return &protocol.Error{Status: 404, Code: "NoSuchBucketPolicy", Sender: true,
		Message: "The bucket policy does not exist", Fields: map[string]string{"BucketName": name}}
}

func getBucketPolicy(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:GetBucketPolicy", b, "", nil); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	doc := ""
	if live, ok := c.s.st.Buckets[b.name]; ok {
		doc = live.Policy
	}
	c.s.mu.RUnlock()
	if doc == "" {
		return nil, noSuchBucketPolicy(b.name)
	}
	return protocol.Params{"Policy": doc}, nil
}

func deleteBucketPolicy(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:DeleteBucketPolicy", b, "", nil); err != nil {
		return nil, err
	}
	return protocol.Params{}, c.mutateBucket(b.name, func(live *bucket) {
		live.Policy = ""
		live.parsedPolicy = nil
	})
}

func getBucketPolicyStatus(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:GetBucketPolicyStatus", b, "", nil); err != nil {
		return nil, err
	}
	if b.policy == nil {
		return nil, noSuchBucketPolicy(b.name)
	}
	status := protocol.Params{"IsPublic": policyIsPublic(b.policy)}
	return protocol.Params{"PolicyStatus": status}, nil
}
