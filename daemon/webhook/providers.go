package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// provider is how one sender signs, names and describes its deliveries.
type provider struct {
	verify   func(h http.Header, body, secret []byte) bool
	delivery func(h http.Header) string
	parse    func(h http.Header, body []byte) (outcome, error)
}

// outcome is what a payload asks: wake a branch ("" for all), or nothing,
// with a note saying why.
type outcome struct {
	branch string
	wake   bool
	note   string
}

// providerFor returns the provider called name.
func providerFor(name string) (provider, bool) {
	switch name {
	case GitHub:
		return provider{verifyHMAC("X-Hub-Signature-256"), headers("X-GitHub-Delivery"), parseGitHub}, true
	case GitLab:
		return provider{verifyToken("X-Gitlab-Token"), headers("Idempotency-Key", "X-Gitlab-Event-UUID"), parseGitLab}, true
	case Generic:
		return provider{verifyHMAC("X-Sluice-Signature-256"), headers("X-Sluice-Delivery"), parseGeneric}, true
	}
	return provider{}, false
}

// verifyHMAC checks a "sha256=HEX" header against the HMAC-SHA256 of the
// body, in constant time.
func verifyHMAC(header string) func(http.Header, []byte, []byte) bool {
	return func(h http.Header, body, secret []byte) bool {
		sig, ok := strings.CutPrefix(h.Get(header), "sha256=")
		if !ok {
			return false
		}
		got, err := hex.DecodeString(sig)
		if err != nil {
			return false
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		return hmac.Equal(got, mac.Sum(nil))
	}
}

// verifyToken checks a header holding the secret itself, comparing
// SHA-256 digests in constant time so that neither content nor length
// leaks.
func verifyToken(header string) func(http.Header, []byte, []byte) bool {
	return func(h http.Header, _, secret []byte) bool {
		token := h.Get(header)
		got, want := sha256.Sum256([]byte(token)), sha256.Sum256(secret)
		return token != "" && subtle.ConstantTimeCompare(got[:], want[:]) == 1
	}
}

// headers returns the value of the first of names present.
func headers(names ...string) func(http.Header) string {
	return func(h http.Header) string {
		for _, name := range names {
			if v := h.Get(name); v != "" {
				return v
			}
		}
		return ""
	}
}

func parseGitHub(h http.Header, body []byte) (outcome, error) {
	switch event := h.Get("X-GitHub-Event"); event {
	case "ping":
		return outcome{note: "pong"}, nil
	case "push":
		payload, err := formPayload(h, body)
		if err != nil {
			return outcome{}, err
		}
		return pushOutcome(payload)
	default:
		return outcome{note: "ignored: event " + event}, nil
	}
}

// formPayload returns the JSON payload of a GitHub delivery, which is the
// body or, for application/x-www-form-urlencoded, its payload field.
func formPayload(h http.Header, body []byte) ([]byte, error) {
	media, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || media != "application/x-www-form-urlencoded" {
		return body, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errors.New("payload is not form-encoded")
	}
	return []byte(form.Get("payload")), nil
}

func parseGitLab(h http.Header, body []byte) (outcome, error) {
	if event := h.Get("X-Gitlab-Event"); event != "Push Hook" {
		return outcome{note: "ignored: event " + event}, nil
	}
	return pushOutcome(body)
}

// pushOutcome reads the ref of a GitHub or GitLab push payload.
func pushOutcome(body []byte) (outcome, error) {
	var p struct {
		Ref string `json:"ref"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return outcome{}, errors.New("payload is not JSON")
	}
	if p.Ref == "" {
		return outcome{}, errors.New("push payload names no ref")
	}
	return refOutcome(p.Ref), nil
}

// refOutcome wakes the branch a ref names; any other ref (a tag) wakes
// nothing, as no environment deploys it.
func refOutcome(ref string) outcome {
	if branch, ok := strings.CutPrefix(ref, "refs/heads/"); ok && branch != "" {
		return outcome{branch: branch, wake: true}
	}
	return outcome{note: "ignored: not a branch"}
}

// parseGeneric reads an optional {"ref": ...} or {"branch": ...}; an empty
// body, or one naming neither, wakes every branch. A "delivery" in the
// body must equal the X-Sluice-Delivery header: it binds the id into the
// signature and makes each delivery's body unique.
func parseGeneric(h http.Header, body []byte) (outcome, error) {
	if strings.TrimSpace(string(body)) == "" {
		return outcome{wake: true}, nil
	}
	var p struct {
		Ref      string `json:"ref"`
		Branch   string `json:"branch"`
		Delivery string `json:"delivery"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return outcome{}, errors.New("payload is not JSON")
	}
	if p.Delivery != "" && p.Delivery != h.Get("X-Sluice-Delivery") {
		return outcome{}, errors.New("the body's delivery and X-Sluice-Delivery disagree")
	}
	if p.Ref == "" {
		return outcome{branch: p.Branch, wake: true}, nil
	}
	out := refOutcome(p.Ref)
	if p.Branch != "" && p.Branch != out.branch {
		return outcome{}, errors.New("ref and branch disagree")
	}
	return out, nil
}
