// SPDX-License-Identifier: EUPL-1.2

package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Headers of a delivery.
const (
	HeaderSignature = "X-Helpdesk-Signature"
	HeaderTimestamp = "X-Helpdesk-Timestamp"
	HeaderEvent     = "X-Helpdesk-Event"
	HeaderDelivery  = "X-Helpdesk-Delivery"
)

// Sign returns the signature header value of body sent at t: "sha256="
// and the hex HMAC-SHA256, keyed with the secret, of the decimal Unix
// time, a dot, and the body. The time is signed so a captured delivery
// cannot be replayed later unnoticed (receivers check it is recent).
func Sign(secret string, t time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(t.Unix(), 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
