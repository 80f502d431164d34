package daemon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// cdp drives one headless Chromium tab through the DevTools protocol:
// navigate, run a script, wait until a condition holds, type text. It
// is the little of chromedp these tests need, on golang.org/x/net's
// websocket client.
type cdp struct {
	t    *testing.T
	ws   *websocket.Conn
	mu   sync.Mutex
	next int
	wait map[int]chan cdpReply
	// stop ends the browser; the test's servers close only once its
	// connections (event streams) are gone.
	stop func()
}

type cdpReply struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// newCDP starts Chromium with remote debugging and attaches to its tab.
func newCDP(t *testing.T, bin, proxy string) *cdp {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
		"--disable-extensions", "--user-data-dir="+dir, "--proxy-server=http://"+proxy, "--hide-scrollbars",
		"--window-size=1280,1400", "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("chromium: %v", err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); _ = cmd.Wait() }) }
	t.Cleanup(stop)
	// Chromium writes its port to DevToolsActivePort once it listens.
	var port string
	deadline := time.Now().Add(60 * time.Second)
	for port == "" {
		if b, err := os.ReadFile(filepath.Join(dir, "DevToolsActivePort")); err == nil && strings.Contains(string(b), "\n") {
			port = strings.SplitN(string(b), "\n", 2)[0]
			break
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatal("chromium did not open its debugging port")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var targets []struct{ Type, WebSocketDebuggerURL string }
	for len(targets) == 0 {
		resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
		if err == nil {
			var all []struct{ Type, WebSocketDebuggerURL string }
			_ = json.NewDecoder(resp.Body).Decode(&all)
			_ = resp.Body.Close()
			for _, tg := range all {
				if tg.Type == "page" {
					targets = append(targets, tg)
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromium has no tab: %v", err)
		}
		if len(targets) == 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	ws, err := websocket.Dial(targets[0].WebSocketDebuggerURL, "", "http://127.0.0.1/")
	if err != nil {
		t.Fatalf("attach to chromium's tab: %v", err)
	}
	ws.MaxPayloadBytes = 64 << 20
	c := &cdp{t: t, ws: ws, wait: map[int]chan cdpReply{}, stop: stop}
	go c.read()
	t.Cleanup(func() { _ = ws.Close() })
	return c
}

// read hands each reply to the call waiting for it; events are dropped.
func (c *cdp) read() {
	for {
		var r cdpReply
		if err := websocket.JSON.Receive(c.ws, &r); err != nil {
			c.mu.Lock()
			for id, ch := range c.wait {
				ch <- cdpReply{ID: id, Error: &struct {
					Message string `json:"message"`
				}{err.Error()}}
				delete(c.wait, id)
			}
			c.mu.Unlock()
			return
		}
		c.mu.Lock()
		ch := c.wait[r.ID]
		delete(c.wait, r.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// call sends one command and returns its result.
func (c *cdp) call(method string, params any) (json.RawMessage, error) {
	c.mu.Lock()
	c.next++
	id := c.next
	ch := make(chan cdpReply, 1)
	c.wait[id] = ch
	c.mu.Unlock()
	if err := websocket.JSON.Send(c.ws, map[string]any{"id": id, "method": method, "params": params}); err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, r.Error.Message)
		}
		return r.Result, nil
	case <-time.After(120 * time.Second):
		return nil, fmt.Errorf("%s: no answer", method)
	}
}

// eval runs a script in the page and returns its value as JSON.
func (c *cdp) eval(script string) (json.RawMessage, error) {
	res, err := c.call("Runtime.evaluate", map[string]any{"expression": script, "returnByValue": true, "awaitPromise": true})
	if err != nil {
		return nil, err
	}
	var out struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(res, &out); err != nil {
		return nil, err
	}
	if out.ExceptionDetails != nil {
		return nil, fmt.Errorf("script %q: %s", script, out.ExceptionDetails.Text)
	}
	return out.Result.Value, nil
}

// must runs a script that must succeed.
func (c *cdp) must(script string) {
	c.t.Helper()
	if _, err := c.eval(script); err != nil {
		c.t.Fatal(err)
	}
}

// until waits until the script returns true in a loaded page, and fails
// the test with what saying what was awaited when it does not in 90 s.
func (c *cdp) until(what, script string) {
	c.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		v, err := c.eval(`document.readyState === "complete" && !!(` + script + `)`)
		if err == nil && string(v) == "true" {
			return
		}
		if time.Now().After(deadline) {
			dom, _ := c.eval("location.href + '\\n' + document.body.innerText")
			c.t.Fatalf("waiting for %s: %v\n%.2000s", what, err, dom)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// navigate opens url.
func (c *cdp) navigate(url string) {
	c.t.Helper()
	if _, err := c.call("Page.navigate", map[string]any{"url": url}); err != nil {
		c.t.Fatal(err)
	}
}

// click clicks the element sel selects, after checking there is one.
func (c *cdp) click(sel string) {
	c.t.Helper()
	q, _ := json.Marshal(sel)
	c.until("an element "+sel, `document.querySelector(`+string(q)+`)`)
	c.must(`document.querySelector(` + string(q) + `).click()`)
}

// typeInto focuses the element sel selects and types text as a
// keyboard would.
func (c *cdp) typeInto(sel, text string) {
	c.t.Helper()
	q, _ := json.Marshal(sel)
	c.until("an element "+sel, `document.querySelector(`+string(q)+`)`)
	c.must(`document.querySelector(` + string(q) + `).focus()`)
	if _, err := c.call("Input.insertText", map[string]any{"text": text}); err != nil {
		c.t.Fatal(err)
	}
}
