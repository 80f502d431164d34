package daemon_test

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/gitserver"
)

// servedDaemon starts a daemon whose configuration has the http section
// httpText, served by Daemon.Serve on a loopback port; it returns the
// harness and the server's base URL.
func servedDaemon(t *testing.T, httpText string) (*harness, string) {
	t.Helper()
	bare := gitserver.NewRepo(t, demoFiles(t), "dev")
	gitserver.Branch(t, bare, "dev", "staging")
	gitserver.Branch(t, bare, "dev", "prod")
	dir := t.TempDir()
	text := strings.Replace(configText(dir, gitserver.FileURL(bare), time.Hour), "apiToken:", httpText+"apiToken:", 1)
	h := startDaemon(t, dir, text)
	h.bare = bare
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := h.d.Serve(ln)
	t.Cleanup(func() { _ = srv.Close() })
	return h, "http://" + ln.Addr().String()
}

// TestSlowSendersCut opens 50 connections that send a body a byte every
// 200 ms: the read timeout (1 s) cuts each long before its 200 bytes
// are sent.
func TestSlowSendersCut(t *testing.T) {
	_, url := servedDaemon(t, "http: {maxConnections: 64, readHeaderTimeout: 1s, readTimeout: 1s}\n")
	addr := strings.TrimPrefix(url, "http://")
	const senders, length = 50, 200
	var wg sync.WaitGroup
	sent := make([]int, senders)
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { _ = c.Close() }()
			fmt.Fprintf(c, "POST /api/v1/environments/dev/approve HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", addr, testToken, length)
			cut := make(chan struct{})
			go func() { _, _ = io.Copy(io.Discard, c); close(cut) }()
			for sent[i] = 0; sent[i] < length; sent[i]++ {
				select {
				case <-cut:
					return
				case <-time.After(200 * time.Millisecond):
				}
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	for i, n := range sent {
		if n >= length {
			t.Errorf("sender %d sent its whole body at a byte per 200 ms: not cut", i)
		}
	}
}

// TestIdleConnectionsDoNotStarve holds 100 idle keep-alive connections
// against a cap of 16 and an idle timeout of an hour: /healthz and a
// signed webhook on new connections are still served, the idle
// connections closed to make room.
func TestIdleConnectionsDoNotStarve(t *testing.T) {
	_, url := servedDaemon(t, "http: {maxConnections: 16, idleTimeout: 1h}\n")
	addr := strings.TrimPrefix(url, "http://")
	var idle []net.Conn
	t.Cleanup(func() {
		for _, c := range idle {
			_ = c.Close()
		}
	})
	for range 100 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("/healthz with 100 idle connections held: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	if code := signedWebhook(t, url, "dev", testSecret, "idle-1"); code != http.StatusAccepted {
		t.Errorf("signed webhook with 100 idle connections held: %d, want 202", code)
	}
	// A connection the server closed reads EOF at once; one still open
	// waits for the deadline. All are read at once.
	var closed atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(5 * time.Second)
	for _, c := range idle {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(deadline)
			if _, err := c.Read(make([]byte, 1)); errors.Is(err, io.EOF) {
				closed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := closed.Load(); n < 100-16 {
		t.Errorf("%d of 100 idle connections closed, want at least %d (cap 16)", n, 100-16)
	}
}

// TestGenuineWebhookDuringForgedFlood sends 2,000 forged webhooks from
// 127.0.0.2 over 8 connections while a genuine one comes from 127.0.0.1
// once 500 forged ones were answered: the genuine one is accepted, every
// forged one gets 401.
func TestGenuineWebhookDuringForgedFlood(t *testing.T) {
	h, url := servedDaemon(t, "")
	from := &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}
	flood := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: from}).DialContext, MaxIdleConnsPerHost: 8}}
	const total, workers = 2000, 8
	var answered, unauthorized atomic.Int64
	halfway := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range total / workers {
				body := []byte(fmt.Sprintf(`{"ref":"refs/heads/dev","delivery":"f%d-%d"}`, w, i))
				mac := hmac.New(sha256.New, []byte("guess"))
				mac.Write(body)
				req, _ := http.NewRequest(http.MethodPost, url+"/webhooks/generic/ml", bytes.NewReader(body))
				req.Header.Set("X-Sluice-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
				req.Header.Set("X-Sluice-Delivery", fmt.Sprintf("f%d-%d", w, i))
				resp, err := flood.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode == http.StatusUnauthorized {
					unauthorized.Add(1)
				}
				if answered.Add(1) == 500 {
					once.Do(func() { close(halfway) })
				}
			}
		}()
	}
	<-halfway
	genuine := signedWebhook(t, url, "dev", testSecret, "genuine-1")
	during := answered.Load()
	wg.Wait()
	if genuine != http.StatusAccepted {
		t.Errorf("genuine webhook during the flood: %d, want 202", genuine)
	}
	if during >= total {
		t.Logf("the flood had ended when the genuine webhook was answered (%d answered)", during)
	}
	if unauthorized.Load() != total {
		t.Errorf("%d forged requests got 401, want %d", unauthorized.Load(), total)
	}
	if got := counter(t, h, "sluice_webhook_requests_total", map[string]string{"provider": "generic", "result": "accepted"}); got != 1 {
		t.Errorf("accepted webhooks %v, want 1", got)
	}
}
