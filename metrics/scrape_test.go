package metrics_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sluice-dev/sluice/metrics"
)

// mustNew returns Metrics registered on a fresh registry, and the registry.
func mustNew(tb testing.TB) (*metrics.Metrics, *prometheus.Registry) {
	tb.Helper()
	reg := prometheus.NewPedanticRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		tb.Fatal(err)
	}
	return m, reg
}

// families are the metric families of one scrape, by name.
type families map[string]*dto.MetricFamily

// scrape serves reg's metrics over HTTP on a loopback port, fetches them
// in the text format and parses them as Prometheus would.
func scrape(tb testing.TB, reg *prometheus.Registry) families {
	tb.Helper()
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	defer srv.Close()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Accept", "text/plain; version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET /metrics: %s", resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		tb.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// labelsOf returns a series' labels as a map.
func labelsOf(m *dto.Metric) map[string]string {
	l := map[string]string{}
	for _, p := range m.GetLabel() {
		l[p.GetName()] = p.GetValue()
	}
	return l
}

// series returns the label sets of every series of the family name.
func (f families) series(name string) []map[string]string {
	var out []map[string]string
	for _, m := range f[name].GetMetric() {
		out = append(out, labelsOf(m))
	}
	return out
}

// find returns the series of the family name with exactly labels.
func (f families) find(tb testing.TB, name string, labels map[string]string) *dto.Metric {
	tb.Helper()
	for _, m := range f[name].GetMetric() {
		if maps.Equal(labelsOf(m), labels) {
			return m
		}
	}
	tb.Fatalf("%s%v: no such series; have %v", name, labels, f.series(name))
	return nil
}

// value returns the value of a counter or gauge series.
func (f families) value(tb testing.TB, name string, labels map[string]string) float64 {
	tb.Helper()
	m := f.find(tb, name, labels)
	if c := m.GetCounter(); c != nil {
		return c.GetValue()
	}
	return m.GetGauge().GetValue()
}
