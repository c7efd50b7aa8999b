package render_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"ecouter/article"
	"ecouter/render"
	"ecouter/render/rendertest"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

func TestLocalScheduler(t *testing.T) {
	rendertest.SchedulerContract(t, func(t *testing.T, maxRenders int) render.Scheduler {
		return render.NewLocal(maxRenders, slog.New(slog.NewTextHandler(io.Discard, nil)))
	})
}

// remote is a Scheduler whose renders run "elsewhere": its jobs have no
// stream, as a cluster-wide scheduler's would on a node that does not
// render. It counts what it is asked.
type remote struct {
	render.Scheduler
	starts atomic.Int32
}

func (r *remote) Start(ctx context.Context, req render.Request) (*render.Job, error) {
	r.starts.Add(1)
	j := render.NewJob(nil)
	r.Track(func() {
		m, err := req.Render(context.Background(), nil)
		j.Finish(m, err)
	})
	return j, nil
}

// The Service works through any Scheduler, including one whose renders
// cannot be joined as a stream.
func TestServiceWithAnotherScheduler(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sc := &remote{Scheduler: render.NewLocal(2, log)}
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src := sourceFunc(func(_ context.Context, id string) (*article.Article, error) {
		return &article.Article{ID: id, Title: "Titre", HTML: "<p>Une phrase.</p>"}, nil
	})
	svc := render.New(src, &synthtest.Fake{}, st, render.DefaultConfig(), log, nil, render.WithScheduler(sc))
	ctx := context.Background()
	m, stream, err := svc.Listen(ctx, "a1")
	if err != nil || stream != nil || m == nil {
		t.Fatalf("listen through a remote scheduler: %v, stream %v, manifest %v", err, stream, m)
	}
	if got, err := svc.Archive().Manifest(ctx, "a1"); err != nil || got.Key != m.Key {
		t.Fatalf("stored manifest: %v, %v", got, err)
	}
	if n := sc.starts.Load(); n != 1 {
		t.Fatalf("%d renders asked of the scheduler, want 1", n)
	}
	if err := svc.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

type sourceFunc func(ctx context.Context, id string) (*article.Article, error)

func (f sourceFunc) Article(ctx context.Context, id string) (*article.Article, error) {
	return f(ctx, id)
}
