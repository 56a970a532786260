// Package auth issues and verifies the bearer tokens of Proctor's API.
//
// A token is a JWT signed with HMAC-SHA256. It names the caller's subject (the "sub" claim)
// and role (the "role" claim: learner, instructor or admin), expires ("exp" is required),
// and is bound to this service by its issuer ("iss" = [Issuer]) and audience ("aud" =
// [Audience]). The signing key is a random secret kept in the data directory, created on
// first use with file mode 0600, so tokens stay valid across restarts of the server and
// `proctor token` can mint them offline.
package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/golang-jwt/jwt/v5"

	"github.com/proctorlabs/proctor"
)

// Issuer and Audience are the "iss" and "aud" claims of every token; tokens with other
// values are rejected.
const (
	Issuer   = "proctor"
	Audience = "proctor.v1"
)

// MaxTTL is the longest lifetime Issue grants a token.
const MaxTTL = 366 * 24 * time.Hour

// maxTokenBytes bounds the size of a token Verify will parse.
const maxTokenBytes = 4096

// maxSubjectLen bounds the length of a subject, in bytes.
const maxSubjectLen = 128

// leeway is the clock skew tolerated when checking a token's times.
const leeway = 30 * time.Second

// Key signs and verifies tokens. A Key is safe for concurrent use.
//
// TODO: there is no key rotation and no revocation list. Rotating means deleting the key
// file, which invalidates every token at once, and a leaked token stays valid until it
// expires, so operators should mint tokens with short lifetimes.
type Key struct {
	secret []byte
	now    func() time.Time
}

// claims are the JWT claims of a token.
type claims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

// NewKey returns a key that signs with the given secret, which must be at least 32 bytes.
// Most callers want [LoadKey]; NewKey is for tests and for secrets kept elsewhere.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) < minSecretLen {
		return nil, fmt.Errorf("auth: signing secret is %d bytes; want at least %d",
			len(secret), minSecretLen)
	}
	return &Key{secret: append([]byte(nil), secret...), now: time.Now}, nil
}

// Issue returns a signed token for the caller that expires after ttl. The subject must be
// 1 to 128 printable characters without spaces, the role one of proctor's roles, and ttl
// positive and at most [MaxTTL]; anything else is an error and no token.
func (k *Key) Issue(c proctor.Caller, ttl time.Duration) (string, error) {
	if err := checkSubject(c.Subject); err != nil {
		return "", err
	}
	if !c.Role.Valid() {
		return "", fmt.Errorf("auth: role %q is not learner, instructor or admin", c.Role)
	}
	if ttl <= 0 || ttl > MaxTTL {
		return "", fmt.Errorf("auth: token lifetime %v is outside (0, %v]", ttl, MaxTTL)
	}

	now := k.now()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		Role: string(c.Role),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   c.Subject,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	})
	s, err := tok.SignedString(k.secret)
	if err != nil {
		return "", fmt.Errorf("auth: sign token: %w", err)
	}
	return s, nil
}

// Verify checks a token's signature, algorithm (HS256 only), issuer, audience, expiry and
// not-before time, and returns the caller it names. Every failure is a *proctor.Error with
// code EUnauthenticated and reason TOKEN_EXPIRED for an expired token or TOKEN_INVALID for
// anything else; its message never repeats the token.
func (k *Key) Verify(token string) (proctor.Caller, error) {
	if token == "" {
		return proctor.Caller{}, invalid("auth: the token is empty")
	}
	if len(token) > maxTokenBytes {
		return proctor.Caller{}, invalid("auth: the token is longer than %d bytes",
			maxTokenBytes)
	}

	var cl claims
	_, err := jwt.ParseWithClaims(token, &cl, func(*jwt.Token) (any, error) {
		return k.secret, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(k.now),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return proctor.Caller{}, &proctor.Error{Code: proctor.EUnauthenticated,
			Reason: "TOKEN_EXPIRED", Message: "auth: the token has expired", Err: err}
	case err != nil:
		return proctor.Caller{}, &proctor.Error{Code: proctor.EUnauthenticated,
			Reason: "TOKEN_INVALID", Message: "auth: the token is not valid", Err: err}
	}

	c := proctor.Caller{Subject: cl.Subject, Role: proctor.Role(cl.Role)}
	if err := checkSubject(c.Subject); err != nil {
		return proctor.Caller{}, invalid("auth: the token's subject is not valid")
	}
	if !c.Role.Valid() {
		return proctor.Caller{}, invalid("auth: the token's role %q is not valid", cl.Role)
	}
	return c, nil
}

// checkSubject reports why s cannot be a subject, or nil.
func checkSubject(s string) error {
	if s == "" {
		return errors.New("auth: subject is empty")
	}
	if len(s) > maxSubjectLen {
		return fmt.Errorf("auth: subject is %d bytes; want at most %d", len(s), maxSubjectLen)
	}
	if i := strings.IndexFunc(s, func(r rune) bool {
		return !unicode.IsPrint(r) || unicode.IsSpace(r) || r == unicode.ReplacementChar
	}); i >= 0 {
		return fmt.Errorf("auth: subject has a space or unprintable character at byte %d", i)
	}
	return nil
}

// invalid returns an EUnauthenticated error with reason TOKEN_INVALID.
func invalid(format string, args ...any) *proctor.Error {
	return proctor.Errorf(proctor.EUnauthenticated, format, args...).WithReason("TOKEN_INVALID")
}
