package daemon

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxRequestBody caps the body of API requests.
const maxRequestBody = 64 << 10

// Handler returns the daemon's HTTP handler: /metrics, /healthz,
// /readyz, the JSON API under /api/v1/, webhooks under /webhooks/ and
// the status page at /.
//
// API (JSON; mutating calls need "Authorization: Bearer TOKEN"):
//
//	GET  /api/v1/environments                    every environment's status
//	GET  /api/v1/environments/{env}              one environment's status
//	GET  /api/v1/environments/{env}/plan         the plan waiting for approval
//	GET  /api/v1/environments/{env}/history      applied revisions, newest first
//	GET  /api/v1/environments/{env}/pipelines    pipelines of the last loaded revision
//	POST /api/v1/environments/{env}/approve      {"revision": "...", "hash": "..."}
//	POST /api/v1/environments/{env}/rollback     {"revision": "..."}
//	POST /api/v1/environments/{env}/suspend
//	POST /api/v1/environments/{env}/resume
//	POST /api/v1/environments/{env}/sync         reconcile now, with a drift check
//	GET  /api/v1/environments/{env}/runs         runs the daemon started, newest first
//	POST /api/v1/environments/{env}/pipelines/{pipeline}/runs         {"parameters": {...}, "name": "..."}
//	GET  /api/v1/environments/{env}/pipelines/{pipeline}/runs/{name}  one run with its steps
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.opts.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", d.readyz)
	mux.Handle("/webhooks/", d.hooks)
	mux.HandleFunc("GET /api/v1/environments", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, d.Statuses()) })
	mux.HandleFunc("GET /api/v1/environments/{env}", d.get(func(s Status) any { return s }))
	mux.HandleFunc("GET /api/v1/environments/{env}/plan", d.get(func(s Status) any { return s.Pending }))
	mux.HandleFunc("GET /api/v1/environments/{env}/pipelines", d.get(func(s Status) any { return s.Pipelines }))
	mux.HandleFunc("GET /api/v1/environments/{env}/history", d.history)
	mux.HandleFunc("POST /api/v1/environments/{env}/approve", d.mutate(d.approve))
	mux.HandleFunc("POST /api/v1/environments/{env}/rollback", d.mutate(d.rollback))
	mux.HandleFunc("POST /api/v1/environments/{env}/suspend", d.mutate(func(_ context.Context, env string, _ revisionBody) (any, error) { return d.Suspend(env) }))
	mux.HandleFunc("POST /api/v1/environments/{env}/resume", d.mutate(func(_ context.Context, env string, _ revisionBody) (any, error) { return d.Resume(env) }))
	mux.HandleFunc("POST /api/v1/environments/{env}/sync", d.mutate(func(_ context.Context, env string, _ revisionBody) (any, error) {
		return map[string]string{"status": "reconcile requested"}, d.Sync(env)
	}))
	mux.HandleFunc("GET /api/v1/environments/{env}/runs", d.listRuns)
	mux.HandleFunc("GET /api/v1/environments/{env}/pipelines/{pipeline}/runs/{name}", d.getRun)
	mux.HandleFunc("POST /api/v1/environments/{env}/pipelines/{pipeline}/runs", d.startRun)
	mux.HandleFunc("GET /{$}", d.page)
	return mux
}

func (d *Daemon) readyz(w http.ResponseWriter, _ *http.Request) {
	ok, waiting := d.Ready()
	if !ok {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "waiting": waiting})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ready": true})
}

func (d *Daemon) get(view func(Status) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := d.Status(r.PathValue("env"))
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, view(s))
	}
}

func (d *Daemon) history(w http.ResponseWriter, r *http.Request) {
	h, err := d.History(r.PathValue("env"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, h)
}

// revisionBody is the body of approve and rollback.
type revisionBody struct {
	Revision string `json:"revision"`
	// Hash, for approve, is the hash of the plan approved (optional).
	Hash string `json:"hash,omitempty"`
}

// mutate wraps a mutating call: bearer token first, then the body.
func (d *Daemon) mutate(fn func(ctx context.Context, env string, body revisionBody) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body revisionBody
		if !d.admit(w, r, &body) {
			return
		}
		out, err := fn(r.Context(), r.PathValue("env"), body)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// admit checks a mutating call's bearer token and decodes its body into
// v, answering 401 or 400 itself when it returns false.
func (d *Daemon) admit(w http.ResponseWriter, r *http.Request, v any) bool {
	if !d.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sluice"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "a valid bearer token is required for this call"})
		return false
	}
	if r.ContentLength == 0 {
		return true
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad request body: " + err.Error()})
		return false
	}
	return true
}

// authorized checks the bearer token in constant time; with no token
// configured, every mutating call is refused.
func (d *Daemon) authorized(r *http.Request) bool {
	d.mu.RLock()
	token := d.token
	d.mu.RUnlock()
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && len(token) > 0 && subtle.ConstantTimeCompare([]byte(got), token) == 1
}

func (d *Daemon) approve(ctx context.Context, env string, b revisionBody) (any, error) {
	if b.Revision == "" {
		return nil, errBadRequest("approve needs the revision of the plan: {\"revision\": \"...\"}")
	}
	return d.ApprovePlan(ctx, env, b.Revision, b.Hash)
}

func (d *Daemon) rollback(ctx context.Context, env string, b revisionBody) (any, error) {
	if b.Revision == "" {
		return nil, errBadRequest("rollback needs a revision from the history: {\"revision\": \"...\"}")
	}
	return d.Rollback(ctx, env, b.Revision)
}

type errBadRequest string

func (e errBadRequest) Error() string { return string(e) }

// writeError maps an action's error to its status code.
func writeError(w http.ResponseWriter, err error) {
	if changed := (*PlanChanged)(nil); errors.As(err, &changed) {
		writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error(), "pending": changed.Pending})
		return
	}
	code := http.StatusInternalServerError
	var bad errBadRequest
	switch {
	case errors.Is(err, ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, ErrConflict):
		code = http.StatusConflict
	case errors.As(err, &bad):
		code = http.StatusBadRequest
	}
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (d *Daemon) listRuns(w http.ResponseWriter, r *http.Request) {
	runs, err := d.Runs(r.Context(), r.PathValue("env"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, runs)
}

func (d *Daemon) getRun(w http.ResponseWriter, r *http.Request) {
	run, err := d.DescribeRun(r.Context(), r.PathValue("env"), r.PathValue("pipeline"), r.PathValue("name"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, run)
}

func (d *Daemon) startRun(w http.ResponseWriter, r *http.Request) {
	var req RunRequest
	if !d.admit(w, r, &req) {
		return
	}
	run, err := d.StartRun(r.Context(), r.PathValue("env"), r.PathValue("pipeline"), req)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, run)
}
