package awsim_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestSDKSTSAndKMS(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("secure=%v", secure), func(t *testing.T) {
			id, err := stsClient(srv, acct.Learner, secure).GetCallerIdentity(ctx,
				&sts.GetCallerIdentityInput{})
			must(t, "GetCallerIdentity", err)
			wantARN := "arn:aws:sts::" + acct.ID + ":assumed-role/ProctorLearner/learner"
			if aws.ToString(id.Account) != acct.ID || aws.ToString(id.Arn) != wantARN {
				t.Errorf("GetCallerIdentity = %s %s, want %s %s", aws.ToString(id.Account),
					aws.ToString(id.Arn), acct.ID, wantARN)
			}
			gid, err := stsClient(srv, acct.Grader, secure).GetCallerIdentity(ctx,
				&sts.GetCallerIdentityInput{})
			must(t, "GetCallerIdentity grader", err)
			if !strings.Contains(aws.ToString(gid.Arn), ":assumed-role/ProctorGrader/") {
				t.Errorf("grader identity = %s, want the ProctorGrader role",
					aws.ToString(gid.Arn))
			}

			kc := kmsClient(srv, acct.Learner, secure)
			key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("app")})
			must(t, "CreateKey", err)
			md := key.KeyMetadata
			arnPrefix := "arn:aws:kms:us-east-1:" + acct.ID + ":key/"
			if md.KeySpec != kmstypes.KeySpecSymmetricDefault ||
				md.KeyState != kmstypes.KeyStateEnabled ||
				!strings.HasPrefix(aws.ToString(md.Arn), arnPrefix) {
				t.Errorf("CreateKey metadata = %s %s %s", md.KeySpec, md.KeyState,
					aws.ToString(md.Arn))
			}
			alias := fmt.Sprintf("alias/app-%v", secure)
			_, err = kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: &alias,
				TargetKeyId: md.KeyId})
			must(t, "CreateAlias", err)
			_, err = kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: &alias,
				TargetKeyId: md.KeyId})
			wantCode(t, "CreateAlias twice", err, "AlreadyExistsException")
			d, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &alias})
			must(t, "DescribeKey by alias", err)
			if aws.ToString(d.KeyMetadata.KeyId) != aws.ToString(md.KeyId) {
				t.Errorf("DescribeKey(alias) = %s, want %s", aws.ToString(d.KeyMetadata.KeyId),
					aws.ToString(md.KeyId))
			}
			_, err = kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/none")})
			wantCode(t, "DescribeKey missing alias", err, "NotFoundException")

			keys, err := kc.ListKeys(ctx, &kms.ListKeysInput{})
			must(t, "ListKeys", err)
			listed := false
			for _, k := range keys.Keys {
				listed = listed || aws.ToString(k.KeyArn) == aws.ToString(md.Arn)
			}
			if !listed {
				t.Errorf("ListKeys does not list %s", aws.ToString(md.Arn))
			}
			al, err := kc.ListAliases(ctx, &kms.ListAliasesInput{KeyId: md.KeyId})
			must(t, "ListAliases", err)
			if len(al.Aliases) != 1 || aws.ToString(al.Aliases[0].AliasName) != alias {
				t.Errorf("ListAliases = %+v, want just %s", al.Aliases, alias)
			}

			rs, err := kc.GetKeyRotationStatus(ctx,
				&kms.GetKeyRotationStatusInput{KeyId: md.KeyId})
			must(t, "GetKeyRotationStatus", err)
			if rs.KeyRotationEnabled {
				t.Errorf("a new key has rotation enabled")
			}
			_, err = kc.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: md.KeyId})
			must(t, "EnableKeyRotation", err)
			rs, err = kc.GetKeyRotationStatus(ctx,
				&kms.GetKeyRotationStatusInput{KeyId: md.KeyId})
			must(t, "GetKeyRotationStatus", err)
			if !rs.KeyRotationEnabled {
				t.Errorf("rotation not enabled after EnableKeyRotation")
			}

			ec := map[string]string{"purpose": "test"}
			ct, err := kc.Encrypt(ctx, &kms.EncryptInput{KeyId: &alias,
				Plaintext: []byte("attack at dawn"), EncryptionContext: ec})
			must(t, "Encrypt", err)
			if bytes.Contains(ct.CiphertextBlob, []byte("attack at dawn")) {
				t.Errorf("ciphertext contains the plaintext")
			}
			pt, err := kc.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: ct.CiphertextBlob,
				EncryptionContext: ec})
			must(t, "Decrypt", err)
			if string(pt.Plaintext) != "attack at dawn" {
				t.Errorf("Decrypt = %q, want %q", pt.Plaintext, "attack at dawn")
			}
			_, err = kc.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: ct.CiphertextBlob})
			wantCode(t, "Decrypt without the context", err, "InvalidCiphertextException")

			asym, err := kc.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecRsa2048,
				KeyUsage: kmstypes.KeyUsageTypeSignVerify})
			must(t, "CreateKey RSA", err)
			_, err = kc.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{
				KeyId: asym.KeyMetadata.KeyId})
			wantCode(t, "GetKeyRotationStatus asymmetric", err, "UnsupportedOperationException")
			_, err = kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("bad name"),
				TargetKeyId: md.KeyId})
			wantCode(t, "CreateAlias bad name", err, "ValidationException")
		})
	}
}

func TestKMSKeyPolicy(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	kc := kmsClient(srv, acct.Learner, true)
	key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	must(t, "CreateKey", err)
	id := key.KeyMetadata.KeyId
	got, err := kc.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: id,
		PolicyName: aws.String("default")})
	must(t, "GetKeyPolicy", err)
	if !strings.Contains(aws.ToString(got.Policy), "arn:aws:iam::"+acct.ID+":root") {
		t.Errorf("default key policy %s does not delegate to the account",
			aws.ToString(got.Policy))
	}

	// A policy that names no principal of the account would lock everyone out.
	lockout := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`
	_, err = kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: id,
		PolicyName: aws.String("default"), Policy: &lockout})
	wantCode(t, "PutKeyPolicy that locks the caller out", err, "MalformedPolicyDocumentException")

	// Deny the grader's role explicitly; the learner keeps access through the account.
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"Account","Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::` + acct.ID + `:root"},"Action":"kms:*",` +
		`"Resource":"*"},{"Sid":"NoGrader","Effect":"Deny","Principal":{"AWS":` +
		`"arn:aws:iam::` + acct.ID + `:role/ProctorGrader"},"Action":"kms:*","Resource":"*"}]}`
	_, err = kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: id,
		PolicyName: aws.String("default"), Policy: &deny})
	must(t, "PutKeyPolicy", err)
	_, err = kmsClient(srv, acct.Grader, true).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: id})
	wantCode(t, "grader DescribeKey under a deny", err, "AccessDeniedException")
	_, err = kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: id})
	must(t, "learner DescribeKey", err)

	// Without the account statement the role's identity policy no longer counts.
	only := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":` +
		`"arn:aws:iam::` + acct.ID + `:role/ProctorLearner"},"Action":["kms:PutKeyPolicy",` +
		`"kms:GetKeyPolicy"],"Resource":"*"}]}`
	_, err = kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: id,
		PolicyName: aws.String("default"), Policy: &only})
	must(t, "PutKeyPolicy naming the role", err)
	_, err = kc.Encrypt(ctx, &kms.EncryptInput{KeyId: id, Plaintext: []byte("x")})
	wantCode(t, "Encrypt not granted by the key policy", err, "AccessDeniedException")

	_, err = kc.DisableKey(ctx, &kms.DisableKeyInput{KeyId: id})
	wantCode(t, "DisableKey not granted by the key policy", err, "AccessDeniedException")
	other, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	must(t, "CreateKey", err)
	_, err = kc.DisableKey(ctx, &kms.DisableKeyInput{KeyId: other.KeyMetadata.KeyId})
	must(t, "DisableKey", err)
	_, err = kc.Encrypt(ctx, &kms.EncryptInput{KeyId: other.KeyMetadata.KeyId,
		Plaintext: []byte("x")})
	wantCode(t, "Encrypt with a disabled key", err, "DisabledException")
	_, err = kc.EnableKey(ctx, &kms.EnableKeyInput{KeyId: other.KeyMetadata.KeyId})
	must(t, "EnableKey", err)
}

func TestKMSManagement(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	kc := kmsClient(srv, acct.Learner, true)
	a, err := kc.CreateKey(ctx, &kms.CreateKeyInput{Tags: []kmstypes.Tag{
		{TagKey: aws.String("team"), TagValue: aws.String("data")}}})
	must(t, "CreateKey", err)
	b, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	must(t, "CreateKey", err)
	aID, bID := a.KeyMetadata.KeyId, b.KeyMetadata.KeyId

	_, err = kc.TagResource(ctx, &kms.TagResourceInput{KeyId: aID, Tags: []kmstypes.Tag{
		{TagKey: aws.String("env"), TagValue: aws.String("lab")}}})
	must(t, "TagResource", err)
	_, err = kc.UntagResource(ctx, &kms.UntagResourceInput{KeyId: aID, TagKeys: []string{"team"}})
	must(t, "UntagResource", err)
	tags, err := kc.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aID})
	must(t, "ListResourceTags", err)
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].TagKey) != "env" {
		t.Errorf("ListResourceTags = %+v, want only env", tags.Tags)
	}

	alias := aws.String("alias/current")
	_, err = kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: alias, TargetKeyId: aID})
	must(t, "CreateAlias", err)
	_, err = kc.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: alias, TargetKeyId: bID})
	must(t, "UpdateAlias", err)
	d, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: alias})
	must(t, "DescribeKey", err)
	if aws.ToString(d.KeyMetadata.KeyId) != aws.ToString(bID) {
		t.Errorf("alias points at %s after UpdateAlias, want %s",
			aws.ToString(d.KeyMetadata.KeyId), aws.ToString(bID))
	}
	_, err = kc.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: alias})
	must(t, "DeleteAlias", err)
	_, err = kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: alias})
	wantCode(t, "DescribeKey of a deleted alias", err, "NotFoundException")
	_, err = kc.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: alias})
	wantCode(t, "DeleteAlias twice", err, "NotFoundException")

	_, err = kc.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aID,
		PendingWindowInDays: aws.Int32(7)})
	must(t, "ScheduleKeyDeletion", err)
	_, err = kc.Encrypt(ctx, &kms.EncryptInput{KeyId: aID, Plaintext: []byte("x")})
	wantCode(t, "Encrypt with a key pending deletion", err, "KMSInvalidStateException")
	_, err = kc.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: aID})
	must(t, "CancelKeyDeletion", err)
	d, err = kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aID})
	must(t, "DescribeKey", err)
	if d.KeyMetadata.KeyState != kmstypes.KeyStateDisabled || d.KeyMetadata.DeletionDate != nil {
		t.Errorf("after CancelKeyDeletion: state %s, deletion %v; want Disabled and none",
			d.KeyMetadata.KeyState, d.KeyMetadata.DeletionDate)
	}
	_, err = kc.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: aID})
	wantCode(t, "CancelKeyDeletion of a live key", err, "KMSInvalidStateException")
}
