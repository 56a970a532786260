package awsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/proctorlabs/proctor/iampolicy"
)

// stateFile is the snapshot's file name inside DataDir.
const stateFile = "state.json"

// stateVersion is written into every snapshot; a snapshot of another version is refused
// rather than misread.
const stateVersion = 1

// state is everything awsim knows, guarded by Server.mu. Its exported fields are the
// snapshot's format.
type state struct {
	Version  int                   `json:"version"`
	Accounts map[string]*account   `json:"accounts"`
	Keys     map[string]*accessKey `json:"keys"`
	// Buckets is keyed by bucket name: names are global across accounts, as in AWS.
	Buckets map[string]*bucket `json:"buckets"`
}

func newState() *state {
	return &state{
		Version:  stateVersion,
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
	parsedPolicy      *iampolicy.Policy    // Policy parsed, rebuilt on load
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
	// parsedPolicy is Policy parsed, filled on first use.
	parsedPolicy *iampolicy.Policy
}

type kmsAlias struct {
	Name      string    `json:"name"`
	KeyID     string    `json:"keyId"`
	CreatedAt time.Time `json:"createdAt"`
}

// loadState reads the snapshot in dir; a missing snapshot is an empty state.
func loadState(dir string) (*state, error) {
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("awsim: read state: %w", err)
	}
	st := newState()
	if err := json.Unmarshal(raw, st); err != nil {
		return nil, fmt.Errorf("awsim: parse state %s: %w", filepath.Join(dir, stateFile), err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("awsim: state %s has version %d, want %d",
			filepath.Join(dir, stateFile), st.Version, stateVersion)
	}
	for _, b := range st.Buckets {
		if b.Objects == nil {
			b.Objects = map[string]*s3Object{}
		}
		if b.Policy != "" {
			p, err := iampolicy.Parse([]byte(b.Policy))
			if err != nil {
				return nil, fmt.Errorf("awsim: state: policy of bucket %s: %w", b.Name, err)
			}
			b.parsedPolicy = p
		}
	}
	for _, a := range st.Accounts {
		if a.KMSKeys == nil {
			a.KMSKeys = map[string]*kmsKey{}
		}
		if a.Aliases == nil {
			a.Aliases = map[string]*kmsAlias{}
		}
		for _, k := range a.KMSKeys {
			if keyPolicyOf(k) == nil {
				return nil, fmt.Errorf("awsim: state: policy of key %s does not parse", k.ARN)
			}
		}
	}
	return st, nil
}

// snapshot encodes the state; the caller holds at least a read lock.
func (st *state) snapshot() ([]byte, error) {
	return json.Marshal(st)
}
