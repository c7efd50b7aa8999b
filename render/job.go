package render

import (
	"context"
	"errors"
)

// ErrBusy means the render limit is reached: a new article must wait
// until running renders finish. Each render holds about 40 MB and a share
// of the cores, so a burst of first listens cannot exhaust the machine.
var ErrBusy = errors.New("too many renders running")

// job is one render running in the background: listeners read its stream,
// waiters wait for done.
type job struct {
	stream *Stream
	done   chan struct{}
	m      *Manifest
	err    error
}

func (j *job) wait(ctx context.Context) (*Manifest, error) {
	select {
	case <-j.done:
		return j.m, j.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// start runs the render of p unless the same one (article and content key)
// is already running, in which case the caller joins it. The render is
// detached from every request: a listener who leaves does not cancel it.
//
// Errors are logged by whoever receives them (the HTTP boundary, the CLI, a
// batch); a detached render, whose caller went on with the previous audio,
// has no receiver and logs its own failure.
//
// At most cfg.MaxRenders run at once. A caller that waits for its render
// anyway (a CMS publish hook, a batch, the CLI) queues for a slot until
// ctx ends; a listener is refused with ErrBusy rather than kept waiting.
func (s *Service) start(ctx context.Context, id string, p prepared, prev *Manifest, fetch float64, progress func(int, int), detached, queue bool) (*job, error) {
	k := id + "@" + p.key
	if j := s.running(k); j != nil {
		return j, nil
	}
	if err := s.acquire(ctx, queue); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if j, ok := s.jobs[k]; ok { // started by another caller meanwhile
		s.mu.Unlock()
		s.release()
		return j, nil
	}
	j := &job{stream: newStream(), done: make(chan struct{})}
	s.jobs[k] = j
	s.inflight[id]++
	s.background++ // with the job, so Wait never misses it
	s.mu.Unlock()
	s.metrics.inflight.Inc()

	go func() {
		defer s.busy(-1)
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
		defer cancel()
		m, err := s.runSafely(ctx, id, p, prev, progress, j.stream)
		if err != nil {
			s.metrics.renders.WithLabelValues("error").Inc()
			if detached {
				s.log.Error("background render failed", "article_id", id, "err", err)
			}
		} else {
			m.Timings.Fetch = fetch
			s.metrics.renders.WithLabelValues("ok").Inc()
			s.metrics.seconds.Observe(m.RenderSeconds)
			s.remember(id, m)
		}
		s.metrics.inflight.Dec()
		s.mu.Lock()
		delete(s.jobs, k)
		s.inflight[id]--
		if s.inflight[id] <= 0 {
			delete(s.inflight, id)
		}
		s.mu.Unlock()
		// The slot is free, and the file stored and remembered, before the
		// stream ends: whoever asks next gets the stored file or a new render.
		s.release()
		j.m, j.err = m, err
		j.stream.finish(err)
		close(j.done)
	}()
	return j, nil
}

func (s *Service) runSafely(ctx context.Context, id string, p prepared, prev *Manifest, progress func(int, int), st *Stream) (m *Manifest, err error) {
	defer recoverTo(&err, s.log, id)
	return s.run(ctx, id, p, prev, progress, st)
}

func (s *Service) running(k string) *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs[k]
}

// acquire takes a render slot: at once or ErrBusy, or queueing until ctx
// ends.
func (s *Service) acquire(ctx context.Context, queue bool) error {
	if s.slots == nil {
		return nil
	}
	if !queue {
		select {
		case s.slots <- struct{}{}:
			return nil
		default:
			return ErrBusy
		}
	}
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() {
	if s.slots != nil {
		<-s.slots
	}
}
