package pagerduty

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode/utf8"
)

// MaxDedupKey is the longest dedup_key PagerDuty accepts.
const MaxDedupKey = 255

// DedupKey returns the dedup_key for an incident key: the key itself when
// it fits in MaxDedupKey bytes, otherwise its start and "~" and 32 hex
// digits of its SHA-256, 255 bytes at most. The result depends on the key
// alone, so a trigger, its repeats and the resolve agree.
func DedupKey(incidentKey string) string {
	if len(incidentKey) <= MaxDedupKey {
		return incidentKey
	}
	sum := sha256.Sum256([]byte(incidentKey))
	suffix := "~" + hex.EncodeToString(sum[:16])
	cut := MaxDedupKey - len(suffix)
	for cut > 0 && !utf8.RuneStart(incidentKey[cut]) {
		cut--
	}
	return incidentKey[:cut] + suffix
}
