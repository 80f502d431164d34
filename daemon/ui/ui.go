// Package ui holds the daemon's web pages: html/template files and the
// style sheet and script they load, all embedded in the binary, so the
// pages work on a daemon without internet and need no build step. The
// pages are whole without the script; it only subscribes to the
// daemon's server-sent events and swaps in the fresh page.
package ui

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Pages lists the page templates, each drawn inside layout.html.
func Pages() []string {
	return []string{"environments", "pipeline", "history", "plan", "run", "log", "signin", "error", "choose"}
}

// Parse parses every page with the layout and the shared parts, funcs
// available to all, and returns them by name. It fails when a template
// does not parse.
func Parse(funcs template.FuncMap) (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	pages := Pages()
	out := make(map[string]*template.Template, len(pages))
	for _, p := range pages {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("ui: %w", err)
		}
		out[p] = t
	}
	return out, nil
}

// Static serves the style sheet and script under the prefix it is
// mounted at (strip it first), with the cache life of content that
// changes only with the binary. It fails only if the embedded tree
// lacks its static folder.
func Static() (http.Handler, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}), nil
}
