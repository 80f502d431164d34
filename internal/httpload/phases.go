package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// idlePhase opens n keep-alive connections, each after one request, and
// holds them; meanwhile it times /healthz and a genuine webhook on new
// connections, then counts the idle connections the daemon closed.
func idlePhase(d *daemon, n int, hold time.Duration) error {
	addr := strings.TrimPrefix(d.url, "http://")
	before := d.sample()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return fmt.Errorf("connection %d: %w", len(conns), err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
			_ = resp.Body.Close()
		}
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	start := time.Now()
	resp, err := fresh.Get(d.url + "/healthz")
	health := time.Since(start)
	if err != nil {
		return fmt.Errorf("/healthz with %d idle connections: %w", n, err)
	}
	_ = resp.Body.Close()
	code, hook := genuine(fresh, d.url, "idle")
	time.Sleep(hold)
	after := d.sample()
	closed := countClosed(conns)
	fmt.Printf("%d idle keep-alive connections held %s: %s\n", n, hold, between(before, after))
	fmt.Printf("  /healthz on a new connection: %d in %s; genuine webhook: %d in %s; idle connections closed by the daemon: %d\n",
		resp.StatusCode, health.Round(time.Microsecond), code, hook.Round(time.Microsecond), closed)
	return nil
}

// countClosed counts the connections the server closed (a read gives
// EOF at once).
func countClosed(conns []net.Conn) int {
	var closed atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(time.Second)
	for _, c := range conns {
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
	return int(closed.Load())
}

// floodPhase sends n forged webhooks from 127.0.0.2 over 16 connections
// and, while they go, a genuine one from 127.0.0.1 every 10 ms (within
// its sender's burst), timing each.
func floodPhase(d *daemon, n int) error {
	from := &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}
	flood := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: from}).DialContext, MaxIdleConnsPerHost: 16}}
	before := d.sample()
	var sent, refused atomic.Int64
	var wg sync.WaitGroup
	const workers = 16
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sent.Add(1) <= int64(n) {
				if forgedOne(flood, d.url, w) == http.StatusUnauthorized {
					refused.Add(1)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	genuineClient := &http.Client{Timeout: 10 * time.Second}
	var times []time.Duration
	var codes []int
	for i := 0; ; i++ {
		select {
		case <-done:
		case <-time.After(10 * time.Millisecond):
			code, took := genuine(genuineClient, d.url, fmt.Sprintf("flood-%d", i))
			times, codes = append(times, took), append(codes, code)
			continue
		}
		break
	}
	after := d.sample()
	fmt.Printf("%d forged webhooks from 127.0.0.2 (%d got 401): %s\n", n, refused.Load(), between(before, after))
	if len(times) == 0 {
		fmt.Println("  the flood ended before a genuine webhook was sent")
		return nil
	}
	slices.Sort(times)
	fmt.Printf("  genuine webhooks from 127.0.0.1 during the flood: %d, statuses %v, median %s, max %s\n",
		len(times), distinct(codes), times[len(times)/2].Round(time.Microsecond), times[len(times)-1].Round(time.Microsecond))
	return nil
}

func forgedOne(c *http.Client, url string, w int) int {
	body := []byte(fmt.Sprintf(`{"ref":"refs/heads/dev","delivery":"f%d-%d"}`, w, time.Now().UnixNano()))
	return post(c, url, body, "guess")
}

// genuine sends a signed generic webhook and returns its status and how
// long it took.
func genuine(c *http.Client, url, id string) (int, time.Duration) {
	body := []byte(fmt.Sprintf(`{"ref":"refs/heads/dev","delivery":%q}`, id))
	start := time.Now()
	code := post(c, url, body, hookSecret)
	return code, time.Since(start)
}

func post(c *http.Client, url string, body []byte, secret string) int {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req, _ := http.NewRequest(http.MethodPost, url+"/webhooks/generic/ml", bytes.NewReader(body))
	req.Header.Set("X-Sluice-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	var p struct{ Delivery string }
	_ = jsonField(body, &p)
	req.Header.Set("X-Sluice-Delivery", p.Delivery)
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func distinct(codes []int) []int {
	out := slices.Clone(codes)
	slices.Sort(out)
	return slices.Compact(out)
}

func jsonField(body []byte, v any) error { return json.Unmarshal(body, v) }
