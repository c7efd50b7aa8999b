package jobs

import "time"

// Defaults of every queue's retries (ECOUTER_QUEUE_ATTEMPTS,
// ECOUTER_QUEUE_BACKOFF).
const (
	DefaultAttempts = 5
	DefaultBackoff  = 10 * time.Second
	// MaxBackoff bounds the delay before a retry.
	MaxBackoff = 10 * time.Minute
	// DedupWindow is how long a job's ID, key and state are remembered:
	// the same job queued again within it is dropped.
	DedupWindow = 10 * time.Minute
)

// Delay is the delay before attempt+1 of a job whose first retry waits
// first: doubled for each next one, at most MaxBackoff.
func Delay(first time.Duration, attempt int) time.Duration {
	d := first
	for range attempt - 1 {
		if d *= 2; d >= MaxBackoff {
			return MaxBackoff
		}
	}
	return d
}

// DedupID is what makes two jobs the same one for the dedup window: the
// article, its key and the state the render moves it from.
func DedupID(j Job) string {
	id := j.ID + "@" + j.Key
	if j.Since != "" {
		id += "@" + j.Since
	}
	return id
}
