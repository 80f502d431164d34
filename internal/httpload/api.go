package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// apiPhase sends n GET requests for path over conns keep-alive
// connections at once and prints the rate, the daemon's CPU per request
// (requests per CPU second: per core) and the latency percentiles.
func apiPhase(d *daemon, path string, conns, n int) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}, Timeout: 30 * time.Second}
	// Warm up: the first answer may be encoded while the rest are cached.
	if code, _, err := getOnce(client, d.url+path); err != nil || code != http.StatusOK {
		return fmt.Errorf("GET %s: %d %w", path, code, err)
	}
	before := d.sample()
	var sent, failed atomic.Int64
	var bytesRead atomic.Int64
	times := make([][]time.Duration, conns)
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sent.Add(1) <= int64(n) {
				t0 := time.Now()
				code, size, err := getOnce(client, d.url+path)
				times[c] = append(times[c], time.Since(t0))
				bytesRead.Add(size)
				if err != nil || code != http.StatusOK {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	after := d.sample()
	all := slices.Concat(times...)
	slices.Sort(all)
	wall, cpu := after.at.Sub(before.at), after.cpu-before.cpu
	fmt.Printf("%d GET %s over %d connections (%d failed, %d bytes each): %.0f req/s, daemon %s; %.0f requests per daemon CPU second; p50 %s, p99 %s\n",
		n, path, conns, failed.Load(), bytesRead.Load()/int64(max(1, len(all))), float64(len(all))/wall.Seconds(), between(before, after),
		float64(len(all))/max(cpu.Seconds(), 0.01), all[len(all)/2].Round(time.Microsecond), all[len(all)*99/100].Round(time.Microsecond))
	return nil
}

func getOnce(c *http.Client, url string) (int, int64, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	n, err := io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, n, err
}

// waitReconciled waits up to ten minutes for /readyz: the environment's
// first reconcile done, so that its status is the one an idle daemon
// serves.
func waitReconciled(d *daemon) error {
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		if code, _, err := getOnce(http.DefaultClient, d.url+"/readyz"); err == nil && code == http.StatusOK {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the daemon was not ready in ten minutes")
}
