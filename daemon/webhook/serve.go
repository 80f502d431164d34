package webhook

import (
	"errors"
	"fmt"
	"io"
	"net/http"
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
	if !src.limiter.AllowN(h.opts.Clock(), 1) {
		w.Header().Set("Retry-After", "1")
		h.reply(w, name, http.StatusTooManyRequests, ResultRateLimited, "too many requests")
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
// delivery id, replay, payload, and finally Notify.
func (h *Handler) authentic(w http.ResponseWriter, r *http.Request, p provider, src *source, body []byte) {
	name, repo := r.PathValue("provider"), r.PathValue("repository")
	if !p.verify(r.Header, body, src.secret) {
		h.log.Warn("webhook signature refused", "provider", name, "repository", repo, "remote", r.RemoteAddr)
		h.reply(w, name, http.StatusUnauthorized, ResultUnauthorized, "missing or invalid signature")
		return
	}
	id := p.delivery(r.Header)
	if id == "" || len(id) > maxDeliveryID {
		h.reply(w, name, http.StatusBadRequest, ResultBadRequest, "missing or oversized delivery id")
		return
	}
	if h.replay.check(name+"\x00"+repo+"\x00"+id, h.opts.Clock()) {
		h.log.Info("webhook delivery replayed", "provider", name, "repository", repo, "delivery", id)
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
