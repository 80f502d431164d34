// Package webhook receives push notifications from GitHub, GitLab and any
// sender that signs with HMAC-SHA256, and turns each authentic one into a
// wake-up call for the daemon's loop. A webhook never says what to deploy:
// the daemon always deploys what it fetched itself, so a forged or
// replayed request can at worst cause an extra fetch, and the guards below
// stop even that.
//
// The Handler serves POST /webhooks/{provider}/{repository}; mount it with
// mux.Handle("/webhooks/", h). Each request goes through, in order:
//
//	method      POST only                                  405 bad_request
//	source      provider and repository configured         404 unknown_source
//	body        at most Options.MaxBody bytes              413 too_large
//	signature   missing or wrong                           401 unauthorized
//	rate        a token bucket per authentic sender        429 rate_limited
//	            (source and remote address)
//	delivery    the id header is required                  400 bad_request
//	replay      an id, or the same body under any id,      200 replayed
//	            seen within Options.ReplayWindow
//	payload     parsed for the branch                      400 bad_request
//	event       not a branch push (ping, tag, issue, ...)  200 ignored
//	wake        Options.Notify(Event)                      202 accepted
//
// The rate limit comes after the signature: a forged request costs one
// HMAC (of at most MaxBody bytes), spends no sender's budget and fills
// no replay memory, so a flood of them cannot keep a genuine push out.
// Behind a proxy every sender has the proxy's address; the limit is
// then per source. The signatures cover the body only, not the delivery
// id: a captured body sent again under a new id is refused by its
// digest. Generic senders therefore make each body unique, best by
// naming the delivery in it ({"delivery": ID}, checked against the
// header).
//
// Only the last step calls Notify. A replayed delivery gets 200, not an
// error: the sender's retry of a delivery already acted on has succeeded,
// and it should not retry again. Every request ends in one call of
// Options.Observe(provider, result), provider being "unknown" for a
// provider this package does not know, so metric labels stay bounded.
//
// Providers:
//
//	github   X-Hub-Signature-256: sha256=HEX, HMAC-SHA256 of the raw body
//	         (X-Hub-Signature, SHA-1, is refused); X-GitHub-Delivery;
//	         X-GitHub-Event: push wakes the pushed branch, ping and every
//	         other event are ignored. JSON or form-encoded payloads.
//	gitlab   X-Gitlab-Token equal to the secret; Idempotency-Key, else
//	         X-Gitlab-Event-UUID; X-Gitlab-Event: Push Hook wakes the
//	         pushed branch, others are ignored. The token is not a
//	         signature of the body: use HTTPS.
//	generic  X-Sluice-Signature-256: sha256=HEX, HMAC-SHA256 of the raw
//	         body; X-Sluice-Delivery; an empty body, or one naming no
//	         branch, wakes every environment of the repository,
//	         {"ref": "refs/heads/dev"} or {"branch": "dev"} wakes one
//	         branch; an optional "delivery" must equal the header.
//
// Secrets are compared in constant time (hmac.Equal, and
// subtle.ConstantTimeCompare of SHA-256 digests for GitLab's token so its
// length does not leak either); they and the signatures received are never
// logged.
package webhook
