package render

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the render pipeline's Prometheus metrics.
type Metrics struct {
	renders    *prometheus.CounterVec
	seconds    prometheus.Histogram
	characters *prometheus.CounterVec
	billed     *prometheus.CounterVec
	hits       prometheus.Counter
	misses     prometheus.Counter
	inflight   prometheus.Gauge
	storeBytes *prometheus.GaugeVec
	freed      *prometheus.CounterVec
}

// NewMetrics registers the metrics with reg (nil: not registered, as in tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		renders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ecouter_renders_total",
			Help: "Renders actually run, by outcome (ok, error).",
		}, []string{"outcome"}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ecouter_render_seconds",
			Help:    "Wall time of a render, from fetch to stored MP3.",
			Buckets: prometheus.ExponentialBuckets(0.25, 2, 12),
		}),
		characters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ecouter_synth_characters_total",
			Help: "Characters sent to the speech backend (sentences read from the cache are not).",
		}, []string{"backend"}),
		billed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ecouter_synth_billed_characters_total",
			Help: "Characters the speech backend billed (Polly's x-amzn-RequestCharacters).",
		}, []string{"backend"}),
		hits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ecouter_cache_hits_total",
			Help: "Audio requests answered from a stored render.",
		}),
		misses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ecouter_cache_misses_total",
			Help: "Audio requests that needed a new render.",
		}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ecouter_renders_in_flight",
			Help: "Renders running now.",
		}),
		storeBytes: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ecouter_store_bytes",
			Help: "Bytes in the store by kind (audio, manifest, sentence, calibration), as of the last whole collection.",
		}, []string{"kind"}),
		freed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ecouter_store_freed_bytes_total",
			Help: "Bytes removed from the store by collection, by kind.",
		}, []string{"kind"}),
	}
	if reg != nil {
		reg.MustRegister(m.renders, m.seconds, m.characters, m.billed, m.hits, m.misses, m.inflight, m.storeBytes, m.freed)
	}
	return m
}
