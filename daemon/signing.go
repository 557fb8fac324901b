package daemon

import (
	"errors"
	"fmt"

	"github.com/burnwatch/burnwatch/alerting/webhook"
)

// minSigningSecret is the least length, in bytes, of a webhook receiver's
// signing secret. The signature is an HMAC-SHA256 keyed with the secret,
// and whoever can guess the key can sign a forged alert. RFC 2104 (section
// 3) strongly discourages HMAC keys shorter than the hash's output, 32
// bytes for SHA-256; 16 bytes, 128 bits when random, is the floor refused
// below, and 32 random bytes what the configuration reference recommends.
const minSigningSecret = 16

// signedWebhook is a webhook section whose signing secret, when set, must
// be long enough to sign with.
type signedWebhook struct{ *webhook.Config }

// Validate adds the signing secret's length to the webhook's own checks.
// The error names the secret's source, never its value or its length.
func (w signedWebhook) Validate() error {
	err := w.Config.Validate()
	if v := w.Secret.Value(); v != "" && len(v) < minSigningSecret {
		err = errors.Join(err, fmt.Errorf("secret: the secret from %s is shorter than %d bytes, too short to key the HMAC signature; make one with `openssl rand -hex 32`",
			w.Secret, minSigningSecret))
	}
	return err
}
