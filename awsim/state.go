package awsim

import (
	"time"

	"github.com/proctorlabs/proctor/iampolicy"
)

// state is everything awsim knows, guarded by Server.mu. The global maps index what the
// accounts own; the snapshot stores one record per account (see persist.go).
type state struct {
	Accounts map[string]*account
	Keys     map[string]*accessKey
	// Buckets is keyed by bucket name: names are global across accounts, as in AWS.
	Buckets map[string]*bucket
}

func newState() *state {
	return &state{
		Accounts: map[string]*account{},
		Keys:     map[string]*accessKey{},
		Buckets:  map[string]*bucket{},
	}
}

type account struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	// PublicAccessBlock is the account-level Block Public Access configuration (S3 Control);
	// nil when none is set.
	PublicAccessBlock *publicAccessBlock `json:"publicAccessBlock,omitempty"`
	KMSKeys           map[string]*kmsKey `json:"kmsKeys"`
	// Aliases maps a full alias name ("alias/app") to its alias.
	Aliases map[string]*kmsAlias `json:"aliases"`
	// IAM holds the account's roles and managed policies; nil until the first is created.
	IAM *iamState `json:"iam,omitempty"`

	// keyIDs and buckets index the account's access keys and bucket names in the global
	// maps, so that saving or deleting one account does not scan every other's.
	keyIDs  []string
	buckets map[string]struct{}
}

// Principal roles of an account's access keys.
const (
	roleLearner = "ProctorLearner"
	roleGrader  = "ProctorGrader"
	roleRoot    = "root"
)

type accessKey struct {
	ID           string `json:"id"`
	Secret       string `json:"secret"`
	SessionToken string `json:"sessionToken,omitempty"`
	Account      string `json:"account"`
	Role         string `json:"role"`
}

type publicAccessBlock struct {
	BlockPublicAcls       bool `json:"blockPublicAcls"`
	IgnorePublicAcls      bool `json:"ignorePublicAcls"`
	BlockPublicPolicy     bool `json:"blockPublicPolicy"`
	RestrictPublicBuckets bool `json:"restrictPublicBuckets"`
}

type encryptionRule struct {
	Algorithm        string `json:"algorithm"`
	KMSMasterKeyID   string `json:"kmsMasterKeyId,omitempty"`
	BucketKeyEnabled bool   `json:"bucketKeyEnabled,omitempty"`
}

type bucket struct {
	Name      string    `json:"name"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	CreatedAt time.Time `json:"createdAt"`
	// Policy is the bucket policy exactly as put, "" when there is none.
	Policy            string               `json:"policy,omitempty"`
	PublicAccessBlock *publicAccessBlock   `json:"publicAccessBlock,omitempty"`
	Encryption        *encryptionRule      `json:"encryption,omitempty"`
	Objects           map[string]*s3Object `json:"objects"`
	// Uploads are the multipart uploads in progress, by upload id.
	Uploads      map[string]*multipartUpload `json:"uploads,omitempty"`
	parsedPolicy *iampolicy.Policy           // Policy parsed, rebuilt on load
}

type s3Object struct {
	Key          string            `json:"key"`
	Body         []byte            `json:"body"`
	ETag         string            `json:"etag"`
	LastModified time.Time         `json:"lastModified"`
	ContentType  string            `json:"contentType,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	SSE          string            `json:"sse,omitempty"`
	KMSKeyID     string            `json:"kmsKeyId,omitempty"`
	// CRC32 is the base64 CRC-32 of a single-part object's body, "" for multipart objects.
	CRC32 string `json:"crc32,omitempty"`
}

type multipartUpload struct {
	Key         string            `json:"key"`
	Initiated   time.Time         `json:"initiated"`
	ContentType string            `json:"contentType,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
	SSE         string            `json:"sse,omitempty"`
	KMSKeyID    string            `json:"kmsKeyId,omitempty"`
	// Parts are the uploaded parts by part number.
	Parts map[int]*uploadPart `json:"parts"`
}

type uploadPart struct {
	Body []byte `json:"body"`
	ETag string `json:"etag"`
}

type kmsKey struct {
	ID           string     `json:"id"`
	ARN          string     `json:"arn"`
	Account      string     `json:"account"`
	Region       string     `json:"region"`
	Description  string     `json:"description"`
	KeyUsage     string     `json:"keyUsage"`
	KeySpec      string     `json:"keySpec"`
	Origin       string     `json:"origin"`
	State        string     `json:"state"`
	CreatedAt    time.Time  `json:"createdAt"`
	Rotation     bool       `json:"rotation"`
	Policy       string     `json:"policy"`
	Material     []byte     `json:"material,omitempty"`
	DeletionDate *time.Time `json:"deletionDate,omitempty"`
	// Tags are the key's tags by tag key.
	Tags map[string]string `json:"tags,omitempty"`
	// parsedPolicy is Policy parsed, filled on first use.
	parsedPolicy *iampolicy.Policy
}

type kmsAlias struct {
	Name      string    `json:"name"`
	KeyID     string    `json:"keyId"`
	CreatedAt time.Time `json:"createdAt"`
}
