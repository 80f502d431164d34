package daemon_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// a11yProblems checks one page's HTML for accessibility basics: the
// language, a skip link first to an existing main, one h1 and headings
// that never skip a level going down, every form control labelled,
// every button named, ids unique.
func a11yProblems(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{"the page does not parse: " + err.Error()}
	}
	var problems []string
	ids := map[string]int{}
	labelFor := map[string]bool{}
	var headings []int
	var firstLink *html.Node
	var controls []*html.Node
	var buttons []*html.Node
	var walk func(n *html.Node, inLabel bool)
	walk = func(n *html.Node, inLabel bool) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				ids[id]++
			}
			switch n.Data {
			case "html":
				if attr(n, "lang") == "" {
					problems = append(problems, "<html> has no lang")
				}
			case "h1", "h2", "h3", "h4", "h5", "h6":
				level, _ := strconv.Atoi(n.Data[1:])
				headings = append(headings, level)
			case "a":
				if firstLink == nil {
					firstLink = n
				}
			case "label":
				if f := attr(n, "for"); f != "" {
					labelFor[f] = true
				}
				inLabel = true
			case "input", "select", "textarea":
				if attr(n, "type") != "hidden" && !inLabel && attr(n, "aria-label") == "" && attr(n, "aria-labelledby") == "" {
					controls = append(controls, n)
				}
			case "button":
				buttons = append(buttons, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLabel)
		}
	}
	walk(doc, false)
	for id, n := range ids {
		if n > 1 {
			problems = append(problems, "id "+id+" is used "+strconv.Itoa(n)+" times")
		}
	}
	if firstLink == nil || attr(firstLink, "href") != "#main" || ids["main"] != 1 {
		problems = append(problems, "the first link is not a skip link to #main")
	}
	if len(headings) == 0 || headings[0] != 1 {
		problems = append(problems, "the first heading is not an h1")
	}
	h1 := 0
	for i, l := range headings {
		if l == 1 {
			h1++
		}
		if i > 0 && l > headings[i-1]+1 {
			problems = append(problems, "an h"+strconv.Itoa(headings[i-1])+" is followed by an h"+strconv.Itoa(l))
		}
	}
	if h1 != 1 {
		problems = append(problems, strconv.Itoa(h1)+" h1 headings, want 1")
	}
	for _, c := range controls {
		if id := attr(c, "id"); id == "" || !labelFor[id] {
			problems = append(problems, "<"+c.Data+" name="+attr(c, "name")+"> has no label")
		}
	}
	for _, b := range buttons {
		if strings.TrimSpace(text(b)) == "" && attr(b, "aria-label") == "" {
			problems = append(problems, "a button has no name")
		}
	}
	return problems
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(text(c))
	}
	return b.String()
}

// TestPagesAccessible checks every page, as an anonymous viewer and as
// the API token's holder (who sees the action forms), for the basics
// a11yProblems names; and checks the checker on pages that break them.
func TestPagesAccessible(t *testing.T) {
	for _, tt := range []struct{ name, page, want string }{
		{"skipped level", `<html lang="en"><body><a href="#main">s</a><main id="main"><h1>a</h1><h3>b</h3></main></body></html>`, "an h1 is followed by an h3"},
		{"unlabelled", `<html lang="en"><body><a href="#main">s</a><main id="main"><h1>a</h1><input name="q"></main></body></html>`, "<input name=q> has no label"},
		{"no skip link", `<html lang="en"><body><a href="/">home</a><main id="main"><h1>a</h1></main></body></html>`, "skip link"},
		{"empty button", `<html lang="en"><body><a href="#main">s</a><main id="main"><h1>a</h1><button> </button></main></body></html>`, "a button has no name"},
	} {
		if got := strings.Join(a11yProblems(tt.page), "; "); !strings.Contains(got, tt.want) {
			t.Errorf("%s: problems %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := a11yProblems(`<html lang="en"><body><a href="#main">s</a><main id="main"><h1>a</h1><h2>b</h2><label for="q">Q</label><input id="q"><button>Go</button></main></body></html>`); len(got) > 0 {
		t.Errorf("a correct page has problems %v", got)
	}

	r, _ := newStoredPageRig(t)
	base := r.h.api.URL
	admin := signedIn(t, base, testToken)
	paths := []string{"/", "/ui/env/dev/pipelines/flaky", "/ui/env/dev/pipelines/training", "/ui/env/dev/history",
		"/ui/env/prod/plan", "/ui/env/dev/plan", r.run, r.run + "/steps/0/log", "/ui/signin", "/ui/env/nosuch/history"}
	for _, who := range []struct {
		name   string
		client *http.Client
	}{{"anonymous", http.DefaultClient}, {"admin", admin}} {
		for _, p := range paths {
			body := rawGet(t, who.client, base+p)
			for _, problem := range a11yProblems(body) {
				t.Errorf("%s, %s: %s", who.name, p, problem)
			}
		}
	}
	_, _, page := get(t, admin, base, "/")
	if !strings.Contains(page, "<button") {
		t.Fatal("the admin's environments page has no buttons: the forms are not checked")
	}
}

// rawGet returns the body of url as served, not unescaped.
func rawGet(t *testing.T, client *http.Client, url string) string {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
