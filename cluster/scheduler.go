package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ecouter/render"
)

// Scheduler is the render.Scheduler of a cluster: the one-process
// scheduler (render slots, callers of one node joining one job, tracked
// work) in front of a lease per article and content key in a JetStream
// key-value bucket, so one node renders and the others follow it.
type Scheduler struct {
	*render.Local // slots, Track and Wait are per node
	n             *Node
	leases        jetstream.KeyValue
	relay         *relay
	log           *slog.Logger
}

// doneTTL keeps a finished render's manifest in its lease for the nodes
// that asked just before it was stored; later ones find it in the store.
const doneTTL = 2 * time.Minute

// NewScheduler returns the cluster scheduler of node n, running at most
// maxRenders renders (and followed renders) at once on this node.
func NewScheduler(ctx context.Context, n *Node, maxRenders int, log *slog.Logger) (*Scheduler, error) {
	kv, err := n.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      n.name("leases"),
		Description: "ecouter: the node rendering each article and content key",
		History:     1,
		Replicas:    n.cfg.Replicas,
		// Deletes and expiries leave a marker, so followers watching a
		// lease see its owner go.
		LimitMarkerTTL: max(time.Minute, n.cfg.LeaseTTL),
	})
	if err != nil {
		return nil, fmt.Errorf("NATS lease bucket: %w", err)
	}
	rl, err := newRelay(ctx, n)
	if err != nil {
		return nil, err
	}
	return &Scheduler{Local: render.NewLocal(maxRenders, log), n: n, leases: kv, relay: rl, log: log}, nil
}

// lease is the value of a lease entry.
type lease struct {
	Node     string           `json:"node"`
	State    string           `json:"state"`   // rendering, done
	Attempt  uint64           `json:"attempt"` // the revision that created it: names its live stream
	Manifest *render.Manifest `json:"manifest,omitempty"`
}

const (
	stateRendering = "rendering"
	stateDone      = "done"
)

// errLeaseGone means the lease ended without a result: its owner failed
// or died, and the render is for the taking.
var errLeaseGone = errors.New("render lease ended without a result")

// errLeaseLost means another node holds the lease this node was renewing.
var errLeaseLost = errors.New("render lease taken over by another node")

// Start implements render.Scheduler.
func (s *Scheduler) Start(ctx context.Context, req render.Request) (*render.Job, error) {
	if err := checkToken("article id", req.ID); err != nil {
		return nil, err
	}
	if req.Key != "" {
		if err := checkToken("content key", req.Key); err != nil {
			return nil, err
		}
	}
	if st := s.n.nc.Status(); st != nats.CONNECTED {
		return nil, fmt.Errorf("%w: NATS %s", render.ErrUnavailable, st)
	}
	r := req
	r.Render = func(ctx context.Context, st *render.Stream) (*render.Manifest, error) {
		return s.leased(ctx, req, st)
	}
	return s.Local.Start(ctx, r)
}

// leased renders req under its lease, or follows the node holding it and
// takes over if that node goes without a result.
func (s *Scheduler) leased(ctx context.Context, req render.Request, st *render.Stream) (*render.Manifest, error) {
	key := leaseKey(req.ID, req.Key)
	hiccups := 0
	// retry reports whether a coordination failure is worth another try:
	// a JetStream request that timed out on a loaded cluster, a lease watch
	// cut while its stream changed leader. NATS itself gone is not.
	retry := func(err error) bool {
		if !errors.Is(err, render.ErrUnavailable) || hiccups >= maxHiccups || s.n.nc.Status() != nats.CONNECTED {
			return false
		}
		hiccups++
		s.log.Warn("render lease hiccup, trying again", "article_id", req.ID, "attempt", hiccups, "err", err)
		select {
		case <-time.After(time.Duration(hiccups) * 200 * time.Millisecond):
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		rev, err := s.leases.Create(ctx, key, s.value(stateRendering, 0, nil), jetstream.KeyTTL(s.n.cfg.LeaseTTL))
		if err == nil {
			m, err := s.own(ctx, key, rev, req, st)
			if !errors.Is(err, errLeaseLost) {
				return m, err
			}
			// Cut off longer than the lease: another node renders it
			// now, and this one's waiters follow that node.
			st = nil
			continue
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			err = fmt.Errorf("%w: take render lease: %w", render.ErrUnavailable, err)
			if retry(err) {
				continue
			}
			return nil, err
		}
		m, relayed, err := s.follow(ctx, key, req, st)
		if relayed {
			st = nil // see below: a stream already given a relay is not given another
		}
		if err != nil && !errors.Is(err, errLeaseGone) && retry(err) {
			continue
		}
		if !errors.Is(err, errLeaseGone) {
			return m, err
		}
		if relayed {
			// st holds the relayed start of the dead owner's MP3 (ended
			// with an error): a render taken over streams nowhere.
			st = nil
		}
		s.log.Info("render owner gone, taking over", "article_id", req.ID, "key", req.Key)
	}
}

// maxHiccups bounds the retries of one render's coordination failures.
const maxHiccups = 5

// own runs the render while renewing its lease, then leaves the result in
// the lease (or deletes it on failure, for a follower to try again).
func (s *Scheduler) own(ctx context.Context, key string, rev uint64, req render.Request, st *render.Stream) (m *render.Manifest, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	attempt := rev
	revs := make(chan uint64, 1)
	stop := make(chan struct{})
	go func() { revs <- s.renew(ctx, cancel, key, attempt, stop) }()
	s.relay.publish(s.Local.Track, key, attempt, st)
	ok := false
	defer func() {
		close(stop)
		rev := <-revs
		// A short context of its own: the render's may have ended.
		ctx, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer done()
		if ok {
			if _, perr := s.put(ctx, key, s.value(stateDone, attempt, m), rev, doneTTL); perr == nil {
				return
			} else {
				s.log.Warn("publish render result", "article_id", req.ID, "err", perr)
			}
		}
		if derr := s.leases.Delete(ctx, key, jetstream.LastRevision(rev)); derr != nil && !errors.Is(derr, jetstream.ErrKeyExists) {
			s.log.Warn("release render lease", "article_id", req.ID, "err", derr)
		}
	}()
	m, err = req.Render(ctx, st)
	if cause := context.Cause(ctx); err != nil && errors.Is(cause, errLeaseLost) {
		err = fmt.Errorf("%w: %w", err, cause)
	}
	ok = err == nil
	return m, err
}

// renew keeps the lease alive until stop, returning its last revision. A
// lease taken by another node (this one was cut off longer than the TTL)
// cancels the render: the other node renders it now.
func (s *Scheduler) renew(ctx context.Context, cancel context.CancelCauseFunc, key string, attempt uint64, stop chan struct{}) uint64 {
	rev := attempt
	t := time.NewTicker(s.n.cfg.LeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return rev
		case <-t.C:
		}
		next, err := s.put(ctx, key, s.value(stateRendering, attempt, nil), rev, s.n.cfg.LeaseTTL)
		var apiErr *jetstream.APIError
		switch {
		case err == nil:
			rev = next
		case errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant):
			s.log.Warn("render lease lost", "key", key)
			cancel(errLeaseLost)
			<-stop
			return rev
		default:
			s.log.Warn("renew render lease", "key", key, "err", err)
		}
	}
}

// put replaces the lease at revision rev with a value living ttl. The
// key-value API cannot give an update a TTL, so this publishes to the
// bucket's subject as the API does, with the TTL header.
func (s *Scheduler) put(ctx context.Context, key string, v []byte, rev uint64, ttl time.Duration) (uint64, error) {
	ack, err := s.n.js.PublishMsg(ctx, &nats.Msg{Subject: "$KV." + s.leases.Bucket() + "." + key, Data: v},
		jetstream.WithExpectLastSequencePerSubject(rev), jetstream.WithMsgTTL(ttl))
	if err != nil {
		return 0, err
	}
	return ack.Sequence, nil
}

// follow waits for the lease's owner: its manifest once stored, or
// errLeaseGone when the lease ends without one. Listeners of st hear the
// owner's stream meanwhile (relayed reports whether st was given it).
func (s *Scheduler) follow(ctx context.Context, key string, req render.Request, st *render.Stream) (m *render.Manifest, relayed bool, err error) {
	w, err := s.leases.Watch(ctx, key)
	if err != nil {
		return nil, false, fmt.Errorf("%w: watch render lease: %w", render.ErrUnavailable, err)
	}
	defer w.Stop() //nolint:errcheck // nothing to do about it
	// Expiry leaves a marker the watch sees; the check is for a marker
	// missed while NATS was unreachable.
	check := time.NewTicker(s.n.cfg.LeaseTTL)
	defer check.Stop()
	// Ending the relay with the owner gone cuts st's listeners off: the
	// render goes on (taken over here or elsewhere) without a live
	// stream, and they wait for the stored file.
	relayCtx, stopRelay := context.WithCancelCause(ctx)
	defer stopRelay(render.ErrNoLiveStream)
	var relayDone <-chan struct{}
	seen := false
	for {
		select {
		case e, ok := <-w.Updates():
			if !ok {
				return nil, relayed, fmt.Errorf("%w: render lease watch ended", render.ErrUnavailable)
			}
			if e == nil { // the current value was delivered
				if !seen {
					return nil, relayed, errLeaseGone
				}
				continue
			}
			first := !seen
			seen = true
			l, gone, err := leaseOf(key, e)
			if gone {
				return nil, relayed, errLeaseGone
			}
			if err != nil {
				return nil, relayed, err
			}
			if first && s.stale(ctx, key, e.Revision(), l, req) {
				return nil, relayed, errLeaseGone
			}
			if relayDone == nil && st != nil {
				relayDone, relayed = s.relay.follow(relayCtx, key, l.Attempt, st), true
			}
			if l.State == stateDone && l.Manifest != nil {
				untilRelayed(relayDone)
				return l.Manifest, relayed, nil
			}
		case <-check.C:
			if _, err := s.leases.Get(ctx, key); errors.Is(err, jetstream.ErrKeyNotFound) {
				return nil, relayed, errLeaseGone
			}
		}
	}
}

// leaseOf decodes a watched lease entry; gone reports a lease deleted or
// purged.
func leaseOf(key string, e jetstream.KeyValueEntry) (l lease, gone bool, err error) {
	if op := e.Operation(); op == jetstream.KeyValueDelete || op == jetstream.KeyValuePurge {
		return lease{}, true, nil
	}
	if err := json.Unmarshal(e.Value(), &l); err != nil {
		return lease{}, false, fmt.Errorf("render lease %s: %w", key, err)
	}
	if l.Attempt == 0 { // the creating value, which cannot name its own revision
		l.Attempt = e.Revision()
	}
	return l, false, nil
}

// untilRelayed lets a relay (if any) finish, for at most relayGrace: the
// owner's stream ends with its job, and the listeners should hear the
// whole MP3.
func untilRelayed(done <-chan struct{}) {
	if done == nil {
		return
	}
	select {
	case <-done:
	case <-time.After(relayGrace):
	}
}

// stale reports (and clears) a finished result found in its lease whose
// audio is not in the store: the store was emptied or restored since. Its
// live stream is not relayed either: the render is for the taking.
func (s *Scheduler) stale(ctx context.Context, key string, rev uint64, l lease, req render.Request) bool {
	if l.State != stateDone || l.Manifest == nil || req.Stored == nil || req.Stored(ctx, l.Manifest) {
		return false
	}
	s.log.Info("finished render's audio is not in the store: rendering again", "article_id", req.ID, "key", req.Key)
	if err := s.leases.Delete(ctx, key, jetstream.LastRevision(rev)); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		s.log.Warn("clear stale render result", "article_id", req.ID, "err", err)
	}
	return true
}

// relayGrace bounds the wait for a finished render's last relayed chunks.
const relayGrace = 30 * time.Second

// Rendering implements render.Scheduler: a render running on this node or
// on any other.
func (s *Scheduler) Rendering(id string) bool {
	if s.Local.Rendering(id) {
		return true
	}
	if checkToken("article id", id) != nil {
		return false // no article of that name, and never a subject
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	w, err := s.leases.Watch(ctx, id+".*", jetstream.IgnoreDeletes())
	if err != nil {
		return false
	}
	defer w.Stop() //nolint:errcheck // nothing to do about it
	for {
		select {
		case e, ok := <-w.Updates():
			if !ok || e == nil {
				return false
			}
			var l lease
			if json.Unmarshal(e.Value(), &l) == nil && l.State == stateRendering {
				return true
			}
		case <-ctx.Done():
			return false
		}
	}
}

func (s *Scheduler) value(state string, attempt uint64, m *render.Manifest) []byte {
	b, _ := json.Marshal(lease{Node: s.n.id, State: state, Attempt: attempt, Manifest: m})
	return b
}

// leaseKey is the bucket key of a render: article IDs and content keys
// are made of characters keys accept.
func leaseKey(id, key string) string {
	if key == "" {
		key = "_"
	}
	return id + "." + key
}

// ClearFinished deletes the finished renders' results that the leases of
// article id still hold (they live doneTTL, for followers), but the one of
// key keep. A result outlives what it describes when the article is
// withdrawn (its audio deleted) or rendered again with another key; left
// there, a new render of that key within doneTTL would follow the old
// result instead of running (an edit reverted, an article brought back).
func (s *Scheduler) ClearFinished(ctx context.Context, id, keep string) error {
	if err := checkToken("article id", id); err != nil {
		return err
	}
	lister, err := s.leases.ListKeysFiltered(ctx, leaseKey(id, "*"))
	if err != nil {
		return fmt.Errorf("list render leases of %s: %w", id, err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	for _, k := range keys {
		if keep != "" && k == leaseKey(id, keep) {
			continue
		}
		e, err := s.leases.Get(ctx, k)
		if err != nil {
			continue // gone meanwhile
		}
		var l lease
		if json.Unmarshal(e.Value(), &l) != nil || l.State != stateDone {
			continue // a render running: its owner ends it
		}
		if err := s.leases.Delete(ctx, k, jetstream.LastRevision(e.Revision())); err != nil {
			s.log.Debug("clear finished render lease", "key", k, "err", err)
		}
	}
	return nil
}
