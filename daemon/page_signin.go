package daemon

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tokenCookie carries a signed-in browser's token: HttpOnly (no script
// reads it), SameSite=Strict (no other site's page sends it), limited
// to the pages' paths and to 8 hours.
const (
	tokenCookie    = "sluice_token"
	tokenCookieAge = 8 * time.Hour
	maxTokenLength = 4096
)

// withCookieToken returns r with the signed-in token as its bearer
// token when it carries none of its own.
func withCookieToken(r *http.Request) *http.Request {
	if r.Header.Get("Authorization") != "" {
		return r
	}
	c, err := r.Cookie(tokenCookie)
	if err != nil || c.Value == "" {
		return r
	}
	r2 := r.Clone(r.Context())
	r2.Header.Set("Authorization", "Bearer "+c.Value)
	return r2
}

// signedIn reports whether r carries a token that reads runs.
func (d *Daemon) signedIn(r *http.Request) bool {
	a := d.access.Load()
	if a == nil {
		return false
	}
	r = withCookieToken(r)
	return r.Header.Get("Authorization") != "" && a.allows(r, tierRead)
}

// readPage wraps a page that may show what steps printed: it needs a
// read token (bearer or signed in) unless anonymous read is on, as the
// runs API does; without one it answers 401 with the sign-in page.
func (d *Daemon) readPage(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a := d.access.Load(); a == nil || !a.allows(withCookieToken(r), tierRead) {
			d.render(w, r, http.StatusUnauthorized, "signin", pageData{Title: "Sign in",
				Body: signinView{Next: r.URL.Path, Reason: "Runs hold what their steps printed: sign in with a read token or the API token to see them."}})
			return
		}
		next(w, r)
	}
}

// signinView is the sign-in page's content.
type signinView struct {
	Next, Reason, Error string
}

func (d *Daemon) signinPage(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusOK, "signin", pageData{Title: "Sign in", Body: signinView{Next: safeNext(r.URL.Query().Get("next"))}})
}

// signin checks the token a form posts and, when it reads runs, sets
// it as the page's cookie and goes on to the page asked for. A form
// from another origin is refused.
func (d *Daemon) signin(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "cross-origin form refused", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	next := safeNext(r.PostFormValue("next"))
	token := strings.TrimSpace(r.PostFormValue("token"))
	probe := r.Clone(r.Context())
	probe.Header.Set("Authorization", "Bearer "+token)
	if a := d.access.Load(); token == "" || len(token) > maxTokenLength || a == nil || !a.allows(probe, tierRead) {
		d.render(w, r, http.StatusUnauthorized, "signin", pageData{Title: "Sign in",
			Body: signinView{Next: next, Error: "That token is not a read token or the API token of this daemon."}})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: token, Path: "/", MaxAge: int(tokenCookieAge.Seconds()),
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (d *Daemon) signout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "cross-origin form refused", http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// sameOrigin reports whether a form post comes from the daemon's own
// pages: its Origin (or, without one, its Referer) names the request's
// host. Browsers send Origin on every cross-origin post.
func sameOrigin(r *http.Request) bool {
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
	}
	if from == "" {
		return true // not a browser's cross-site form
	}
	u, err := url.Parse(from)
	return err == nil && u.Host == r.Host
}

// safeNext keeps a redirect on this daemon: a path under /, never
// another host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
