package webhook_test

import (
	"bytes"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/daemon/webhook"
)

// set returns h with header k set to v ("" deletes it).
func set(h http.Header, k, v string) http.Header {
	h = h.Clone()
	if v == "" {
		h.Del(k)
	} else {
		h.Set(k, v)
	}
	return h
}

type requestCase struct {
	name   string
	method string // default POST
	path   string
	header http.Header
	body   []byte
	status int
	result string         // provider/result observed
	event  *webhook.Event // nil: Notify must not be called
}

func TestRequests(t *testing.T) {
	push := fixture(t, "github-push.json")
	form := []byte("payload=" + url.QueryEscape(string(push)))
	labPush, labTag := fixture(t, "gitlab-push.json"), fixture(t, "gitlab-tag-push.json")
	big := bytes.Repeat([]byte(" "), 4097)
	const gh, gl, gen = "/webhooks/github/ml", "/webhooks/gitlab/ml", "/webhooks/generic/ml"
	ev := func(provider, id, branch string) *webhook.Event {
		return &webhook.Event{Repository: "ml", Provider: provider, DeliveryID: id, Branch: branch}
	}
	cases := []requestCase{
		{"github push", "", gh, github("push", "d1", push), push, 202, "github/accepted", ev("github", "d1", "dev")},
		{"github form-encoded push", "", gh, set(github("push", "d1", form), "Content-Type", "application/x-www-form-urlencoded"), form, 202, "github/accepted", ev("github", "d1", "dev")},
		{"github tag push", "", gh, github("push", "d1", fixture(t, "github-tag-push.json")), fixture(t, "github-tag-push.json"), 200, "github/ignored", nil},
		{"github ping", "", gh, github("ping", "d1", fixture(t, "github-ping.json")), fixture(t, "github-ping.json"), 200, "github/ignored", nil},
		{"github other event", "", gh, github("issues", "d1", []byte(`{}`)), []byte(`{}`), 200, "github/ignored", nil},
		{"github no signature", "", gh, set(github("push", "d1", push), "X-Hub-Signature-256", ""), push, 401, "github/unauthorized", nil},
		{"github wrong secret", "", gh, set(github("push", "d1", push), "X-Hub-Signature-256", sign("guess", push)), push, 401, "github/unauthorized", nil},
		{"github SHA-1 only", "", gh, set(set(github("push", "d1", push), "X-Hub-Signature-256", ""), "X-Hub-Signature", "sha1=0123456789abcdef0123456789abcdef01234567"), push, 401, "github/unauthorized", nil},
		{"github signature without prefix", "", gh, set(github("push", "d1", push), "X-Hub-Signature-256", strings.TrimPrefix(sign(githubSecret, push), "sha256=")), push, 401, "github/unauthorized", nil},
		{"github signature not hex", "", gh, set(github("push", "d1", push), "X-Hub-Signature-256", "sha256=zz"), push, 401, "github/unauthorized", nil},
		{"github body changed after signing", "", gh, github("push", "d1", push), append(append([]byte(nil), push...), ' '), 401, "github/unauthorized", nil},
		{"github no delivery id", "", gh, set(github("push", "", push), "X-Github-Delivery", ""), push, 400, "github/bad_request", nil},
		{"github delivery id too long", "", gh, github("push", strings.Repeat("x", 201), push), push, 400, "github/bad_request", nil},
		{"github push not JSON", "", gh, github("push", "d1", []byte("{")), []byte("{"), 400, "github/bad_request", nil},
		{"github push without ref", "", gh, github("push", "d1", []byte(`{}`)), []byte(`{}`), 400, "github/bad_request", nil},
		{"github GET", "GET", gh, nil, nil, 405, "github/bad_request", nil},
		{"github body too large", "", gh, github("push", "d1", big), big, 413, "github/too_large", nil},
		{"unknown repository", "", "/webhooks/github/other", github("push", "d1", push), push, 404, "github/unknown_source", nil},
		{"unknown provider", "", "/webhooks/bitbucket/ml", github("push", "d1", push), push, 404, "unknown/unknown_source", nil},
		{"path too short", "", "/webhooks/github", github("push", "d1", push), push, 404, "unknown/unknown_source", nil},
		{"gitlab push", "", gl, gitlab("Push Hook", "u1"), labPush, 202, "gitlab/accepted", ev("gitlab", "u1", "staging")},
		{"gitlab idempotency key", "", gl, set(set(gitlab("Push Hook", ""), "X-Gitlab-Event-Uuid", ""), "Idempotency-Key", "k1"), labPush, 202, "gitlab/accepted", ev("gitlab", "k1", "staging")},
		{"gitlab tag push", "", gl, gitlab("Tag Push Hook", "u1"), labTag, 200, "gitlab/ignored", nil},
		{"gitlab wrong token", "", gl, set(gitlab("Push Hook", "u1"), "X-Gitlab-Token", "gitlab-token-valuf"), labPush, 401, "gitlab/unauthorized", nil},
		{"gitlab token prefix", "", gl, set(gitlab("Push Hook", "u1"), "X-Gitlab-Token", "gitlab"), labPush, 401, "gitlab/unauthorized", nil},
		{"gitlab no token", "", gl, set(gitlab("Push Hook", "u1"), "X-Gitlab-Token", ""), labPush, 401, "gitlab/unauthorized", nil},
		{"gitlab no delivery id", "", gl, set(gitlab("Push Hook", "u1"), "X-Gitlab-Event-Uuid", ""), labPush, 400, "gitlab/bad_request", nil},
		{"generic empty body", "", gen, generic("g1", nil), nil, 202, "generic/accepted", ev("generic", "g1", "")},
		{"generic ref", "", gen, generic("g1", []byte(`{"ref":"refs/heads/dev"}`)), []byte(`{"ref":"refs/heads/dev"}`), 202, "generic/accepted", ev("generic", "g1", "dev")},
		{"generic branch", "", gen, generic("g1", []byte(`{"branch":"main"}`)), []byte(`{"branch":"main"}`), 202, "generic/accepted", ev("generic", "g1", "main")},
		{"generic tag", "", gen, generic("g1", []byte(`{"ref":"refs/tags/v1"}`)), []byte(`{"ref":"refs/tags/v1"}`), 200, "generic/ignored", nil},
		{"generic ref and branch disagree", "", gen, generic("g1", []byte(`{"ref":"refs/heads/a","branch":"b"}`)), []byte(`{"ref":"refs/heads/a","branch":"b"}`), 400, "generic/bad_request", nil},
		{"generic not JSON", "", gen, generic("g1", []byte("dev")), []byte("dev"), 400, "generic/bad_request", nil},
		{"generic no delivery id", "", gen, generic("", nil), nil, 400, "generic/bad_request", nil},
		{"generic signed with github's secret", "", gen, set(generic("g1", nil), "X-Sluice-Signature-256", sign(githubSecret, nil)), nil, 401, "generic/unauthorized", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, webhook.Options{MaxBody: 4096})
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			status, text := hs.do(t, method, tc.path, tc.header, tc.body)
			if status != tc.status {
				t.Errorf("status = %d (%q), want %d", status, strings.TrimSpace(text), tc.status)
			}
			events, results := hs.rec.snapshot()
			if !reflect.DeepEqual(results, []string{tc.result}) {
				t.Errorf("observed %v, want [%s]", results, tc.result)
			}
			var want []webhook.Event
			if tc.event != nil {
				want = []webhook.Event{*tc.event}
			}
			if !reflect.DeepEqual(events, want) {
				t.Errorf("notified %+v, want %+v", events, want)
			}
		})
	}
}
