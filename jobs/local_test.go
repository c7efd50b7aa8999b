package jobs_test

import (
	"io"
	"log/slog"
	"testing"

	"ecouter/jobs"
	"ecouter/jobs/jobstest"
)

// TestLocalQueue: a lone node's queue keeps every promise of the
// cluster's (cluster.TestQueueEmbedded runs the same contract).
func TestLocalQueue(t *testing.T) {
	jobstest.QueueContract(t, func(*testing.T) jobstest.Queue {
		return jobs.NewLocal(jobs.LocalConfig{Attempts: jobstest.Attempts, Backoff: jobstest.Backoff},
			slog.New(slog.NewTextHandler(io.Discard, nil)))
	})
}
