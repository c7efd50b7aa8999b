package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Depth reports the jobs not finished (queued or running) and the age of
// the oldest.
type Depth func(ctx context.Context) (jobs int, oldest time.Duration, err error)

// RegisterGauges adds a queue's gauges to reg, read from depth at each
// scrape; -1 when the queue cannot be reached.
func RegisterGauges(reg prometheus.Registerer, depth Depth) {
	read := func(pick func(d int, age time.Duration) float64) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			d, age, err := depth(ctx)
			if err != nil {
				return -1 // unreachable: not a depth
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
