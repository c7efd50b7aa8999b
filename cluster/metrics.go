package cluster

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// RegisterMetrics adds the queue's gauges to reg, read from NATS at each
// scrape: every node reports the same cluster-wide values.
func (q *Queue) RegisterMetrics(reg prometheus.Registerer) {
	read := func(pick func(depth int, age time.Duration) float64) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			d, age, err := q.depth(ctx)
			if err != nil {
				return -1 // NATS unreachable: not a depth
			}
			return pick(d, age)
		}
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ecouter_queue_depth",
			Help: "Render jobs queued or running, over every node (-1: NATS unreachable).",
		}, read(func(d int, _ time.Duration) float64 { return float64(d) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ecouter_queue_oldest_seconds",
			Help: "Age of the oldest render job not finished (0: none; -1: NATS unreachable).",
		}, read(func(_ int, age time.Duration) float64 { return age.Seconds() })),
	)
}
