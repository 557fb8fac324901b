package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// Signature headers, sent when Config.Secret is set.
const (
	// SignatureHeader holds "sha256=" and the hex HMAC-SHA256 of
	// "<timestamp>.<body>" keyed with the shared secret.
	SignatureHeader = "X-Burnwatch-Signature"
	// TimestampHeader holds the Unix time in seconds at which the request
	// was signed.
	TimestampHeader = "X-Burnwatch-Timestamp"
)

const signaturePrefix = "sha256="

// Sign returns the X-Burnwatch-Signature value for body sent at timestamp
// (the X-Burnwatch-Timestamp value, Unix seconds in decimal):
// "sha256=" followed by the hex HMAC-SHA256 of timestamp + "." + body.
func Sign(secret, timestamp string, body []byte) string {
	return signaturePrefix + hex.EncodeToString(mac(secret, timestamp, body))
}

// Verify checks a signature made by Sign, in constant time. It does not
// judge the timestamp: a receiver should also reject requests whose
// timestamp is far from its own clock (five minutes is a common bound) so
// that a captured request cannot be replayed later.
func Verify(secret, timestamp string, body []byte, signature string) error {
	if secret == "" {
		return errors.New("verify webhook signature: empty secret")
	}
	if timestamp == "" {
		return errors.New("verify webhook signature: missing " + TimestampHeader)
	}
	hexSum, ok := strings.CutPrefix(signature, signaturePrefix)
	if !ok {
		return errors.New("verify webhook signature: " + SignatureHeader + ` does not start with "sha256="`)
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return errors.New("verify webhook signature: " + SignatureHeader + " is not hex")
	}
	if !hmac.Equal(got, mac(secret, timestamp, body)) {
		return errors.New("verify webhook signature: signature does not match")
	}
	return nil
}

func mac(secret, timestamp string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(timestamp))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}
