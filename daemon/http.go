package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxRequestBody caps the body of API requests.
const maxRequestBody = 64 << 10

// Handler returns the daemon's HTTP handler: /metrics, /healthz,
// /readyz, the JSON API under /api/v1/, webhooks under /webhooks/ and
// the status page at /.
//
// API (JSON). Every route but /healthz, /readyz and the webhooks checks
// the Host header against http.allowedHosts (421 otherwise). Calls that
// change something need "Authorization: Bearer API-TOKEN"; runs, which
// hold what steps printed, need the API token or a read token unless
// anonymousRead is on; the rest is open:
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
//	GET  /api/v1/environments/{env}/runs         recorded runs, newest first (read; ?pipeline=&status=&limit=);
//	                                             on AWS, the runs this daemon started, from memory
//	GET  /api/v1/environments/{env}/runs/{id}    one recorded run (id or name) with attempts and artifacts (read)
//	GET  /api/v1/environments/{env}/runs/{id}/steps/{step}/log   a step's log (local file, CloudWatch Logs), text (read; ?attempt=N; ?page&token=T: one part, Sluice-Log-* headers)
//	POST /api/v1/environments/{env}/runs/{id}/stop                stop a running run (local backend)
//	POST /api/v1/environments/{env}/runs/{id}/resume              {"name": "..."}: a new run from the failed step (local backend)
//	GET  /api/v1/environments/{env}/lineage?uri=s3://...          the run, step and attempt that wrote an artifact (read)
//	POST /api/v1/environments/{env}/pipelines/{pipeline}/runs         {"parameters": {...}, "name": "..."}
//	GET  /api/v1/environments/{env}/pipelines/{pipeline}/runs/{name}  one run with its steps (read)
//
// A body larger than 64 KiB gets 413. Every JSON answer and the status
// page pass through the redactor: no secret value the daemon knows is
// written out. The status answers are kept encoded between changes of
// what they show (answers.go).
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	route := func(pattern string, t tier, h http.HandlerFunc) { mux.Handle(pattern, d.guard(t, d.canonicalEnv(h))) }
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", d.readyz)
	mux.Handle("/webhooks/", d.hooks)
	mux.Handle("GET /metrics", d.guard(tierOpen, promhttp.HandlerFor(d.opts.Registry, promhttp.HandlerOpts{})))
	route("GET /api/v1/environments", tierOpen, func(w http.ResponseWriter, _ *http.Request) {
		s := d.Statuses()
		d.writeStatusJSON(w, "environments", s, func() any { return listed(s) })
	})
	route("GET /api/v1/environments/{env}", tierOpen, d.get("status", func(s Status) any { return s }))
	route("GET /api/v1/environments/{env}/plan", tierOpen, d.get("plan", func(s Status) any { return s.Pending }))
	route("GET /api/v1/environments/{env}/pipelines", tierOpen, d.get("pipelines", func(s Status) any { return s.Pipelines }))
	route("GET /api/v1/environments/{env}/history", tierOpen, d.history)
	route("POST /api/v1/environments/{env}/approve", tierAdmin, d.mutate(d.approve))
	route("POST /api/v1/environments/{env}/rollback", tierAdmin, d.mutate(d.rollback))
	route("POST /api/v1/environments/{env}/suspend", tierAdmin, d.mutate(func(_ context.Context, env string, _ revisionBody) (any, error) { return d.Suspend(env) }))
	route("POST /api/v1/environments/{env}/resume", tierAdmin, d.mutate(func(_ context.Context, env string, _ revisionBody) (any, error) { return d.Resume(env) }))
	route("POST /api/v1/environments/{env}/sync", tierAdmin, d.mutate(func(_ context.Context, env string, _ revisionBody) (any, error) {
		return map[string]string{"status": "reconcile requested"}, d.Sync(env)
	}))
	route("GET /api/v1/environments/{env}/runs", tierRead, d.listRuns)
	route("GET /api/v1/environments/{env}/runs/{id}", tierRead, d.getRecordedRun)
	route("GET /api/v1/environments/{env}/runs/{id}/steps/{step}/log", tierRead, d.getRunLog)
	route("POST /api/v1/environments/{env}/runs/{id}/stop", tierAdmin, d.stopRun)
	route("POST /api/v1/environments/{env}/runs/{id}/resume", tierAdmin, d.resumeRun)
	route("GET /api/v1/environments/{env}/lineage", tierRead, d.getLineage)
	route("GET /api/v1/environments/{env}/artifact", tierAdmin, d.getArtifact)
	route("GET /api/v1/environments/{env}/pipelines/{pipeline}/runs/{name}", tierRead, d.getRun)
	route("POST /api/v1/environments/{env}/pipelines/{pipeline}/runs", tierAdmin, d.startRun)
	if err := d.routePages(route); err != nil {
		d.log.Error("web pages unavailable", "err", err)
	}
	return mux
}

func (d *Daemon) readyz(w http.ResponseWriter, _ *http.Request) {
	ok, waiting := d.Ready()
	if !ok {
		d.writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "waiting": waiting})
		return
	}
	d.writeJSON(w, http.StatusOK, map[string]any{"ready": true})
}

// get answers a view of one environment's status, through the answer
// cache under the view's name.
func (d *Daemon) get(name string, view func(Status) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := d.Status(r.PathValue("env"))
		if err != nil {
			d.writeError(w, err)
			return
		}
		d.writeStatusJSON(w, name+" "+s.Environment, []Status{s}, func() any { return view(s) })
	}
}

func (d *Daemon) history(w http.ResponseWriter, r *http.Request) {
	h, err := d.History(r.PathValue("env"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	d.writeJSON(w, http.StatusOK, h)
}

// revisionBody is the body of approve and rollback.
type revisionBody struct {
	Revision string `json:"revision"`
	// Hash, for approve, is the hash of the plan approved (optional).
	Hash string `json:"hash,omitempty"`
}

// mutate wraps a mutating call (its route checks the token): the body,
// then the call.
func (d *Daemon) mutate(fn func(ctx context.Context, env string, body revisionBody) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body revisionBody
		if !d.decode(w, r, &body) {
			return
		}
		out, err := fn(r.Context(), r.PathValue("env"), body)
		if err != nil {
			d.writeError(w, err)
			return
		}
		d.writeJSON(w, http.StatusOK, out)
	}
}

// decode decodes a call's JSON body, if any, into v, answering 413 for
// a body over maxRequestBody and 400 for one that is not one JSON value
// of v's shape, itself, when it returns false.
func (d *Daemon) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.ContentLength == 0 {
		return true
	}
	if r.ContentLength > maxRequestBody {
		d.tooLarge(w)
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if err = dec.Decode(&struct{}{}); errors.Is(err, io.EOF) {
			return true
		}
		if err == nil {
			err = errors.New("more than one JSON value")
		}
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		d.tooLarge(w)
		return false
	}
	d.writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad request body: " + err.Error()})
	return false
}

// tooLarge answers 413 and closes the connection, rather than read the
// rest of the body.
func (d *Daemon) tooLarge(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	d.writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{
		"error": fmt.Sprintf("request body larger than %d bytes", maxRequestBody)})
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
func (d *Daemon) writeError(w http.ResponseWriter, err error) {
	if changed := (*PlanChanged)(nil); errors.As(err, &changed) {
		d.writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error(), "pending": changed.Pending})
		return
	}
	if many := (*AmbiguousRun)(nil); errors.As(err, &many) {
		d.writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error(), "runs": many.Runs})
		return
	}
	code := http.StatusInternalServerError
	var bad errBadRequest
	switch {
	case errors.Is(err, ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, ErrConflict):
		code = http.StatusConflict
	case errors.As(err, &bad), errors.Is(err, ErrAmbiguous):
		code = http.StatusBadRequest
	}
	d.writeJSON(w, code, map[string]string{"error": err.Error()})
}

// writeJSON writes v as indented JSON with every secret value the
// daemon knows masked.
func (d *Daemon) writeJSON(w http.ResponseWriter, code int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		b.Reset()
		code = http.StatusInternalServerError
		b.WriteString(`{"error": "cannot encode the answer"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(d.redact.Bytes(b.Bytes()))
}

func (d *Daemon) listRuns(w http.ResponseWriter, r *http.Request) {
	if d.recordsRuns(r.PathValue("env")) {
		d.listRecordedRuns(w, r)
		return
	}
	runs, err := d.Runs(r.Context(), r.PathValue("env"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	d.writeJSON(w, http.StatusOK, runs)
}

func (d *Daemon) getRun(w http.ResponseWriter, r *http.Request) {
	run, err := d.DescribeRun(r.Context(), r.PathValue("env"), r.PathValue("pipeline"), r.PathValue("name"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	d.writeJSON(w, http.StatusOK, run)
}

func (d *Daemon) startRun(w http.ResponseWriter, r *http.Request) {
	var req RunRequest
	if !d.decode(w, r, &req) {
		return
	}
	run, err := d.StartRun(r.Context(), r.PathValue("env"), r.PathValue("pipeline"), req)
	if err != nil {
		d.writeError(w, err)
		return
	}
	d.writeJSON(w, http.StatusOK, run)
}
