package sigv4

import (
	"bytes"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"strings"
)

// emptyHash is the hex SHA-256 of no bytes, part of every chunk's string to sign.
const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// DecodeChunked decodes an aws-chunked body (Content-Encoding: aws-chunked) and returns the
// payload and its trailing headers, keyed by lower-case name. For the signed streaming modes
// it verifies every chunk's signature, chained from the request's seed signature, and the
// trailer's signature; secret is then the access key's secret. It fails with Malformed for a
// body that is not valid aws-chunked framing and with Mismatch for a bad chunk signature.
func DecodeChunked(a *Auth, body []byte, secret string) ([]byte, map[string]string, error) {
	signed := a.PayloadHash == StreamingSigned || a.PayloadHash == StreamingSignedTrailer
	var key []byte
	if signed {
		key = SigningKey(secret, a.Date, a.Region, a.Service)
	}
	prev := strings.ToLower(a.Signature)
	var out bytes.Buffer
	rest := body
	for {
		line, after, ok := bytes.Cut(rest, []byte("\r\n"))
		if !ok {
			return nil, nil, fail(Malformed, "aws-chunked body ends inside a chunk header")
		}
		rest = after
		sizeText, ext, _ := strings.Cut(string(line), ";")
		size, err := strconv.ParseUint(strings.TrimSpace(sizeText), 16, 32)
		if err != nil {
			return nil, nil, fail(Malformed, "aws-chunked chunk size "+quoteShort(sizeText)+
				" is not hexadecimal")
		}
		if uint64(len(rest)) < size {
			return nil, nil, fail(Malformed, "aws-chunked chunk is shorter than its size")
		}
		chunk := rest[:size]
		rest = rest[size:]
		if signed {
			sig, found := strings.CutPrefix(strings.TrimSpace(ext), "chunk-signature=")
			if !found {
				return nil, nil, fail(Malformed, "aws-chunked chunk has no chunk-signature")
			}
			sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + a.amzDate + "\n" + a.Scope() + "\n" + prev +
				"\n" + emptyHash + "\n" + hashHex(chunk)
			want := hex.EncodeToString(hmacSHA256(key, []byte(sts)))
			if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(sig))) != 1 {
				return nil, nil, fail(Mismatch, "the chunk signature we calculated does not "+
					"match the signature you provided")
			}
			prev = want
		}
		if size == 0 {
			break
		}
		out.Write(chunk)
		if !bytes.HasPrefix(rest, []byte("\r\n")) {
			return nil, nil, fail(Malformed, "aws-chunked chunk is longer than its size")
		}
		rest = rest[2:]
	}
	trailers, err := a.decodeTrailers(rest, key, prev)
	if err != nil {
		return nil, nil, err
	}
	return out.Bytes(), trailers, nil
}

// decodeTrailers reads the trailing headers after the final chunk, verifying the trailer
// signature in the signed-trailer mode.
func (a *Auth) decodeTrailers(rest, key []byte, prev string) (map[string]string, error) {
	trailers := map[string]string{}
	var canonical strings.Builder
	sig := ""
	for len(rest) > 0 {
		line, after, ok := bytes.Cut(rest, []byte("\r\n"))
		if !ok {
			line, after = rest, nil
		}
		rest = after
		if len(line) == 0 {
			continue
		}
		name, value, ok := strings.Cut(string(line), ":")
		if !ok {
			return nil, fail(Malformed, "aws-chunked trailer "+quoteShort(string(line))+
				" is not of the form name:value")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if name == "x-amz-trailer-signature" {
			sig = value
			continue
		}
		trailers[name] = value
		canonical.WriteString(name + ":" + value + "\n")
	}
	if a.PayloadHash == StreamingSignedTrailer {
		if sig == "" {
			return nil, fail(Malformed, "aws-chunked body has no x-amz-trailer-signature")
		}
		sts := "AWS4-HMAC-SHA256-TRAILER\n" + a.amzDate + "\n" + a.Scope() + "\n" + prev +
			"\n" + hashHex([]byte(canonical.String()))
		want := hex.EncodeToString(hmacSHA256(key, []byte(sts)))
		if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(sig))) != 1 {
			return nil, fail(Mismatch, "the trailer signature we calculated does not match "+
				"the signature you provided")
		}
	}
	return trailers, nil
}
