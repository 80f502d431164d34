package daemon

import (
	"bytes"
	"html/template"
	"net/http"
)

// pageText is the status page: environments, their sync state and
// their pipelines.
const pageText = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sluice</title>
<meta http-equiv="refresh" content="10">
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin-bottom:2rem}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}
.synced{color:#17803d}.failed{color:#b91c1c}.waiting_approval,.out_of_sync,.rolled_back,.suspended,.holding{color:#b45309}
code{font-size:.9em}
</style></head><body>
<h1>Sluice</h1>
<table><tr><th>Environment</th><th>Branch</th><th>State</th><th>Applied</th><th>Head</th><th>Drifted</th><th>Managed</th><th>Message</th></tr>
{{range .}}<tr><td>{{.Environment}}</td><td>{{.Repository}}:{{.Branch}}</td><td class="{{.State}}">{{.State}}</td>
<td><code>{{printf "%.12s" .Applied}}</code></td><td><code>{{printf "%.12s" .Head}}</code></td><td>{{.Drifted}}</td><td>{{.Managed}}</td><td>{{.Message}}</td></tr>
{{end}}</table>
{{range .}}{{if .Held}}<h2>{{.Environment}}: held at their last applied state</h2><table><tr><th>File or document</th><th>Finding</th></tr>
{{range $what, $why := .Held}}<tr><td><code>{{$what}}</code></td><td><code>{{$why}}</code></td></tr>{{end}}</table>{{end}}{{end}}
{{range .}}{{if .Pipelines}}<h2>{{.Environment}}: pipelines</h2><table><tr><th>Pipeline</th><th>File</th><th>Held</th></tr>
{{range .Pipelines}}<tr><td>{{.Name}}</td><td>{{.Source}}</td><td>{{if .Held}}held: <code>{{.Finding}}</code>{{end}}</td></tr>
{{if .Mermaid}}<tr><td colspan="3"><details><summary>step graph (Mermaid)</summary><pre class="mermaid">{{.Mermaid}}</pre></details></td></tr>{{end}}{{end}}</table>
{{if .Runs}}<h3>{{.Environment}}: recent runs</h3><table><tr><th>Started</th><th>Pipeline</th><th>Run</th><th>Status</th></tr>
{{range .Runs}}<tr><td>{{.Started.Format "2006-01-02 15:04:05"}}</td><td>{{.Pipeline}}</td><td>{{.Name}}</td><td>{{.Status}}</td></tr>{{end}}</table>{{end}}{{end}}{{end}}
<p><a href="/metrics">/metrics</a> · <a href="/api/v1/environments">/api/v1/environments</a></p>
</body></html>`

// parsePage parses the status page's template.
func parsePage() (*template.Template, error) { return template.New("page").Parse(pageText) }

// page serves the status page, every secret value the daemon knows
// masked.
func (d *Daemon) page(w http.ResponseWriter, _ *http.Request) {
	var b bytes.Buffer
	if err := d.pageTmpl.Execute(&b, d.Statuses()); err != nil {
		http.Error(w, "cannot render the status page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(d.redact.Bytes(b.Bytes()))
}
