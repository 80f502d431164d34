package webhook

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// maxDeliveryID bounds the length of a delivery id kept in replay memory.
const maxDeliveryID = 200

// serve runs a request through the guards in the order the package
// documentation lists, and wakes the loop only at the end.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	name, repo := r.PathValue("provider"), r.PathValue("repository")
	p, known := providerFor(name)
	label := name
	if !known {
		label = "unknown"
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reply(w, label, http.StatusMethodNotAllowed, ResultBadRequest, "use POST")
		return
	}
	src, ok := h.source(name, repo)
	if !known || !ok {
		h.reply(w, label, http.StatusNotFound, ResultUnknownSource, "no such webhook")
		return
	}
	body, err := h.readBody(r)
	if err != nil {
		h.refuseBody(w, name, err)
		return
	}
	h.authentic(w, r, p, src, body)
}

// authentic continues with a request whose body is read: signature,
// the sender's rate, delivery id, replay by id and by content, payload,
// and finally Notify. A forged request costs one HMAC and touches no
// rate limit nor replay memory.
func (h *Handler) authentic(w http.ResponseWriter, r *http.Request, p provider, src *source, body []byte) {
	name, repo := r.PathValue("provider"), r.PathValue("repository")
	if !p.verify(r.Header, body, src.secret) {
		h.log.Warn("webhook signature refused", "provider", name, "repository", repo, "remote", r.RemoteAddr)
		h.reply(w, name, http.StatusUnauthorized, ResultUnauthorized, "missing or invalid signature")
		return
	}
	now := h.opts.Clock()
	if !h.rate.allow(senderKey{name, repo, remoteAddr(r.RemoteAddr)}, now) {
		w.Header().Set("Retry-After", "1")
		h.reply(w, name, http.StatusTooManyRequests, ResultRateLimited, "too many requests")
		return
	}
	id := p.delivery(r.Header)
	if id == "" || len(id) > maxDeliveryID {
		h.reply(w, name, http.StatusBadRequest, ResultBadRequest, "missing or oversized delivery id")
		return
	}
	if h.replayed(name, repo, id, body, now) {
		h.reply(w, name, http.StatusOK, ResultReplayed, "delivery already received")
		return
	}
	out, err := p.parse(r.Header, body)
	switch {
	case err != nil:
		h.reply(w, name, http.StatusBadRequest, ResultBadRequest, err.Error())
	case !out.wake:
		h.reply(w, name, http.StatusOK, ResultIgnored, out.note)
	default:
		h.opts.Notify(Event{Repository: repo, Provider: name, DeliveryID: id, Branch: out.branch})
		h.log.Info("webhook accepted", "provider", name, "repository", repo, "delivery", id, "branch", out.branch)
		h.reply(w, name, http.StatusAccepted, ResultAccepted, "accepted")
	}
}

// replayed reports whether the delivery id, or the same body under any
// id, was received from this source within the replay window, and
// remembers both. The signature covers the body only: a captured body
// sent again under a new id is a replay too.
func (h *Handler) replayed(name, repo, id string, body []byte, now time.Time) bool {
	sum := sha256.Sum256(body)
	byID := h.replay.check(name+"\x00"+repo+"\x00id\x00"+id, now)
	byBody := h.replay.check(name+"\x00"+repo+"\x00body\x00"+hex.EncodeToString(sum[:]), now)
	switch {
	case byID:
		h.log.Info("webhook delivery replayed", "provider", name, "repository", repo, "delivery", id)
	case byBody:
		h.log.Warn("webhook body replayed under a new delivery id", "provider", name, "repository", repo, "delivery", id)
	}
	return byID || byBody
}

// errTooLarge is returned by readBody for a body beyond MaxBody.
var errTooLarge = errors.New("body too large")

// readBody reads at most MaxBody bytes, failing with errTooLarge beyond.
func (h *Handler) readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > h.opts.MaxBody {
		return nil, errTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.opts.MaxBody+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("read body: %w", err)
	case int64(len(body)) > h.opts.MaxBody:
		return nil, errTooLarge
	}
	return body, nil
}

func (h *Handler) refuseBody(w http.ResponseWriter, provider string, err error) {
	if errors.Is(err, errTooLarge) {
		w.Header().Set("Connection", "close")
		h.reply(w, provider, http.StatusRequestEntityTooLarge, ResultTooLarge, fmt.Sprintf("body larger than %d bytes", h.opts.MaxBody))
		return
	}
	h.reply(w, provider, http.StatusBadRequest, ResultBadRequest, "cannot read body")
}

// notFound answers paths that are not /webhooks/{provider}/{repository}.
func (h *Handler) notFound(w http.ResponseWriter, _ *http.Request) {
	h.reply(w, "unknown", http.StatusNotFound, ResultUnknownSource, "no such webhook")
}

// reply writes a short text response and reports the result.
func (h *Handler) reply(w http.ResponseWriter, provider string, status int, result, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
	h.opts.Observe(provider, result)
}
