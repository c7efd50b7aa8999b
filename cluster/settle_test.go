package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestSettle(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	noQuorum := &jetstream.APIError{Code: 503, ErrorCode: 10008, Description: "JetStream system temporarily unavailable"}
	refused := errors.New("nats: authorization violation")
	for _, tc := range []struct {
		name  string
		errs  []error // what the set-up answers, call after call; then nil
		wait  time.Duration
		calls int
		fails bool
	}{
		{"timeouts, then set up", []error{fmt.Errorf("NATS lease bucket: %w", nats.ErrTimeout), context.DeadlineExceeded}, time.Minute, 3, false},
		{"no quorum, then set up", []error{fmt.Errorf("bucket: %w", noQuorum)}, time.Minute, 2, false},
		{"no responders, then set up", []error{nats.ErrNoResponders}, time.Minute, 2, false},
		{"a refusal fails at once", []error{refused, nil}, time.Minute, 1, true},
		{"JetStream off fails at once", []error{jetstream.ErrJetStreamNotEnabled, nil}, time.Minute, 1, true},
		{"gives up after wait", []error{nats.ErrTimeout, nats.ErrTimeout, nats.ErrTimeout, nats.ErrTimeout}, 300 * time.Millisecond, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := Settle(context.Background(), tc.wait, quiet, func(context.Context) error {
				calls++
				if calls <= len(tc.errs) {
					return tc.errs[calls-1]
				}
				return nil
			})
			if (err != nil) != tc.fails || calls != tc.calls {
				t.Fatalf("err %v after %d calls, want failure %t after %d", err, calls, tc.fails, tc.calls)
			}
		})
	}
}
