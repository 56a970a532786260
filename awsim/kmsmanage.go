package awsim

import (
	"sort"
	"strings"

	"github.com/proctorlabs/proctor/awsim/protocol"
)

// Alias changes, tags and cancelling a scheduled deletion.

// tagsFrom reads a KMS tag list, refusing a tag key given twice.
func tagsFrom(v any) (map[string]string, *protocol.Error) {
	list, _ := v.([]any)
	tags := map[string]string{}
	for _, t := range list {
		tag, _ := t.(protocol.Params)
		k := str(tag, "TagKey")
		if _, dup := tags[k]; dup {
			return nil, kmsError("TagException", "duplicate tag key %q", k)
		}
		tags[k] = str(tag, "TagValue")
	}
	return tags, nil
}

// updateKey applies f to the live key under the write lock and marks the account changed.
func (c *call) updateKey(id string, f func(k *kmsKey)) {
	c.s.mu.Lock()
	if live, ok := c.s.resolveKeyLocked(c.key.Account, id); ok {
		f(live)
	}
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
}

func tagResource(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:TagResource", &k); err != nil {
		return nil, err
	}
	tags, terr := tagsFrom(c.in["Tags"])
	if terr != nil {
		return nil, terr
	}
	c.updateKey(k.ID, func(live *kmsKey) {
		if live.Tags == nil {
			live.Tags = map[string]string{}
		}
		for tk, tv := range tags {
			live.Tags[tk] = tv
		}
	})
	return protocol.Params{}, nil
}

func untagResource(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:UntagResource", &k); err != nil {
		return nil, err
	}
	keys, _ := c.in["TagKeys"].([]any)
	c.updateKey(k.ID, func(live *kmsKey) {
		for _, tk := range keys {
			name, _ := tk.(string)
			delete(live.Tags, name)
		}
	})
	return protocol.Params{}, nil
}

func listResourceTags(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:ListResourceTags", &k); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(k.Tags))
	for name := range k.Tags {
		names = append(names, name)
	}
	sort.Strings(names)
	pg, next, more, perr := page(names, c)
	if perr != nil {
		return nil, perr
	}
	tags := make([]any, len(pg))
	for i, name := range pg {
		tags[i] = protocol.Params{"TagKey": name, "TagValue": k.Tags[name]}
	}
	out := protocol.Params{"Tags": tags, "Truncated": more}
	if more {
		out["NextMarker"] = next
	}
	return out, nil
}

func cancelKeyDeletion(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:CancelKeyDeletion", &k); err != nil {
		return nil, err
	}
	if k.State != "PendingDeletion" {
		return nil, kmsError("KMSInvalidStateException", "%s is not pending deletion.", k.ARN)
	}
	c.updateKey(k.ID, func(live *kmsKey) {
		live.State, live.DeletionDate = "Disabled", nil
	})
	return protocol.Params{"KeyId": k.ARN}, nil
}

// aliasTarget checks an alias name the caller may change and returns its alias.
func (c *call) aliasTarget(action string) (*kmsAlias, string, *protocol.Error) {
	name := str(c.in, "AliasName")
	aliasARN := "arn:aws:kms:" + c.region() + ":" + c.key.Account + ":" + name
	if err := c.kmsAllow(action, aliasARN); err != nil {
		return nil, "", err
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	a := c.s.st.Accounts[c.key.Account]
	if a == nil || a.Aliases[name] == nil {
		return nil, "", kmsError("NotFoundException", "Alias %s is not found.", aliasARN)
	}
	cp := *a.Aliases[name]
	return &cp, aliasARN, nil
}

func deleteAlias(c *call) (protocol.Params, error) {
	al, _, err := c.aliasTarget("kms:DeleteAlias")
	if err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	if a := c.s.st.Accounts[c.key.Account]; a != nil {
		delete(a.Aliases, al.Name)
	}
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}

func updateAlias(c *call) (protocol.Params, error) {
	al, _, err := c.aliasTarget("kms:UpdateAlias")
	if err != nil {
		return nil, err
	}
	target := str(c.in, "TargetKeyId")
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	k, ok := c.s.resolveKeyLocked(c.key.Account, target)
	if !ok || strings.HasPrefix(target, "alias/") {
		return nil, notFound(c, target)
	}
	if k.State == "PendingDeletion" {
		return nil, kmsError("KMSInvalidStateException", "%s is pending deletion.", k.ARN)
	}
	if a := c.s.st.Accounts[c.key.Account]; a != nil && a.Aliases[al.Name] != nil {
		a.Aliases[al.Name].KeyID = k.ID
	}
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}
