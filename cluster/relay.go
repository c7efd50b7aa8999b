package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ecouter/render"
)

// relay carries a render's live MP3 from its owner to the listeners of
// the nodes following it: the owner publishes the stream in chunks on a
// subject of its own, which followers read from the first chunk, however
// late they join.
type relay struct {
	n      *Node
	stream string
}

// liveMaxAge keeps a render's chunks for late listeners; a render is
// stored well before, and listeners then read the stored file.
const liveMaxAge = 30 * time.Minute

// endHeader marks a stream's last message: "ok", endTakenOver, or the
// reason it broke.
const endHeader = "Ecouter-End"

// endTakenOver ends the stream of a render taken over, which has none:
// followers' listeners wait for the stored file (render.ErrNoLiveStream).
const endTakenOver = "the render was taken over: no live stream"

func newRelay(ctx context.Context, n *Node) (*relay, error) {
	name := n.name("live")
	_, err := n.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        name,
		Description: "ecouter: MP3 of renders in progress, for listeners on other nodes",
		Subjects:    []string{n.subject("live.>")},
		MaxAge:      liveMaxAge,
		MaxBytes:    1 << 30, // bounded: the oldest renders' chunks go first
		Discard:     jetstream.DiscardOld,
		Replicas:    n.cfg.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("NATS live stream: %w", err)
	}
	return &relay{n: n, stream: name}, nil
}

// subject of one render attempt: a node taking over starts a stream anew.
func (r *relay) subject(key string, attempt uint64) string {
	return r.n.subject(fmt.Sprintf("live.%s.%d", key, attempt))
}

// publish sends st, as it grows, until the render ends, as work track
// runs (so a shutdown waits for the last chunks). It runs on its own
// context: the stream ends when its job finishes, after the render's
// context is gone.
func (r *relay) publish(track func(func()), key string, attempt uint64, st *render.Stream) {
	ctx, cancel := context.WithTimeout(context.Background(), liveMaxAge)
	subj := r.subject(key, attempt)
	if st == nil {
		// A render taken over has no stream: its followers' listeners are
		// told at once, and try again for the stored file.
		m := nats.NewMsg(subj)
		m.Header.Set(endHeader, endTakenOver)
		track(func() {
			defer cancel()
			_, _ = r.n.js.PublishMsg(ctx, m)
		})
		return
	}
	track(func() {
		defer cancel()
		src := st.Reader(ctx)
		buf := make([]byte, 64<<10)
		end := "ok"
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if _, perr := r.n.js.Publish(ctx, subj, buf[:n]); perr != nil {
					end = "relay: " + perr.Error()
					break
				}
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				end = err.Error()
				break
			}
		}
		m := nats.NewMsg(subj)
		m.Header.Set(endHeader, end)
		if _, err := r.n.js.PublishMsg(ctx, m); err != nil {
			r.n.log.Warn("relay stream end", "key", key, "err", err)
		}
	})
}

// follow copies the owner's stream into st until it ends or ctx does; the
// returned channel is closed then. A relay that breaks (the owner died,
// NATS went away) ends st with the error: its listeners hear a cut
// stream, its waiters still get the render's result.
func (r *relay) follow(ctx context.Context, key string, attempt uint64, st *render.Stream) <-chan struct{} {
	done := make(chan struct{})
	if st == nil {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		c, err := r.n.js.OrderedConsumer(ctx, r.stream, jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{r.subject(key, attempt)},
			DeliverPolicy:  jetstream.DeliverAllPolicy,
		})
		if err != nil {
			st.Relay(&failed{fmt.Errorf("%w: follow live stream: %w", render.ErrUnavailable, err)})
			return
		}
		st.Relay(&chunks{ctx: ctx, c: c})
	}()
	return done
}

// chunks reads a relayed stream as an io.Reader.
type chunks struct {
	ctx  context.Context
	c    jetstream.Consumer
	rest []byte
}

func (c *chunks) Read(p []byte) (int, error) {
	for len(c.rest) == 0 {
		m, err := c.c.Next(jetstream.FetchContext(c.ctx))
		if errors.Is(err, nats.ErrNoResponders) && c.ctx.Err() == nil {
			// A consumer just created on a replicated stream may not
			// answer yet.
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if err != nil {
			if c.ctx.Err() != nil {
				// The cause says why: the owner gone (ErrNoLiveStream), a
				// withdrawal (ErrWithdrawn, at once) or the scheduler stopping.
				return 0, fmt.Errorf("relayed stream: %w", context.Cause(c.ctx))
			}
			return 0, fmt.Errorf("%w: relayed stream: %w", render.ErrUnavailable, err)
		}
		if end := m.Headers().Get(endHeader); end != "" {
			if end == "ok" {
				return 0, io.EOF
			}
			if end == endTakenOver {
				return 0, fmt.Errorf("relayed stream: %w", render.ErrNoLiveStream)
			}
			return 0, fmt.Errorf("relayed stream: %s", end)
		}
		c.rest = m.Data()
	}
	n := copy(p, c.rest)
	c.rest = c.rest[n:]
	return n, nil
}

type failed struct{ err error }

func (f *failed) Read([]byte) (int, error) { return 0, f.err }
