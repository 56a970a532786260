package awsim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/iampolicy"
)

func kmsHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"CreateKey":            createKey,
		"DescribeKey":          describeKey,
		"ListKeys":             listKeys,
		"CreateAlias":          createAlias,
		"ListAliases":          listAliases,
		"GetKeyRotationStatus": getKeyRotationStatus,
		"EnableKeyRotation":    enableKeyRotation,
		"DisableKeyRotation":   disableKeyRotation,
		"Encrypt":              encrypt,
		"Decrypt":              decrypt,
		"GenerateDataKey":      generateDataKey,
		"ScheduleKeyDeletion":  scheduleKeyDeletion,
		"GetKeyPolicy":         getKeyPolicy,
		"PutKeyPolicy":         putKeyPolicy,
		"EnableKey":            enableKey,
		"DisableKey":           disableKey,
		"CancelKeyDeletion":    cancelKeyDeletion,
		"DeleteAlias":          deleteAlias,
		"UpdateAlias":          updateAlias,
		"TagResource":          tagResource,
		"UntagResource":        untagResource,
		"ListResourceTags":     listResourceTags,
	}
}

func kmsError(code, format string, args ...any) *protocol.Error {
	return &protocol.Error{Status: 400, Code: code, Sender: true,
		Message: fmt.Sprintf(format, args...)}
}

// kmsAllow authorises a KMS action with the caller's identity policy.
func (c *call) kmsAllow(action, resource string) *protocol.Error {
	if !c.allowedByIdentity(action, resource) {
		return kmsError("AccessDeniedException", "User: %s is not authorized to perform: %s "+
			"on resource: %s because no identity-based policy allows the %s action",
			callerARN(c.key), action, resource, action)
	}
	return nil
}

// defaultKeyPolicy is the policy a key gets when CreateKey names none: the account may use
// IAM policies to grant access to the key.
func defaultKeyPolicy(account string) string {
	return `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM ` +
		`User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account +
		`:root"},"Action":"kms:*","Resource":"*"}]}`
}

var keySpecs = map[string]string{
	"SYMMETRIC_DEFAULT": "ENCRYPT_DECRYPT", "RSA_2048": "", "RSA_3072": "", "RSA_4096": "",
	"ECC_NIST_P256": "SIGN_VERIFY", "ECC_NIST_P384": "SIGN_VERIFY",
	"ECC_NIST_P521": "SIGN_VERIFY", "ECC_SECG_P256K1": "SIGN_VERIFY",
	"HMAC_224": "GENERATE_VERIFY_MAC", "HMAC_256": "GENERATE_VERIFY_MAC",
	"HMAC_384": "GENERATE_VERIFY_MAC", "HMAC_512": "GENERATE_VERIFY_MAC",
	"SM2": "",
}

func createKey(c *call) (protocol.Params, error) {
	if err := c.kmsAllow("kms:CreateKey", "*"); err != nil {
		return nil, err
	}
	spec := str(c.in, "KeySpec")
	if spec == "" {
		spec = str(c.in, "CustomerMasterKeySpec")
	}
	if spec == "" {
		spec = "SYMMETRIC_DEFAULT"
	}
	usage := str(c.in, "KeyUsage")
	defaultUsage, known := keySpecs[spec]
	if !known {
		return nil, kmsError("ValidationException", "KeySpec %s is not supported", spec)
	}
	if usage == "" {
		usage = defaultUsage
		if usage == "" {
			return nil, kmsError("ValidationException", "You must specify a KeyUsage value "+
				"for an asymmetric KMS key with KeySpec %s", spec)
		}
	}
	validUsage := map[string]bool{"ENCRYPT_DECRYPT": spec == "SYMMETRIC_DEFAULT" ||
		strings.HasPrefix(spec, "RSA_") || spec == "SM2",
		"SIGN_VERIFY": strings.HasPrefix(spec, "RSA_") || strings.HasPrefix(spec, "ECC_") ||
			spec == "SM2",
		"GENERATE_VERIFY_MAC": strings.HasPrefix(spec, "HMAC_")}
	if !validUsage[usage] {
		return nil, kmsError("ValidationException", "KeyUsage %s is not compatible with "+
			"KeySpec %s", usage, spec)
	}
	origin := str(c.in, "Origin")
	if origin == "" {
		origin = "AWS_KMS"
	}
	if origin != "AWS_KMS" && origin != "EXTERNAL" {
		return nil, kmsError("UnsupportedOperationException", "awsim does not support "+
			"Origin %s", origin)
	}
	if boolean(c.in, "MultiRegion") {
		return nil, kmsError("UnsupportedOperationException", "awsim does not support "+
			"multi-Region keys")
	}
	policy := str(c.in, "Policy")
	if policy == "" {
		policy = defaultKeyPolicy(c.key.Account)
	}
	parsed, perr := iampolicy.Parse([]byte(policy))
	if perr != nil {
		return nil, kmsError("MalformedPolicyDocumentException", "The key policy is not "+
			"valid: %v", perr)
	}

	id, err := newUUID()
	if err != nil {
		return nil, err
	}
	k := &kmsKey{
		ID: id, Account: c.key.Account, Region: c.region(),
		ARN:         "arn:aws:kms:" + c.region() + ":" + c.key.Account + ":key/" + id,
		Description: str(c.in, "Description"), KeyUsage: usage, KeySpec: spec,
		Origin: origin, State: "Enabled", CreatedAt: c.now.UTC(), Policy: policy,
		parsedPolicy: parsed,
	}
	if err := c.lockoutSafe(k, parsed); err != nil {
		return nil, err
	}
	if origin == "EXTERNAL" {
		k.State = "PendingImport"
	}
	if tags, err := tagsFrom(c.in["Tags"]); err != nil {
		return nil, err
	} else if len(tags) > 0 {
		k.Tags = tags
	}
	if spec == "SYMMETRIC_DEFAULT" && origin == "AWS_KMS" {
		k.Material = make([]byte, 32)
		if _, err := rand.Read(k.Material); err != nil {
			return nil, fmt.Errorf("awsim: generate key material: %w", err)
		}
	}
	c.s.mu.Lock()
	a := c.s.st.Accounts[c.key.Account]
	if a == nil {
		c.s.mu.Unlock()
		return nil, kmsError("AccessDeniedException", "the account no longer exists")
	}
	a.KMSKeys[id] = k
	meta := keyMetadata(k)
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{"KeyMetadata": meta}, nil
}

// region is the region of the request's credential scope, or the server's.
func (c *call) region() string {
	if c.auth != nil && c.auth.Region != "" {
		return c.auth.Region
	}
	return c.s.cfg.Region
}

func keyMetadata(k *kmsKey) protocol.Params {
	m := protocol.Params{
		"AWSAccountId": k.Account, "KeyId": k.ID, "Arn": k.ARN, "CreationDate": k.CreatedAt,
		"Enabled": k.State == "Enabled", "Description": k.Description, "KeyUsage": k.KeyUsage,
		"KeyState": k.State, "Origin": k.Origin, "KeyManager": "CUSTOMER",
		"CustomerMasterKeySpec": k.KeySpec, "KeySpec": k.KeySpec, "MultiRegion": false,
	}
	switch {
	case k.KeyUsage == "ENCRYPT_DECRYPT" && k.KeySpec == "SYMMETRIC_DEFAULT":
		m["EncryptionAlgorithms"] = []string{"SYMMETRIC_DEFAULT"}
	case k.KeyUsage == "ENCRYPT_DECRYPT":
		m["EncryptionAlgorithms"] = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	case k.KeyUsage == "GENERATE_VERIFY_MAC":
		m["MacAlgorithms"] = []string{"HMAC_SHA_" + strings.TrimPrefix(k.KeySpec, "HMAC_")}
	}
	if k.DeletionDate != nil {
		m["DeletionDate"] = *k.DeletionDate
	}
	if k.Origin == "EXTERNAL" {
		m["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
	}
	return m
}

var keyARNRE = regexp.MustCompile(`^arn:aws:kms:[a-z0-9-]+:(\d{12}):(key|alias)/(.+)$`)

// resolveKeyLocked finds a key of the account by key id, key ARN, alias name or alias ARN.
// The caller holds s.mu.
//
// TODO: keys are not scoped to a region, so a key created in one region is visible from every
// region; a lab about regional keys would grade a key the learner made elsewhere.
func (s *Server) resolveKeyLocked(account, ref string) (*kmsKey, bool) {
	a := s.st.Accounts[account]
	if a == nil {
		return nil, false
	}
	if m := keyARNRE.FindStringSubmatch(ref); m != nil {
		if m[1] != account {
			return nil, false
		}
		if m[2] == "alias" {
			ref = "alias/" + m[3]
		} else {
			ref = m[3]
		}
	}
	if strings.HasPrefix(ref, "alias/") {
		al, ok := a.Aliases[ref]
		if !ok {
			return nil, false
		}
		ref = al.KeyID
	}
	k, ok := a.KMSKeys[ref]
	return k, ok
}

func notFound(c *call, ref string) *protocol.Error {
	if strings.HasPrefix(ref, "alias/") {
		return kmsError("NotFoundException", "Alias arn:aws:kms:%s:%s:%s is not found.",
			c.region(), c.key.Account, ref)
	}
	if !strings.HasPrefix(ref, "arn:") {
		ref = "arn:aws:kms:" + c.region() + ":" + c.key.Account + ":key/" + ref
	}
	return kmsError("NotFoundException", "Key '%s' does not exist", ref)
}

// lookupKey resolves the input's KeyId and returns a copy of the key.
func (c *call) lookupKey() (kmsKey, *protocol.Error) {
	ref := str(c.in, "KeyId")
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	k, ok := c.s.resolveKeyLocked(c.key.Account, ref)
	if !ok {
		return kmsKey{}, notFound(c, ref)
	}
	return *k, nil
}

func describeKey(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		if e := c.kmsAllow("kms:DescribeKey", "*"); e != nil {
			return nil, e
		}
		return nil, err
	}
	if err := c.kmsAllowKey("kms:DescribeKey", &k); err != nil {
		return nil, err
	}
	return protocol.Params{"KeyMetadata": keyMetadata(&k)}, nil
}

// page cuts a sorted list at a marker (the last item's position) and limit (1 to 1000,
// default 100), returning the page, the next marker and whether more remain.
func page[T any](items []T, c *call) ([]T, string, bool, *protocol.Error) {
	limit := int64(100)
	if n, ok := c.in["Limit"].(int64); ok {
		limit = n
	}
	start := 0
	if m := str(c.in, "Marker"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", false, kmsError("InvalidMarkerException",
				"the marker %q is not valid", m)
		}
		start = n
	}
	end := start + int(limit)
	if end >= len(items) {
		return items[start:], "", false, nil
	}
	return items[start:end], strconv.Itoa(end), true, nil
}

func listKeys(c *call) (protocol.Params, error) {
	if err := c.kmsAllow("kms:ListKeys", "*"); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	var keys []*kmsKey
	if a := c.s.st.Accounts[c.key.Account]; a != nil {
		for _, k := range a.KMSKeys {
			keys = append(keys, k)
		}
	}
	c.s.mu.RUnlock()
	sort.Slice(keys, func(i, j int) bool { return keys[i].ID < keys[j].ID })
	pg, next, more, err := page(keys, c)
	if err != nil {
		return nil, err
	}
	list := make([]any, len(pg))
	for i, k := range pg {
		list[i] = protocol.Params{"KeyId": k.ID, "KeyArn": k.ARN}
	}
	out := protocol.Params{"Keys": list, "Truncated": more}
	if more {
		out["NextMarker"] = next
	}
	return out, nil
}

var aliasNameRE = regexp.MustCompile(`^alias/[a-zA-Z0-9/_-]+$`)

func createAlias(c *call) (protocol.Params, error) {
	name, target := str(c.in, "AliasName"), str(c.in, "TargetKeyId")
	aliasARN := "arn:aws:kms:" + c.region() + ":" + c.key.Account + ":" + name
	if err := c.kmsAllow("kms:CreateAlias", aliasARN); err != nil {
		return nil, err
	}
	if !aliasNameRE.MatchString(name) {
		return nil, kmsError("ValidationException", "1 validation error detected: Value "+
			"'%s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular "+
			"expression pattern: ^alias/[a-zA-Z0-9/_-]+$", name)
	}
	if strings.HasPrefix(name, "alias/aws/") {
		return nil, kmsError("NotAuthorizedException", "Cannot create alias with prefix "+
			"'alias/aws/'")
	}
	if strings.HasPrefix(target, "alias/") || strings.Contains(target, ":alias/") {
		return nil, kmsError("ValidationException", "TargetKeyId must be a key id or key "+
			"ARN, not an alias")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	k, ok := c.s.resolveKeyLocked(c.key.Account, target)
	if !ok {
		return nil, notFound(c, target)
	}
	if k.State == "PendingDeletion" {
		return nil, kmsError("KMSInvalidStateException", "%s is pending deletion.", k.ARN)
	}
	a := c.s.st.Accounts[c.key.Account]
	if _, taken := a.Aliases[name]; taken {
		return nil, kmsError("AlreadyExistsException", "An alias with the name %s already "+
			"exists", aliasARN)
	}
	a.Aliases[name] = &kmsAlias{Name: name, KeyID: k.ID, CreatedAt: c.now.UTC()}
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}

func listAliases(c *call) (protocol.Params, error) {
	if err := c.kmsAllow("kms:ListAliases", "*"); err != nil {
		return nil, err
	}
	filter := ""
	if ref := str(c.in, "KeyId"); ref != "" {
		k, err := c.lookupKey()
		if err != nil {
			return nil, err
		}
		filter = k.ID
	}
	c.s.mu.RLock()
	var aliases []*kmsAlias
	if a := c.s.st.Accounts[c.key.Account]; a != nil {
		for _, al := range a.Aliases {
			if filter == "" || al.KeyID == filter {
				cp := *al
				aliases = append(aliases, &cp)
			}
		}
	}
	c.s.mu.RUnlock()
	sort.Slice(aliases, func(i, j int) bool { return aliases[i].Name < aliases[j].Name })
	pg, next, more, err := page(aliases, c)
	if err != nil {
		return nil, err
	}
	list := make([]any, len(pg))
	for i, al := range pg {
		list[i] = protocol.Params{"AliasName": al.Name, "TargetKeyId": al.KeyID,
			"AliasArn":     "arn:aws:kms:" + c.region() + ":" + c.key.Account + ":" + al.Name,
			"CreationDate": al.CreatedAt, "LastUpdatedDate": al.CreatedAt}
	}
	out := protocol.Params{"Aliases": list, "Truncated": more}
	if more {
		out["NextMarker"] = next
	}
	return out, nil
}

// rotatable reports why a key's material cannot rotate automatically, "" when it can: only
// symmetric keys with AWS-generated material rotate.
func rotatable(k *kmsKey) string {
	if k.KeySpec != "SYMMETRIC_DEFAULT" || k.Origin != "AWS_KMS" {
		return k.ARN + " does not support automatic key rotation: only symmetric encryption " +
			"keys with key material generated by KMS can rotate"
	}
	return ""
}

func getKeyRotationStatus(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:GetKeyRotationStatus", &k); err != nil {
		return nil, err
	}
	if why := rotatable(&k); why != "" {
		return nil, kmsError("UnsupportedOperationException", "%s", why)
	}
	return protocol.Params{"KeyRotationEnabled": k.Rotation}, nil
}

func enableKeyRotation(c *call) (protocol.Params, error)  { return setRotation(c, true) }
func disableKeyRotation(c *call) (protocol.Params, error) { return setRotation(c, false) }

func setRotation(c *call, on bool) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	action := "kms:DisableKeyRotation"
	if on {
		action = "kms:EnableKeyRotation"
	}
	if err := c.kmsAllowKey(action, &k); err != nil {
		return nil, err
	}
	if why := rotatable(&k); why != "" {
		return nil, kmsError("UnsupportedOperationException", "%s", why)
	}
	if k.State != "Enabled" {
		return nil, kmsError("KMSInvalidStateException", "%s is %s.", k.ARN,
			strings.ToLower(k.State))
	}
	c.s.mu.Lock()
	if live, ok := c.s.resolveKeyLocked(c.key.Account, k.ID); ok {
		live.Rotation = on
	}
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}

func scheduleKeyDeletion(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:ScheduleKeyDeletion", &k); err != nil {
		return nil, err
	}
	days := int64(30)
	if d, ok := c.in["PendingWindowInDays"].(int64); ok {
		days = d
	}
	if k.State == "PendingDeletion" {
		return nil, kmsError("KMSInvalidStateException", "%s is pending deletion.", k.ARN)
	}
	when := c.now.UTC().Add(time.Duration(days) * 24 * time.Hour).Truncate(time.Second)
	c.s.mu.Lock()
	if live, ok := c.s.resolveKeyLocked(c.key.Account, k.ID); ok {
		live.State = "PendingDeletion"
		live.DeletionDate = &when
	}
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{"KeyId": k.ARN, "DeletionDate": when, "KeyState": "PendingDeletion",
		"PendingWindowInDays": days}, nil
}

func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("awsim: generate key id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
