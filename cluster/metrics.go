package cluster

import (
	"github.com/prometheus/client_golang/prometheus"

	"ecouter/jobs"
)

// RegisterMetrics adds the queue's gauges to reg, read from NATS at each
// scrape: every node reports the same cluster-wide values.
func (q *Queue) RegisterMetrics(reg prometheus.Registerer) { jobs.RegisterGauges(reg, q.depth) }
