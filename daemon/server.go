package daemon

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// maxHeaderBytes caps a request's headers (431 beyond).
const maxHeaderBytes = 64 << 10

// Serve serves Handler on ln in a goroutine and returns the server, for
// Shutdown. The server bounds each part of a request by the timeouts of
// the configuration's http section (a client sending a byte a second is
// cut at readTimeout), and keeps at most http.maxConnections open: to
// admit one more, it closes the connection idle the longest (a keep-alive
// waiting for its next request, or one that has sent nothing yet), and
// refuses the new one only when every connection is busy with a request.
// So idle connections, however many, cannot starve /healthz or a
// webhook. The limits are read once: a reload does not change them.
func (d *Daemon) Serve(ln net.Listener) *http.Server {
	d.mu.RLock()
	h := d.cfg.HTTP
	d.mu.RUnlock()
	capped := newConnCap(ln, h.MaxConnections, d.opts.Clock)
	srv := &http.Server{
		Handler:           d.Handler(),
		ReadHeaderTimeout: h.ReadHeaderTimeout,
		ReadTimeout:       h.ReadTimeout,
		WriteTimeout:      h.WriteTimeout,
		IdleTimeout:       h.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ConnState:         capped.track,
		ErrorLog:          slog.NewLogLogger(d.log.With("component", "http").Handler(), slog.LevelWarn),
	}
	go func() { _ = srv.Serve(capped) }()
	return srv
}

// connCap is a listener that keeps at most max connections open,
// closing the longest idle one to admit a new one.
type connCap struct {
	net.Listener
	max   int
	clock func() time.Time

	mu    sync.Mutex
	conns map[net.Conn]*connState
}

// connState says whether a connection waits for a request, since when.
type connState struct {
	idle  bool
	since time.Time
}

func newConnCap(ln net.Listener, maxConns int, clock func() time.Time) *connCap {
	return &connCap{Listener: ln, max: maxConns, clock: clock, conns: map[net.Conn]*connState{}}
}

// Accept returns the next connection, having made room for it.
func (l *connCap) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.admit(c) {
			return c, nil
		}
		_ = c.Close()
	}
}

// admit records c, closing the longest idle connection when the cap is
// reached; it returns false when every connection is busy.
func (l *connCap) admit(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.conns) >= l.max {
		var oldest net.Conn
		for conn, s := range l.conns {
			if s.idle && (oldest == nil || s.since.Before(l.conns[oldest].since)) {
				oldest = conn
			}
		}
		if oldest == nil {
			return false
		}
		_ = oldest.Close()
		delete(l.conns, oldest)
	}
	l.conns[c] = &connState{idle: true, since: l.clock()}
	return true
}

// track is the server's ConnState hook.
func (l *connCap) track(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.conns[c]
	switch {
	case state == http.StateClosed || state == http.StateHijacked:
		delete(l.conns, c)
	case !ok:
		// Closed to make room before the server reported it.
	case state == http.StateActive:
		s.idle = false
	case state == http.StateIdle:
		s.idle, s.since = true, l.clock()
	}
}
