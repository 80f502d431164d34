package daemon

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
)

// The pages' actions are plain HTML forms posted to /ui/env/...: they
// need the API token (bearer or signed in), come from the daemon's own
// pages (Origin or Referer, and a form token derived from the signed-in
// token), call the same functions as the API and go back to a page with
// the result shown once (Post/Redirect/Get).

// flashCookie carries an action's result to the page it redirects to,
// for one view.
const (
	flashCookie = "sluice_flash"
	flashAge    = 2 * time.Minute
	maxFlash    = 1200
)

// formTokenContext is what the form token signs: it is an HMAC of this
// under the signed-in token, so it is known only to whoever holds the
// token or reads the daemon's pages with it.
const formTokenContext = "sluice page form v1"

// routeActions adds the pages' action forms.
func (d *Daemon) routeActions(route func(string, tier, http.HandlerFunc)) {
	route("POST /ui/env/{env}/approve", tierOpen, d.pageAction(d.approveAction))
	route("POST /ui/env/{env}/sync", tierOpen, d.pageAction(func(r *http.Request) (string, string, error) {
		env := r.PathValue("env")
		return "A reconcile of " + env + " with a drift check was requested.", "", d.Sync(env)
	}))
	route("POST /ui/env/{env}/suspend", tierOpen, d.pageAction(func(r *http.Request) (string, string, error) {
		env := r.PathValue("env")
		_, err := d.Suspend(env)
		return env + " is suspended: automatic reconciles wait for a resume.", "", err
	}))
	route("POST /ui/env/{env}/resume", tierOpen, d.pageAction(func(r *http.Request) (string, string, error) {
		env := r.PathValue("env")
		_, err := d.Resume(env)
		return env + " is resumed: its branch head is reconciled again.", "", err
	}))
	route("POST /ui/env/{env}/pipelines/{pipeline}/runs", tierOpen, d.startRunAction)
	route("POST /ui/env/{env}/runs/{id}/stop", tierOpen, d.pageAction(func(r *http.Request) (string, string, error) {
		run, err := d.StopRun(r.Context(), r.PathValue("env"), r.PathValue("id"))
		return "Run " + run.Name + " was asked to stop.", "", err
	}))
	route("POST /ui/env/{env}/runs/{id}/resume", tierOpen, d.pageAction(func(r *http.Request) (string, string, error) {
		env := r.PathValue("env")
		run, err := d.ResumeRun(r.Context(), env, r.PathValue("id"), "")
		if err != nil {
			return "", "", err
		}
		return "Run " + run.Name + " resumes " + r.PathValue("id") + " from its failed step.",
			"/ui/env/" + url.PathEscape(env) + "/pipelines/" + url.PathEscape(run.Pipeline) + "/runs/" + url.PathEscape(run.Name), nil
	}))
}

// approveAction applies the plan whose revision and hash the form
// posts: the plan the approver read, and no other.
func (d *Daemon) approveAction(r *http.Request) (string, string, error) {
	env := r.PathValue("env")
	revision, hash := r.PostFormValue("revision"), r.PostFormValue("hash")
	if revision == "" || hash == "" {
		return "", "", errBadRequest("approve needs the revision and the hash of the plan shown")
	}
	st, err := d.ApprovePlan(r.Context(), env, revision, hash)
	var changed *PlanChanged
	if errors.As(err, &changed) {
		return "", "/ui/env/" + url.PathEscape(env) + "/plan", fmt.Errorf(
			"nothing applied: the plan changed since it was shown (%w); read the new plan below and approve it if it is right", err)
	}
	if err != nil {
		return "", "", err
	}
	return fmt.Sprintf("Plan %.12s of %s applied: %s is %s.", hash, short(revision), env, human(st.State)), "", nil
}

// pageAction wraps an action: the request must come from the daemon's
// pages with the form token of an API token, else 403 and nothing is
// done. fn returns the message to show, the page to go to ("" for the
// form's next) and its error, which is shown instead.
func (d *Daemon) pageAction(fn func(r *http.Request) (string, string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !d.formAllowed(w, r) {
			return
		}
		msg, to, err := fn(r)
		if to == "" {
			to = safeNext(r.PostFormValue("next"))
		}
		f := flash{OK: err == nil, Text: msg}
		if err != nil {
			f.Text = err.Error()
			d.log.Info("page action refused", "path", r.URL.Path, "err", err)
		} else {
			d.log.Info("page action", "path", r.URL.Path)
		}
		setFlash(w, r, f)
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}

// formAllowed reports whether the form r posts may act: it comes from
// the daemon's pages with the form token of an API token. Otherwise it
// answers 403 (the sign-in page for a token that may not act) and
// returns false.
func (d *Daemon) formAllowed(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	if !sameOrigin(r) || !hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(formToken(requestToken(r)))) {
		http.Error(w, "form refused: it does not come from this daemon's pages (sign in again)", http.StatusForbidden)
		return false
	}
	if !d.isAdmin(r) {
		d.render(w, r, http.StatusForbidden, "signin", pageData{Title: "Sign in",
			Body: signinView{Next: safeNext(r.PostFormValue("next")), Reason: "Changes need the API token: sign in with it."}})
		return false
	}
	return true
}

// isAdmin reports whether r carries the API token, as a bearer token
// or signed in.
func (d *Daemon) isAdmin(r *http.Request) bool {
	a := d.access.Load()
	r = withCookieToken(r)
	return a != nil && r.Header.Get("Authorization") != "" && a.allows(r, tierAdmin)
}

// requestToken returns r's bearer token or signed-in token, "" for
// none.
func requestToken(r *http.Request) string {
	t, _ := strings.CutPrefix(withCookieToken(r).Header.Get("Authorization"), "Bearer ")
	return t
}

// formToken is the hidden field every action form carries for token:
// an HMAC under the token, so that a page on another site, which can
// neither read the daemon's pages nor the cookie, cannot make it. ""
// for no token.
func formToken(token string) string {
	if token == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte(formTokenContext))
	return hex.EncodeToString(m.Sum(nil))
}

// flash is an action's result, shown once on the page it went to.
type flash struct {
	OK   bool
	Text string
}

// setFlash keeps f for the next page view, in a cookie only this
// daemon's pages receive.
func setFlash(w http.ResponseWriter, r *http.Request, f flash) {
	kind := "ok:"
	if !f.OK {
		kind = "error:"
	}
	text := f.Text
	if len(text) > maxFlash {
		text = text[:maxFlash] + "…"
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(kind + text), Path: "/",
		MaxAge: int(flashAge.Seconds()), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

// liveHeader marks the requests the page's script makes to refresh
// itself (live.js), as opposed to the browser's own navigations.
const liveHeader = "X-Sluice-Live"

// takeFlash returns the result r carries, if any, and clears it. A live
// refresh neither shows nor clears it: one that races the redirect after
// an action (the action's own change wakes the page it was posted from)
// would otherwise take the result the next page is to show.
func takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	if r.Header.Get(liveHeader) != "" {
		return nil
	}
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return nil
	}
	if text, ok := strings.CutPrefix(v, "ok:"); ok {
		return &flash{OK: true, Text: text}
	}
	if text, ok := strings.CutPrefix(v, "error:"); ok {
		return &flash{Text: text}
	}
	return nil
}

// runActions says which actions a run's page offers: stop while it
// runs, resume when it failed; only for runs the run store holds, whose
// backend can stop and resume them. ref is how the forms name the run:
// its name, or its id when the name names several runs.
func (d *Daemon) runActions(ctx context.Context, env string, run Run) (stop, resume bool, ref string) {
	if !d.recordsRuns(env) {
		return false, false, run.Name
	}
	ref = run.Name
	_, err := d.RecordedRun(ctx, env, ref)
	if many := (*AmbiguousRun)(nil); errors.As(err, &many) && run.ID != "" {
		ref = run.ID
		_, err = d.RecordedRun(ctx, env, ref)
	}
	if err != nil {
		return false, false, ref
	}
	return run.Status == sluice.ExecutionRunning, isFailed(run.Status), ref
}
