package auth_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/auth"
)

// secretOf reads the secret that LoadKey keeps in dir, the way the key file documents it,
// so that tests can forge tokens independently of Issue.
func secretOf(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, auth.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	s, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loadKey(t *testing.T, dir string) *auth.Key {
	t.Helper()
	k, err := auth.LoadKey(dir)
	if err != nil {
		t.Fatalf("LoadKey: %v", err)
	}
	return k
}

func TestLoadKeyCreatesPrivateFileAndReusesIt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1 := loadKey(t, dir)

	info, err := os.Stat(filepath.Join(dir, auth.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("key file mode = %04o, want %04o", got, want)
	}
	if n := len(secretOf(t, dir)); n < 32 {
		t.Errorf("secret is %d bytes, want at least 32", n)
	}

	tok, err := k1.Issue(proctor.Caller{Subject: "ada", Role: proctor.RoleLearner}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	k2 := loadKey(t, dir)
	got, err := k2.Verify(tok)
	if err != nil {
		t.Fatalf("a reloaded key rejects a token of the first: %v", err)
	}
	if diff := cmp.Diff(proctor.Caller{Subject: "ada", Role: proctor.RoleLearner}, got); diff != "" {
		t.Errorf("caller (-want +got):\n%s", diff)
	}

	other := loadKey(t, t.TempDir())
	if _, err := other.Verify(tok); err == nil {
		t.Error("a key of another data directory accepts the token")
	}
}

func TestLoadKeyConcurrentCreatorsAgree(t *testing.T) {
	dir := t.TempDir()
	keys := make([]*auth.Key, 8)
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], errs[i] = auth.LoadKey(dir)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("LoadKey %d: %v", i, err)
		}
	}
	tok, err := keys[0].Issue(proctor.Caller{Subject: "ada", Role: proctor.RoleAdmin}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if _, err := k.Verify(tok); err != nil {
			t.Errorf("key %d disagrees with key 0: %v", i, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("data directory holds %d files, want only %s", len(entries), auth.KeyFile)
	}
}

func TestLoadKeyRejectsBadKeyFiles(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n"
	tests := []struct {
		name     string
		contents string
		mode     os.FileMode
		want     string // a part of the error message
	}{
		{"readable by others", good, 0o644, "mode 0644"},
		{"writable by group", good, 0o620, "mode 0620"},
		{"not base64", "not base64!\n", 0o600, "not base64"},
		{"short secret", base64.StdEncoding.EncodeToString(make([]byte, 16)), 0o600,
			"holds 16 bytes"},
		{"empty", "", 0o600, "holds 0 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, auth.KeyFile)
			if err := os.WriteFile(path, []byte(tt.contents), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := auth.LoadKey(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadKey error = %v, want one containing %q", err, tt.want)
			}
			after, err := os.ReadFile(path)
			if err != nil || string(after) != tt.contents {
				t.Errorf("LoadKey changed the bad key file: %q, %v", after, err)
			}
		})
	}

	t.Run("directory in the way", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, auth.KeyFile), 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.LoadKey(dir); err == nil {
			t.Fatal("LoadKey accepted a directory as its key file")
		}
	})
	t.Run("no data directory", func(t *testing.T) {
		if _, err := auth.LoadKey(""); err == nil {
			t.Fatal("LoadKey accepted an empty data directory")
		}
	})
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	k := loadKey(t, t.TempDir())
	for _, c := range []proctor.Caller{
		{Subject: "ada", Role: proctor.RoleLearner},
		{Subject: "grace@example.com", Role: proctor.RoleInstructor},
		{Subject: "ops:root", Role: proctor.RoleAdmin},
		{Subject: "zoë", Role: proctor.RoleLearner},
	} {
		tok, err := k.Issue(c, time.Minute)
		if err != nil {
			t.Fatalf("Issue(%v): %v", c, err)
		}
		got, err := k.Verify(tok)
		if err != nil {
			t.Fatalf("Verify(Issue(%v)): %v", c, err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("caller (-want +got):\n%s", diff)
		}
	}
}

func TestIssueClaims(t *testing.T) {
	dir := t.TempDir()
	k := loadKey(t, dir)
	before := time.Now().Truncate(time.Second)
	tok, err := k.Issue(proctor.Caller{Subject: "ada", Role: proctor.RoleLearner}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	var got jwt.MapClaims
	parsed, err := jwt.ParseWithClaims(tok, &got, func(*jwt.Token) (any, error) {
		return secretOf(t, dir), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if alg := parsed.Method.Alg(); alg != "HS256" {
		t.Errorf("alg = %s, want HS256", alg)
	}
	exp, err := got.GetExpirationTime()
	if err != nil || exp == nil {
		t.Fatalf("exp: %v, %v", exp, err)
	}
	if d := exp.Sub(before); d < time.Hour || d > time.Hour+5*time.Second {
		t.Errorf("exp is %v after issue, want about 1h", d)
	}
	want := map[string]any{"sub": "ada", "role": "learner", "iss": "proctor",
		"aud": []any{"proctor.v1"}}
	for name, w := range want {
		if diff := cmp.Diff(w, got[name]); diff != "" {
			t.Errorf("claim %s (-want +got):\n%s", name, diff)
		}
	}
}

func TestIssueRejectsBadInput(t *testing.T) {
	k := loadKey(t, t.TempDir())
	tests := []struct {
		name   string
		caller proctor.Caller
		ttl    time.Duration
	}{
		{"empty subject", proctor.Caller{Role: proctor.RoleLearner}, time.Hour},
		{"space in subject", proctor.Caller{Subject: "a b", Role: proctor.RoleLearner},
			time.Hour},
		{"control character", proctor.Caller{Subject: "a\x00", Role: proctor.RoleLearner},
			time.Hour},
		{"long subject", proctor.Caller{Subject: strings.Repeat("a", 129),
			Role: proctor.RoleLearner}, time.Hour},
		{"unknown role", proctor.Caller{Subject: "ada", Role: "root"}, time.Hour},
		{"no role", proctor.Caller{Subject: "ada"}, time.Hour},
		{"zero ttl", proctor.Caller{Subject: "ada", Role: proctor.RoleLearner}, 0},
		{"negative ttl", proctor.Caller{Subject: "ada", Role: proctor.RoleLearner}, -1},
		{"ttl too long", proctor.Caller{Subject: "ada", Role: proctor.RoleLearner},
			auth.MaxTTL + time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := k.Issue(tt.caller, tt.ttl)
			if err == nil {
				t.Fatalf("Issue = %q, want an error", tok)
			}
			if !strings.HasPrefix(err.Error(), "auth: ") {
				t.Errorf("error %q lacks the auth: prefix", err)
			}
		})
	}
}

// forge signs claims with the given method and secret.
func forge(t *testing.T, method jwt.SigningMethod, secret any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRejectsBadTokens(t *testing.T) {
	dir := t.TempDir()
	k := loadKey(t, dir)
	secret := secretOf(t, dir)
	now := time.Now()
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "ada", "role": "learner", "iss": "proctor",
			"aud": "proctor.v1", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
	}
	with := func(name string, v any) jwt.MapClaims {
		c := valid()
		if v == nil {
			delete(c, name)
		} else {
			c[name] = v
		}
		return c
	}
	good := forge(t, jwt.SigningMethodHS256, secret, valid())
	if _, err := k.Verify(good); err != nil {
		t.Fatalf("the forged control token is rejected: %v", err)
	}
	parts := strings.Split(good, ".")

	tests := []struct {
		name   string
		token  string
		reason string
	}{
		{"expired", forge(t, jwt.SigningMethodHS256, secret,
			with("exp", now.Add(-time.Hour).Unix())), "TOKEN_EXPIRED"},
		{"no expiry", forge(t, jwt.SigningMethodHS256, secret, with("exp", nil)),
			"TOKEN_INVALID"},
		{"not yet valid", forge(t, jwt.SigningMethodHS256, secret,
			with("nbf", now.Add(time.Hour).Unix())), "TOKEN_INVALID"},
		{"other issuer", forge(t, jwt.SigningMethodHS256, secret, with("iss", "evil")),
			"TOKEN_INVALID"},
		{"no issuer", forge(t, jwt.SigningMethodHS256, secret, with("iss", nil)),
			"TOKEN_INVALID"},
		{"other audience", forge(t, jwt.SigningMethodHS256, secret, with("aud", "x")),
			"TOKEN_INVALID"},
		{"no audience", forge(t, jwt.SigningMethodHS256, secret, with("aud", nil)),
			"TOKEN_INVALID"},
		{"unknown role", forge(t, jwt.SigningMethodHS256, secret, with("role", "root")),
			"TOKEN_INVALID"},
		{"no role", forge(t, jwt.SigningMethodHS256, secret, with("role", nil)),
			"TOKEN_INVALID"},
		{"no subject", forge(t, jwt.SigningMethodHS256, secret, with("sub", nil)),
			"TOKEN_INVALID"},
		{"other secret", forge(t, jwt.SigningMethodHS256, make([]byte, 32), valid()),
			"TOKEN_INVALID"},
		{"HS512", forge(t, jwt.SigningMethodHS512, secret, valid()), "TOKEN_INVALID"},
		{"alg none", forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType,
			valid()), "TOKEN_INVALID"},
		{"payload swapped", parts[0] + "." + strings.Split(forge(t, jwt.SigningMethodHS256,
			make([]byte, 32), with("role", "admin")), ".")[1] + "." + parts[2],
			"TOKEN_INVALID"},
		{"empty", "", "TOKEN_INVALID"},
		{"garbage", "not.a.jwt", "TOKEN_INVALID"},
		{"huge", strings.Repeat("a", 5000), "TOKEN_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := k.Verify(tt.token)
			if err == nil {
				t.Fatalf("Verify = %v, want an error", c)
			}
			var pe *proctor.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *proctor.Error", err)
			}
			got := [2]string{string(pe.Code), pe.Reason}
			want := [2]string{string(proctor.EUnauthenticated), tt.reason}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("code and reason (-want +got):\n%s", diff)
			}
			if tt.token != "" && strings.Contains(pe.Message, tt.token) {
				t.Errorf("message %q repeats the token", pe.Message)
			}
			if c != (proctor.Caller{}) {
				t.Errorf("caller = %v with an error, want none", c)
			}
		})
	}
}

func TestNewKeyRejectsShortSecrets(t *testing.T) {
	if _, err := auth.NewKey(make([]byte, 31)); err == nil {
		t.Error("NewKey accepted a 31-byte secret")
	}
	if _, err := auth.NewKey(make([]byte, 32)); err != nil {
		t.Errorf("NewKey rejected a 32-byte secret: %v", err)
	}
}

// FuzzVerify feeds arbitrary tokens to Verify: it never panics, and whatever it accepts
// names a valid role and a non-empty subject.
func FuzzVerify(f *testing.F) {
	k, err := auth.NewKey([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		f.Fatal(err)
	}
	tok, err := k.Issue(proctor.Caller{Subject: "ada", Role: proctor.RoleLearner}, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok)
	f.Add("")
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := k.Verify(token)
		if err != nil {
			return
		}
		if !c.Role.Valid() || c.Subject == "" {
			t.Fatalf("Verify accepted %q as %+v", token, c)
		}
	})
}

// BenchmarkVerify measures the check of one token, which every RPC pays.
func BenchmarkVerify(b *testing.B) {
	k, err := auth.NewKey([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	tok, err := k.Issue(proctor.Caller{Subject: "ada", Role: proctor.RoleLearner}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}
