package metrics

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics holds every Sluice metric. Its methods are safe for concurrent
// use. The zero value is not usable: call New.
type Metrics struct {
	// mu serialises the updates that read before they write: the info
	// gauge's delete-then-set and the kinds remembered per environment.
	mu sync.Mutex
	// kinds remembers, per environment, the kinds SetManaged has set,
	// so kinds no longer present are zeroed.
	kinds map[string]map[string]bool
	names []string

	reconciles        *prometheus.CounterVec
	reconcileDuration *prometheus.HistogramVec
	operations        *prometheus.CounterVec
	managed           *prometheus.GaugeVec
	drifted           *prometheus.GaugeVec
	held              *prometheus.GaugeVec
	lastSuccess       *prometheus.GaugeVec
	synced            *prometheus.GaugeVec
	envInfo           *prometheus.GaugeVec

	gitFetches       *prometheus.CounterVec
	gitFetchDuration *prometheus.HistogramVec
	gitPolls         *prometheus.CounterVec
	webhooks         *prometheus.CounterVec

	awsCalls   *prometheus.CounterVec
	awsRetries *prometheus.CounterVec

	executions        *prometheus.CounterVec
	executionsRunning *prometheus.GaugeVec
	stepDuration      *prometheus.HistogramVec

	runEvents    *prometheus.CounterVec
	runIngestLag *prometheus.GaugeVec

	configSuccess     prometheus.Gauge
	configSuccessTime prometheus.Gauge
	configHash        prometheus.Gauge
	buildInfo         *prometheus.GaugeVec
}

// New makes Sluice's metrics and registers them on reg; a nil reg
// registers nothing (the methods still work, nothing is exported). It
// sets sluice_build_info from the binary's build information. It returns
// an error, naming the metric, when reg refuses one: most often because
// New was already called with the same registry.
func New(reg prometheus.Registerer) (*Metrics, error) {
	b := &builder{reg: reg}
	m := &Metrics{kinds: map[string]map[string]bool{}}
	m.reconcileMetrics(b)
	m.sourceMetrics(b)
	m.awsMetrics(b)
	m.executionMetrics(b)
	m.runMetrics(b)
	m.processMetrics(b)
	m.names = b.names
	if b.err != nil {
		return nil, b.err
	}
	m.SetBuildInfo("")
	return m, nil
}

// Names returns the name of every metric family New registers, sorted.
// Histograms are named without their _bucket, _sum and _count suffixes.
func (m *Metrics) Names() []string {
	names := slices.Clone(m.names)
	slices.Sort(names)
	return names
}

// builder makes collectors, remembers their names and registers them,
// keeping the first registration error.
type builder struct {
	reg   prometheus.Registerer
	names []string
	err   error
}

// add registers c under name.
func (b *builder) add(name string, c prometheus.Collector) {
	b.names = append(b.names, name)
	if b.reg == nil {
		return
	}
	if err := b.reg.Register(c); err != nil {
		b.err = errors.Join(b.err, fmt.Errorf("register %s: %w", name, err))
	}
}

// counterVec makes and registers a counter with labels.
func (b *builder) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	b.add(name, c)
	return c
}

// gaugeVec makes and registers a gauge with labels.
func (b *builder) gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	b.add(name, g)
	return g
}

// gauge makes and registers a gauge without labels.
func (b *builder) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	b.add(name, g)
	return g
}

// histogramVec makes and registers a histogram with labels.
func (b *builder) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	b.add(name, h)
	return h
}
