// Package jobs is the vocabulary of the render queue: what a job is, what
// the queue reports, and the interface the HTTP layer and the command line
// use; and Local, the queue of a node alone (ECOUTER_NATS=off). The
// cluster's durable queue lives in package cluster; both pass jobstest's
// contract.
package jobs

import (
	"context"
	"errors"
	"time"
)

// Job is one article to render ahead of listeners.
type Job struct {
	ID  string `json:"id"`            // article ID
	Key string `json:"key,omitempty"` // content key when known: the queue drops duplicates of one ID and key
	// Since, when set, is part of the job's identity for duplicate
	// detection: the state the render moves the article from (its current
	// audio's key, or its withdrawal), so an edit reverted or a withdrawn
	// article brought back is not dropped as a duplicate of an earlier job.
	Since string `json:"since,omitempty"`
	// Withdrawal is the article's withdrawal in force when the job was
	// asked for ("" if none): the only one its render may end. A job
	// that finds a later one is dropped (ErrDropped).
	Withdrawal string `json:"withdrawal,omitempty"`
}

// Failure is a job that failed every attempt.
type Failure struct {
	ID  string `json:"id"`
	Key string `json:"key,omitempty"`
	// Withdrawal is the job's (Job.Withdrawal), kept for a retry.
	Withdrawal string    `json:"withdrawal,omitempty"`
	Error      string    `json:"error"`
	Attempts   int       `json:"attempts"`
	FailedAt   time.Time `json:"failed_at"`
}

// Stats is the queue as every node sees it.
type Stats struct {
	Queued  int `json:"queued"`  // waiting, including retries waiting for their delay
	Running int `json:"running"` // being rendered by a node now
	Failed  int `json:"failed"`  // failed every attempt (kept until retried or rendered)
	Done    int `json:"done"`    // rendered in the last DoneWindow
	// Dropped counts the jobs of the last DoneWindow not rendered
	// because their article was withdrawn after they were asked for.
	Dropped  int       `json:"dropped"`
	Oldest   time.Time `json:"oldest,omitzero"`
	Failures []Failure `json:"failures"` // newest first, at most MaxFailures
}

// DoneWindow is how long a finished job counts as done.
const DoneWindow = 24 * time.Hour

// MaxFailures bounds the failures Stats lists.
const MaxFailures = 1000

// Queue takes jobs for whichever node has a free render slot.
type Queue interface {
	// Enqueue adds jobs; a job already queued with the same ID and key
	// is not added twice.
	Enqueue(ctx context.Context, js ...Job) error
	// Stats reports the counts and the failed jobs.
	Stats(ctx context.Context) (Stats, error)
	// Retry queues failed jobs again (every failed job if ids is empty)
	// and says how many.
	Retry(ctx context.Context, ids ...string) (int, error)
}

// Handler renders one job. Its error is the job's failure, unless it
// wraps ErrDropped.
type Handler func(ctx context.Context, j Job) error

// ErrDropped means a job must not run any more (its article was withdrawn
// after it was asked for): it is acknowledged and counted as dropped,
// never tried again nor kept as failed.
var ErrDropped = errors.New("render job dropped")

// ErrUnavailable means the queue cannot be reached.
var ErrUnavailable = errors.New("render queue unavailable")
