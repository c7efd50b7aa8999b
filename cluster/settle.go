package cluster

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// SetUpWait is how long a node keeps trying to set up its streams and
// buckets while JetStream does not answer yet.
const SetUpWait = time.Minute

// Settle runs setUp until it succeeds, fails for another reason than
// JetStream not answering yet, or wait has passed. A cluster electing a
// leader (one of its servers restarting, or a machine too busy to answer
// within JetStream's 5 s) times out or answers 503 for a few seconds; a
// node started meanwhile waits for it instead of exiting, while a refusal
// (credentials, a bad configuration) still fails at once.
func Settle(ctx context.Context, wait time.Duration, log *slog.Logger, setUp func(context.Context) error) error {
	deadline := time.Now().Add(wait)
	pause := 250 * time.Millisecond
	for {
		err := setUp(ctx)
		if err == nil || !notAnswering(err) || ctx.Err() != nil || time.Now().Add(pause).After(deadline) {
			return err
		}
		log.Warn("NATS JetStream not answering yet, trying again", "err", err, "in_ms", pause.Milliseconds())
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// notAnswering reports whether err is JetStream not answering in time, or
// answering that it cannot yet (no leader, no quorum: 503).
func notAnswering(err error) bool {
	var api *jetstream.APIError
	if errors.As(err, &api) && api.Code == http.StatusServiceUnavailable &&
		api.ErrorCode != jetstream.JSErrCodeJetStreamNotEnabled && api.ErrorCode != jetstream.JSErrCodeJetStreamNotEnabledForAccount {
		return true
	}
	var jsErr jetstream.JetStreamError
	if errors.As(err, &jsErr) {
		if a := jsErr.APIError(); a != nil && a.Code == http.StatusServiceUnavailable &&
			a.ErrorCode != jetstream.JSErrCodeJetStreamNotEnabled && a.ErrorCode != jetstream.JSErrCodeJetStreamNotEnabledForAccount {
			return true
		}
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) || errors.Is(err, nats.ErrNoResponders)
}
