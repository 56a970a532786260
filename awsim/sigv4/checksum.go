package sigv4

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strings"
)

// CheckDigests compares the payload with every integrity value sent for it: Content-MD5 and
// the x-amz-checksum-* headers or trailers (crc32, crc32c, sha1, sha256). trailers may be nil.
// It fails with BadDigest naming the first value that does not match, and with Malformed for
// a value that is not valid base64.
func CheckDigests(h http.Header, trailers map[string]string, payload []byte) error {
	if v := h.Get("Content-MD5"); v != "" {
		sum := md5.Sum(payload)
		if err := compare("Content-MD5", v, sum[:]); err != nil {
			return err
		}
	}
	values := map[string]string{}
	for _, alg := range []string{"crc32", "crc32c", "sha1", "sha256"} {
		name := "x-amz-checksum-" + alg
		if v := h.Get(name); v != "" {
			values[alg] = v
		}
		if v, ok := trailers[name]; ok {
			values[alg] = v
		}
	}
	for alg, v := range values {
		if err := compare("x-amz-checksum-"+alg, v, digest(alg, payload)); err != nil {
			return err
		}
	}
	return nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func digest(alg string, p []byte) []byte {
	switch alg {
	case "crc32":
		return binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(p))
	case "crc32c":
		return binary.BigEndian.AppendUint32(nil, crc32.Checksum(p, castagnoli))
	case "sha1":
		s := sha1.Sum(p)
		return s[:]
	default:
		s := sha256.Sum256(p)
		return s[:]
	}
}

func compare(name, sent string, want []byte) error {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sent))
	if err != nil {
		return fail(Malformed, "the "+name+" you specified is not valid base64")
	}
	if string(got) != string(want) {
		return fail(BadDigest, "the "+name+" you specified did not match what we received")
	}
	return nil
}
