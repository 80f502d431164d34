package config

import (
	"net"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Defaults of the http section.
const (
	DefaultMaxConnections    = 512
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 30 * time.Second
	// MinMaxConnections is the smallest connection cap accepted.
	MinMaxConnections = 16
	// AnyHost, alone in allowedHosts, turns the Host check off.
	AnyHost = "*"
)

// LoopbackHosts are always allowed in a request's Host header: a page on
// another site cannot make a browser send them (DNS rebinding sends the
// attacker's name).
func LoopbackHosts() []string { return []string{"localhost", "127.0.0.1", "::1"} }

// HTTP shapes the daemon's HTTP server: which Host headers it answers,
// how many connections it keeps and how long it waits for each part of a
// request.
type HTTP struct {
	// AllowedHosts are the host names (without port) a request's Host
	// header may carry; after Parse it holds LoopbackHosts, the listen
	// address's host when it names one, and the names the file gives.
	// ["*"] answers any Host.
	AllowedHosts []string `json:"allowedHosts"`
	// MaxConnections caps the connections open at once; beyond it the
	// longest idle connection is closed to admit a new one.
	MaxConnections int `json:"maxConnections"`
	// ReadHeaderTimeout bounds the reading of a request's headers,
	// ReadTimeout of the whole request, body included, WriteTimeout of
	// the response, and IdleTimeout how long a keep-alive connection
	// waits for the next request.
	ReadHeaderTimeout time.Duration `json:"readHeaderTimeout"`
	ReadTimeout       time.Duration `json:"readTimeout"`
	WriteTimeout      time.Duration `json:"writeTimeout"`
	IdleTimeout       time.Duration `json:"idleTimeout"`
}

// defaultHTTP returns the http section's defaults.
func defaultHTTP() HTTP {
	return HTTP{MaxConnections: DefaultMaxConnections, ReadHeaderTimeout: DefaultReadHeaderTimeout,
		ReadTimeout: DefaultReadTimeout, WriteTimeout: DefaultWriteTimeout, IdleTimeout: DefaultIdleTimeout}
}

// httpSection decodes the http mapping into h.
func (d *decoder) httpSection(n *yaml.Node, path string, h *HTTP) {
	d.mapping(n, path, map[string]field{
		"allowedHosts":      func(v *yaml.Node, p string) { h.AllowedHosts = d.hosts(v, p) },
		"maxConnections":    func(v *yaml.Node, p string) { h.MaxConnections = d.integer(v, p, MinMaxConnections) },
		"readHeaderTimeout": func(v *yaml.Node, p string) { h.ReadHeaderTimeout = d.duration(v, p, time.Second, false) },
		"readTimeout":       func(v *yaml.Node, p string) { h.ReadTimeout = d.duration(v, p, time.Second, false) },
		"writeTimeout":      func(v *yaml.Node, p string) { h.WriteTimeout = d.duration(v, p, time.Second, false) },
		"idleTimeout":       func(v *yaml.Node, p string) { h.IdleTimeout = d.duration(v, p, time.Second, false) },
	}, "")
}

// hosts decodes allowedHosts: host names or IP addresses without port or
// scheme, or "*" alone.
func (d *decoder) hosts(n *yaml.Node, path string) []string {
	var out []string
	d.list(n, path, func(item *yaml.Node, p string) {
		s := strings.ToLower(d.str(item, p))
		switch {
		case item.Kind != yaml.ScalarNode:
		case s == AnyHost:
			if len(n.Content) > 1 {
				d.fail(item, p, `"*" answers any Host: give it alone`)
			} else {
				d.warn(item, p, `"*" answers any Host header: a page on another site can read the API through DNS rebinding; check Host at a proxy in front`)
			}
		case !validHost(s):
			d.fail(item, p, "%q is not a host name or IP address (no scheme, port or path): such as sluice.example.com", s)
		}
		out = append(out, s)
	})
	return out
}

func validHost(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	if s == "" || len(s) > 253 || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// allowHosts completes h.AllowedHosts with the loopback names and the
// listen address's host.
func (h *HTTP) allowHosts(listen string) {
	if slices.Equal(h.AllowedHosts, []string{AnyHost}) {
		return
	}
	hosts := LoopbackHosts()
	if host, _, err := net.SplitHostPort(listen); err == nil && host != "" {
		if ip := net.ParseIP(host); (ip == nil || !ip.IsUnspecified()) && !slices.Contains(hosts, strings.ToLower(host)) {
			hosts = append(hosts, strings.ToLower(host))
		}
	}
	for _, s := range h.AllowedHosts {
		if !slices.Contains(hosts, s) {
			hosts = append(hosts, s)
		}
	}
	h.AllowedHosts = hosts
}

// HostAllowed reports whether a request's Host header (with or without
// port) names an allowed host.
func (h HTTP) HostAllowed(host string) bool {
	if slices.Equal(h.AllowedHosts, []string{AnyHost}) {
		return true
	}
	if name, _, err := net.SplitHostPort(host); err == nil {
		host = name
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	return host != "" && slices.Contains(h.AllowedHosts, host)
}
