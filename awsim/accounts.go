package awsim

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"
)

// Credentials are an access key of a sandbox principal. They are secrets: String redacts them,
// so printing or logging a Credentials value never shows the secret or the session token.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// String shows the access key id and hides the secret and the session token.
func (c Credentials) String() string {
	return "{AccessKeyID:" + c.AccessKeyID + " SecretAccessKey:REDACTED SessionToken:REDACTED}"
}

// GoString is String, so that %#v does not show the secret either.
func (c Credentials) GoString() string { return c.String() }

// LogValue makes slog log only the access key id, whatever the handler.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", c.AccessKeyID))
}

// Account is an emulated AWS account, the embedded backend of one sandbox.
type Account struct {
	// ID is the 12-digit account id, unique on this server.
	ID string
	// Learner are the credentials of arn:aws:iam::ID:role/ProctorLearner, the account's
	// administrator role.
	Learner Credentials
	// Grader are the credentials of arn:aws:iam::ID:role/ProctorGrader, which may only read
	// (List*, Get*, Describe* and Head* actions).
	Grader Credentials
}

// String shows the account id and the access key ids, never the secrets.
func (a Account) String() string {
	return fmt.Sprintf("{ID:%s Learner:%v Grader:%v}", a.ID, a.Learner, a.Grader)
}

// LogValue makes slog log the account id and access key ids, never the secrets.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", a.ID), slog.Any("learner", a.Learner),
		slog.Any("grader", a.Grader))
}

// roleARN returns the ARN of one of an account's roles.
func roleARN(accountID, role string) string {
	if role == roleRoot {
		return "arn:aws:iam::" + accountID + ":root"
	}
	return "arn:aws:iam::" + accountID + ":role/" + role
}

// CreateAccount creates an empty account with a learner and a grader role and returns their
// credentials. It takes microseconds; the snapshot is written shortly after.
func (s *Server) CreateAccount(ctx context.Context) (*Account, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("awsim: create account: %w", err)
	}
	learner, err := newKey(roleLearner, true)
	if err != nil {
		return nil, err
	}
	grader, err := newKey(roleGrader, true)
	if err != nil {
		return nil, err
	}
	root, err := newKey(roleRoot, false)
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	var id string
	for {
		id, err = randomAccountID()
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		if _, taken := s.st.Accounts[id]; !taken {
			break
		}
	}
	a := &account{ID: id, CreatedAt: time.Now().UTC(), KMSKeys: map[string]*kmsKey{},
		Aliases: map[string]*kmsAlias{}, buckets: map[string]struct{}{}}
	for _, k := range []*accessKey{learner, grader, root} {
		k.Account = id
		s.st.Keys[k.ID] = k
		a.keyIDs = append(a.keyIDs, k.ID)
	}
	s.st.Accounts[id] = a
	s.mu.Unlock()
	s.changed(id)
	s.log.Debug("awsim account created", "account", id)

	return &Account{
		ID:      id,
		Learner: Credentials{learner.ID, learner.Secret, learner.SessionToken},
		Grader:  Credentials{grader.ID, grader.Secret, grader.SessionToken},
	}, nil
}

// DeleteAccount removes an account and all of its state: keys, buckets with their objects,
// KMS keys and aliases. Its credentials stop working at once. Deleting an unknown account is
// an error.
//
// Deleting an account that does not exist returns an error that wraps [ErrNoAccount].
func (s *Server) DeleteAccount(ctx context.Context, accountID string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("awsim: delete account: %w", err)
	}
	s.mu.Lock()
	a, ok := s.st.Accounts[accountID]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("awsim: delete account %q: %w", accountID, ErrNoAccount)
	}
	delete(s.st.Accounts, accountID)
	for _, id := range a.keyIDs {
		delete(s.st.Keys, id)
	}
	for name := range a.buckets {
		delete(s.st.Buckets, name)
	}
	s.mu.Unlock()
	s.changed(accountID)
	s.log.Debug("awsim account deleted", "account", accountID)
	return nil
}

// rootCredentials returns the root user's key of an account. Learners never receive it; it
// exists so that the root user's exceptions can be exercised.
func (s *Server) rootCredentials(accountID string) (Credentials, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.st.Accounts[accountID]
	if a == nil {
		return Credentials{}, false
	}
	for _, id := range a.keyIDs {
		if k := s.st.Keys[id]; k != nil && k.Role == roleRoot {
			return Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}, true
		}
	}
	return Credentials{}, false
}

var keyAlphabet = base32.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").
	WithPadding(base32.NoPadding)

// newKey makes an access key: ASIA and a session token for role sessions (temporary
// credentials), AKIA for the root user's long-term key.
func newKey(role string, temporary bool) (*accessKey, error) {
	buf := make([]byte, 10+30+48)
	if _, err := rand.Read(buf); err != nil {
		return nil, fmt.Errorf("awsim: generate credentials: %w", err)
	}
	prefix := "AKIA"
	if temporary {
		prefix = "ASIA"
	}
	k := &accessKey{
		ID:     prefix + keyAlphabet.EncodeToString(buf[:10]),
		Secret: base64.RawStdEncoding.EncodeToString(buf[10:40]),
		Role:   role,
	}
	if temporary {
		k.SessionToken = "IQoJb3JpZ2luX2VjE" + base64.StdEncoding.EncodeToString(buf[40:])
	}
	return k, nil
}

func randomAccountID() (string, error) {
	// 12 digits, never starting with 0 so that no tool strips a leading zero.
	n, err := rand.Int(rand.Reader, big.NewInt(900_000_000_000))
	if err != nil {
		return "", fmt.Errorf("awsim: generate account id: %w", err)
	}
	return fmt.Sprintf("%012d", n.Int64()+100_000_000_000), nil
}

// ErrNoAccount is wrapped by the errors of operations on an account that does not exist.
var ErrNoAccount = errors.New("no such account")
