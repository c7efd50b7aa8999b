package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ecouter/article"
	"ecouter/audio"
	"ecouter/script"
	"ecouter/store"
	"ecouter/synth"
	"ecouter/synth/synthtest"
)

// memSource is an article source whose articles tests can change.
type memSource struct {
	mu       sync.Mutex
	articles map[string]article.Article
	fail     error
	fetches  int
}

func (m *memSource) Article(_ context.Context, id string) (*article.Article, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fetches++
	if m.fail != nil {
		return nil, m.fail
	}
	a, ok := m.articles[id]
	if !ok {
		return nil, fmt.Errorf("%s: %w", id, article.ErrNotFound)
	}
	return &a, nil
}

func (m *memSource) set(id, html string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.articles[id] = article.Article{ID: id, Title: "Un titre", Author: "Claire Martin", HTML: html}
}

func (m *memSource) setFail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = err
}

type fixture struct {
	svc   *Service
	src   *memSource
	syn   *synthtest.Fake
	store *store.Dir
	clock *atomic.Int64 // Unix nanoseconds: background work reads it too
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	src := &memSource{articles: map[string]article.Article{}}
	src.set("a1", "<p>Première phrase de l'article. Deuxième phrase !</p><h2>Un intertitre</h2><p>Un dernier paragraphe.</p>")
	syn := &synthtest.Fake{PerChar: 10 * time.Millisecond}
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	svc := New(src, syn, st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	var clock atomic.Int64
	clock.Store(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC).UnixNano())
	svc.now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	return &fixture{svc: svc, src: src, syn: syn, store: st, clock: &clock}
}

func (f *fixture) advance(d time.Duration) { f.clock.Add(int64(d)) }

func TestEnsureRendersOnceAndCaches(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Title, byline, two sentences, heading, one sentence.
	if m.Sentences != 6 || f.syn.Calls() != 6 {
		t.Fatalf("sentences %d, synth calls %d; want 6 and 6", m.Sentences, f.syn.Calls())
	}
	if m.Size <= 0 || m.Duration <= 0 {
		t.Fatalf("empty render: %+v", m)
	}
	info, err := f.store.Stat(ctx, m.Audio)
	if err != nil || info.Size != m.Size {
		t.Fatalf("stored audio %v, %v; manifest says %d bytes", info, err, m.Size)
	}
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); err != nil {
		t.Fatal(err)
	}
	if f.src.fetches != 1 || f.syn.Calls() != 6 {
		t.Fatalf("second request within TTL: fetches %d, synth calls %d; want 1 and 6", f.src.fetches, f.syn.Calls())
	}
	// After the TTL the article is read again but, unchanged, not re-synthesised.
	f.advance(6 * time.Minute)
	m2, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.src.fetches != 2 || f.syn.Calls() != 6 || m2.Key != m.Key {
		t.Fatalf("after TTL: fetches %d, synth calls %d, key changed %v", f.src.fetches, f.syn.Calls(), m2.Key != m.Key)
	}
}

func TestCuesFollowTheAudio(t *testing.T) {
	f := newFixture(t)
	m, err := f.svc.Ensure(context.Background(), "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultPauses()
	prevEnd := 0.0
	for i, c := range m.Cues {
		if c.Start < prevEnd || c.End <= c.Start {
			t.Fatalf("cue %d [%v, %v] overlaps or is empty (previous end %v)", i, c.Start, c.End, prevEnd)
		}
		if i > 0 {
			gap := c.Start - prevEnd
			want := p.between(m.Cues[i-1].Kind, c.Kind, m.Cues[i-1].Block == c.Block).Seconds()
			// A run of sentences starts on the MP3 frame grid: its pause
			// is lengthened by less than one frame (runs.go).
			if gap < want-0.001 || gap > want+1152.0/44100+0.001 {
				t.Errorf("gap before cue %d (%s) = %.3fs, want %.3fs", i, c.Kind, gap, want)
			}
		}
		prevEnd = c.End
	}
	if last := m.Cues[len(m.Cues)-1].End; m.Duration < last || m.Duration > last+p.Tail.Seconds()+0.01 {
		t.Fatalf("duration %v does not end after the last cue %v plus the tail", m.Duration, last)
	}
	if m.Cues[0].Kind != "title" || m.Cues[1].Text != "Par Claire Martin." {
		t.Fatalf("first cues: %+v", m.Cues[:2])
	}
}

func TestConcurrentRequestsRenderOnce(t *testing.T) {
	f := newFixture(t)
	f.syn.Delay = 20 * time.Millisecond
	var wg sync.WaitGroup
	keys := make([]string, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := f.svc.Ensure(context.Background(), "a1", Options{})
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = m.Key
		}()
	}
	wg.Wait()
	if f.syn.Calls() != 6 {
		t.Fatalf("8 concurrent requests made %d synth calls, want 6 (one render)", f.syn.Calls())
	}
	for _, k := range keys {
		if k != keys[0] {
			t.Fatalf("requests got different renders: %v", keys)
		}
	}
}

func TestEditedArticleRerendersOnlyWhenChanged(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.src.set("a1", "<p>Un texte entièrement nouveau.</p>")
	// Within the TTL a listener still gets the stored render.
	if m, _ := f.svc.Ensure(ctx, "a1", Options{}); m.Key != old.Key {
		t.Fatal("article re-read within the TTL")
	}
	// A forced refresh that waits renders the new narration.
	m, err := f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Key == old.Key || m.Previous != old.Audio {
		t.Fatalf("edited article: key %s (old %s), previous %q", m.Key, old.Key, m.Previous)
	}
	if _, err := f.store.Stat(ctx, old.Audio); err != nil {
		t.Fatalf("previous audio deleted too early: %v", err)
	}
	stored, err := f.svc.Archive().Manifest(ctx, "a1")
	if err != nil || stored.Key != m.Key {
		t.Fatalf("stored manifest %v, %v", stored, err)
	}
	// A forced refresh of an unchanged article synthesises nothing.
	calls := f.syn.Calls()
	if _, err := f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true}); err != nil {
		t.Fatal(err)
	}
	if f.syn.Calls() != calls {
		t.Fatalf("unchanged article re-synthesised: %d calls, was %d", f.syn.Calls(), calls)
	}
}

func TestListenersGetPreviousAudioDuringRerender(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.src.set("a1", "<p>Une version corrigée.</p>")
	f.advance(time.Hour)
	m, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Key != old.Key {
		t.Fatal("listener waited for the new render instead of getting the previous audio")
	}
	if err := f.svc.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	m, err = f.svc.Archive().Manifest(ctx, "a1")
	if err != nil || m.Key == old.Key {
		t.Fatalf("background render did not store the new audio: %v", err)
	}
}

func TestEngineFailureStoresNothing(t *testing.T) {
	f := newFixture(t)
	f.syn.Fail = func(text string) error {
		if text == "Deuxième phrase !" {
			return &synth.EngineError{Backend: "fake", Stderr: "boom", Err: synth.ErrEngine}
		}
		return nil
	}
	_, err := f.svc.Ensure(context.Background(), "a1", Options{})
	var se *SentenceError
	if !errors.Is(err, synth.ErrEngine) || !errors.As(err, &se) || se.Index != 4 {
		t.Fatalf("got %v, want an engine error on sentence 4", err)
	}
	if _, err := f.svc.Archive().Manifest(context.Background(), "a1"); !errors.Is(err, ErrNotRendered) {
		t.Fatalf("manifest after failed render: %v", err)
	}
}

// stalling is a backend that refuses one text and holds every other one
// until its render is cancelled: the refusal then comes while the other
// sentences are in flight, as with Polly.
type stalling struct {
	refuse  string
	waiting chan struct{} // one send per text held
}

func (s *stalling) Synthesize(ctx context.Context, text string) (audio.Clip, error) {
	if strings.Contains(text, s.refuse) {
		// Refused once the others are held, so their cancellations race
		// the refusal.
		for range 3 {
			<-s.waiting
		}
		return audio.Clip{}, &synth.EngineError{Backend: "stalling", Stderr: "refused", Err: synth.ErrEngine}
	}
	s.waiting <- struct{}{}
	<-ctx.Done()
	return audio.Clip{}, fmt.Errorf("stalling: %w", ctx.Err())
}

func (s *stalling) Name() string        { return "stalling" }
func (s *stalling) Fingerprint() string { return "stalling" }

// A render fails with the refusal that stopped it, never with the
// cancellation of the sentences it stopped: that is what tells the API to
// answer 503 engine_failed rather than 500.
func TestFailureNotMaskedByCancellations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		refuse string
		index  int
	}{
		{"first sentence refused", "Un titre", 1},
		{"later sentence refused", "Deuxième phrase", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &memSource{articles: map[string]article.Article{}}
			st, err := store.NewDir(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			cfg := DefaultConfig()
			cfg.Parallel = 6
			syn := &stalling{refuse: tc.refuse, waiting: make(chan struct{}, 6)}
			svc := New(src, syn, st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
			// Whether a cancellation could win depends on which goroutine
			// runs first, so the render is tried several times.
			for i := range 20 {
				id := fmt.Sprintf("a%d", i)
				src.set(id, "<p>Première phrase de l'article. Deuxième phrase !</p><h2>Un intertitre</h2><p>Un dernier paragraphe.</p>")
				_, err := svc.Ensure(context.Background(), id, Options{Wait: true})
				var se *SentenceError
				if !errors.Is(err, synth.ErrEngine) || !errors.As(err, &se) || se.Index != tc.index {
					t.Fatalf("render %d: got %v, want the refusal of sentence %d", i, err, tc.index)
				}
				for len(syn.waiting) > 0 {
					<-syn.waiting
				}
			}
		})
	}
}

func TestSourceErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.Ensure(ctx, "nope", Options{}); !errors.Is(err, article.ErrNotFound) {
		t.Fatalf("unknown article: %v", err)
	}
	if _, err := f.svc.Ensure(ctx, "../etc", Options{}); !errors.Is(err, article.ErrInvalidID) {
		t.Fatalf("bad id: %v", err)
	}
	f.src.setFail(fmt.Errorf("down: %w", article.ErrUnavailable))
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); !errors.Is(err, article.ErrUnavailable) {
		t.Fatalf("source down, nothing stored: %v", err)
	}
	f.src.setFail(nil)
	m, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	// With a stored render, a source outage does not take audio down.
	f.src.setFail(fmt.Errorf("down: %w", article.ErrUnavailable))
	f.advance(time.Hour)
	got, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil || got.Key != m.Key {
		t.Fatalf("source down with stored audio: %v, %v", got, err)
	}
}

func TestEmptyArticle(t *testing.T) {
	f := newFixture(t)
	f.src.mu.Lock()
	f.src.articles["empty"] = article.Article{ID: "empty", HTML: "<figure><img src=x></figure>"}
	f.src.mu.Unlock()
	if _, err := f.svc.Ensure(context.Background(), "empty", Options{}); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty article: %v", err)
	}
}

func TestContentKey(t *testing.T) {
	f := newFixture(t)
	a, _ := f.src.Article(context.Background(), "a1")
	base := f.svc.pl.prepare(a)
	if again := f.svc.pl.prepare(a); again.key != base.key {
		t.Fatal("key not stable for the same input")
	}
	changes := map[string]func(c *Config, a *article.Article, voice *string){
		"text":    func(_ *Config, a *article.Article, _ *string) { a.HTML += "<p>Encore.</p>" },
		"title":   func(_ *Config, a *article.Article, _ *string) { a.Title = "Autre" },
		"voice":   func(_ *Config, _ *article.Article, v *string) { *v = "espeak|voice=fr-be" },
		"pause":   func(c *Config, _ *article.Article, _ *string) { c.Pauses.Sentence++ },
		"bitrate": func(c *Config, _ *article.Article, _ *string) { c.Encode.Bitrate = 96 },
		"target":  func(c *Config, _ *article.Article, _ *string) { c.TargetLUFS = -20 },
	}
	for name, change := range changes {
		cfg, art, voice := DefaultConfig(), *a, f.syn.Fingerprint()
		change(&cfg, &art, &voice)
		sc := Narrate(&art, cfg.Rules)
		tags := audio.Tags{Title: art.Title, Artist: art.Author, Album: cfg.SiteName, URL: art.URL}
		if contentKey(cfg, voice, tags, sc, 0) == base.key {
			t.Errorf("changing the %s does not change the key", name)
		}
	}
}

func TestPauses(t *testing.T) {
	p := DefaultPauses()
	cases := []struct {
		prev, next string
		same       bool
		want       time.Duration
	}{
		{"paragraph", "paragraph", true, p.Sentence},
		{"paragraph", "paragraph", false, p.Paragraph},
		{"title", "byline", false, p.Paragraph},
		{"byline", "paragraph", false, p.Title},
		{"title", "paragraph", false, p.Title},
		{"paragraph", "heading", false, p.Heading},
		{"heading", "paragraph", false, p.Heading},
	}
	for _, c := range cases {
		if got := p.between(kind(c.prev), kind(c.next), c.same); got != c.want {
			t.Errorf("between(%s, %s, %v) = %v, want %v", c.prev, c.next, c.same, got, c.want)
		}
	}
	if !(p.Sentence < p.Paragraph && p.Paragraph < p.Heading && p.Heading <= p.Title) {
		t.Fatalf("pauses out of order: %+v", p)
	}
}

func kind(s string) script.Kind { return script.Kind(s) }

func TestWaitCoversTrackedWork(t *testing.T) {
	f := newFixture(t)
	var done atomic.Bool
	f.svc.Track(func() { time.Sleep(30 * time.Millisecond); done.Store(true) })
	if err := f.svc.Wait(context.Background()); err != nil || !done.Load() {
		t.Fatalf("Wait returned (%v) before the tracked work ended", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	block := make(chan struct{}) // work that outlasts the deadline, however slow the machine
	defer close(block)
	f.svc.Track(func() { <-block })
	if err := f.svc.Wait(ctx); err == nil {
		t.Fatal("Wait ignored its deadline")
	}
}

func TestRenderLimit(t *testing.T) {
	f := newFixture(t)
	cfg := f.svc.cfg
	cfg.MaxRenders = 1
	svc := New(f.src, f.syn, f.store, cfg, f.svc.log, nil)
	f.syn.Delay = 50 * time.Millisecond
	f.src.set("a2", "<p>Un autre article.</p>")
	f.src.set("a3", "<p>Un troisième article.</p>")
	ctx := context.Background()
	_, st, err := svc.Listen(ctx, "a1")
	if err != nil || st == nil {
		t.Fatalf("first render: %v", err)
	}
	// The same article joins the running render; another one is refused.
	if _, st2, err := svc.Listen(ctx, "a1"); err != nil || st2 != st {
		t.Fatalf("joining the running render: %v", err)
	}
	if _, _, err := svc.Listen(ctx, "a2"); !errors.Is(err, ErrBusy) {
		t.Fatalf("second article while busy: %v, want ErrBusy", err)
	}
	// A caller that waits anyway (a CMS hook) queues for the slot.
	m, err := svc.Ensure(ctx, "a3", Options{Force: true, Wait: true})
	if err != nil || m == nil {
		t.Fatalf("queued render: %v", err)
	}
	if _, err := io.ReadAll(st.Reader(ctx)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ensure(ctx, "a2", Options{}); err != nil {
		t.Fatalf("after the first render ended: %v", err)
	}
	// A queued caller gives up when its context ends.
	f.src.set("a4", "<p>Encore un article, assez long pour occuper le moteur un moment.</p>")
	f.src.set("a5", "<p>Et un dernier.</p>")
	if _, st, err = svc.Listen(ctx, "a4"); err != nil || st == nil {
		t.Fatalf("render a4: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := svc.Ensure(short, "a5", Options{Force: true, Wait: true}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("queued past its deadline: %v", err)
	}
	if err := svc.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// respelling is a backend that says "Biden" better written "Baïdeune".
type respelling struct{ *synthtest.Fake }

func (respelling) Respell(s string) string { return strings.ReplaceAll(s, "Biden", "Baïdeune") }

// A Respeller's forms are what is synthesised and keyed: an article it
// does not touch keeps the key it has with any engine of that fingerprint,
// one it touches gets another, and the engine reads the respelled text.
func TestRespellerKeysOnlyWhatItChanges(t *testing.T) {
	plain, resp := newFixture(t), newFixture(t)
	resp.svc = New(resp.src, respelling{resp.syn}, resp.store, DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ctx := context.Background()
	for _, f := range []*fixture{plain, resp} {
		f.src.set("biden", "<p>Joe Biden a parlé.</p>")
	}
	keyOf := func(f *fixture, id string) string {
		t.Helper()
		m, err := f.svc.Ensure(ctx, id, Options{Wait: true})
		if err != nil {
			t.Fatal(err)
		}
		return m.Key
	}
	if keyOf(plain, "a1") != keyOf(resp, "a1") {
		t.Error("an article the respelling does not touch changed its content key")
	}
	if keyOf(plain, "biden") == keyOf(resp, "biden") {
		t.Error("an article the respelling changes kept its content key")
	}
	texts := strings.Join(resp.syn.Texts(), "\n")
	if !strings.Contains(texts, "Joe Baïdeune a parlé.") || strings.Contains(texts, "Biden") {
		t.Errorf("the engine read:\n%s", texts)
	}
}

// gatedSource holds the fetch of one article until its gate opens.
type gatedSource struct {
	article.Source
	id   string
	gate chan struct{}
}

func (g gatedSource) Article(ctx context.Context, id string) (*article.Article, error) {
	if id == g.id {
		<-g.gate
	}
	return g.Source.Article(ctx, id)
}

// A caller that gave up leaves its check running, and the check may
// still start a render: Wait (a shutdown) waits for both, so nothing is
// written to the store after it returns.
func TestWaitCoversAbandonedChecks(t *testing.T) {
	f := newFixture(t)
	src := gatedSource{Source: f.src, id: "a1", gate: make(chan struct{})}
	svc := New(src, f.syn, f.store, f.svc.cfg, f.svc.log, nil)
	ctx := context.Background()
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := svc.Ensure(short, "a1", Options{Force: true, Wait: true}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("check held at the source past its deadline: %v", err)
	}
	// The source answers a while after the caller left: Wait must not
	// have returned by then.
	time.AfterFunc(200*time.Millisecond, func() { close(src.gate) })
	if err := svc.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Archive().Manifest(ctx, "a1"); err != nil {
		t.Fatalf("a1 after Wait: %v, want its render stored", err)
	}
}
