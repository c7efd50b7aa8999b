package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"ecouter/article"
	"ecouter/store"
	"ecouter/store/s3test"
	"ecouter/synth/synthtest"
)

// Collection runs the same on both stores.
// testStores make an empty store of each kind, for tests run on both.
var testStores = map[string]func(t testing.TB) store.Store{"dir": newDirStore, "s3": newS3Store}

func newDirStore(t testing.TB) store.Store {
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestCollection(t *testing.T) {
	for name, newStore := range testStores {
		t.Run(name+"/KeepPrevious", func(t *testing.T) { keepPrevious(t, newStore(t)) })
		t.Run(name+"/SentenceCacheCap", func(t *testing.T) { sentenceCacheCap(t, newStore(t)) })
	}
}

func newS3Store(t testing.TB) store.Store {
	s3test.Start(t).SetEnv(t)
	ctx := context.Background()
	client, err := store.S3Client(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("ecouter-gc")}); err != nil {
		t.Fatal(err)
	}
	st, err := store.NewS3(ctx, client, "ecouter-gc", "site")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// gcService is a Service on st whose clock runs with real time (the
// store's times are real) plus what the test adds to skew.
func gcService(t *testing.T, st store.Store, cfg Config) (*Service, *memSource, *atomic.Int64) {
	t.Helper()
	src := &memSource{articles: map[string]article.Article{}}
	svc := New(src, &synthtest.Fake{PerChar: 10 * time.Millisecond}, st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	skew := &atomic.Int64{}
	svc.now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	return svc, src, skew
}

// A superseded MP3 survives until KeepPrevious after its replacement was
// stored, then goes (the manifest is left as it is); the current
// audio is never removed; stray MP3s go too.
func keepPrevious(t *testing.T, st store.Store) {
	cfg := DefaultConfig()
	cfg.KeepPrevious = time.Hour
	svc, src, skew := gcService(t, st, cfg)
	ctx := context.Background()
	src.set("a1", "<p>Première version de l'article.</p>")
	v1, err := svc.Ensure(ctx, "a1", Options{Force: true, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	src.set("a1", "<p>Deuxième version de l'article.</p>")
	v2, err := svc.Ensure(ctx, "a1", Options{Force: true, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Wait(ctx); err != nil { // the collection after the render
		t.Fatal(err)
	}
	if v2.Previous != v1.Audio {
		t.Fatalf("new manifest's previous %q, want %q", v2.Previous, v1.Audio)
	}
	if _, err := st.Stat(ctx, v1.Audio); err != nil {
		t.Fatalf("previous audio removed before KeepPrevious: %v", err)
	}
	if err := st.Put(ctx, "articles/a1/stray.mp3", strings.NewReader("not a render")); err != nil {
		t.Fatal(err)
	}

	skew.Store(int64(59 * time.Minute))
	dry, err := svc.Archive().Collect(ctx, true)
	if err != nil || len(dry.Removed) != 0 {
		t.Fatalf("within KeepPrevious: %+v, %v", dry.Removed, err)
	}
	skew.Store(int64(61 * time.Minute))
	dry, err = svc.Archive().Collect(ctx, true)
	// The previous audio goes with its segment index.
	if err != nil || len(dry.Removed) != 3 || dry.Freed == 0 {
		t.Fatalf("dry run after KeepPrevious: %+v, %v", dry, err)
	}
	if _, err := st.Stat(ctx, v1.Audio); err != nil {
		t.Fatalf("a dry run removed audio: %v", err)
	}
	before := readStored(t, st, manifestKey("a1"))
	got, err := svc.Archive().Collect(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	// The manifest is not rewritten: another process may have published
	// a newer one since the collection read it.
	if after := readStored(t, st, manifestKey("a1")); !bytes.Equal(after, before) {
		t.Fatal("the collection rewrote the manifest")
	}
	removed := map[string]string{}
	for _, r := range got.Removed {
		removed[r.Key] = r.Reason
	}
	if len(removed) != 3 || removed[v1.Audio] != "superseded" || removed["articles/a1/stray.mp3"] == "" ||
		removed[segmentsKey(v1.Audio)] != "its audio is removed" {
		t.Fatalf("removed %v, want the previous audio, its segment index and the stray file", removed)
	}
	if _, err := st.Stat(ctx, segmentsKey(v2.Audio)); err != nil {
		t.Fatalf("the current render's segment index: %v", err)
	}
	if got.Freed != dry.Freed || got.Bytes[kindAudio] != v2.Size {
		t.Fatalf("freed %d (dry run said %d), audio left %d, want %d", got.Freed, dry.Freed, got.Bytes[kindAudio], v2.Size)
	}
	m, err := svc.Archive().Manifest(ctx, "a1")
	if err != nil || m.Audio != v2.Audio {
		t.Fatalf("manifest after collection: %+v, %v", m, err)
	}
	// Whatever the time, the current render stays.
	skew.Store(int64(1000 * time.Hour))
	if got, err := svc.Archive().Collect(ctx, false); err != nil || len(got.Removed) != 0 {
		t.Fatalf("a later collection removed %+v (%v)", got.Removed, err)
	}
	if b, err := svc.Archive().Open(ctx, m); err != nil {
		t.Fatalf("current audio: %v", err)
	} else {
		b.Close()
	}
}

// The sentence cache stays under its cap, the least recently used going
// first, and no render loses its audio.
func sentenceCacheCap(t *testing.T, st store.Store) {
	const limit = 150_000
	cfg := DefaultConfig()
	cfg.SentenceCacheMax = limit
	svc, src, _ := gcService(t, st, cfg)
	ctx := context.Background()
	for i := range 30 {
		id := fmt.Sprintf("art%02d", i)
		src.set(id, fmt.Sprintf("<p>Article numéro %d, première phrase. Deuxième phrase de l'article %d. Et la troisième, %d.</p>", i, i, i))
		if _, err := svc.Ensure(ctx, id, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := svc.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		if n := cacheBytes(t, st); n > limit {
			t.Fatalf("after %d renders the sentence cache holds %d bytes, cap %d", i+1, n, limit)
		}
	}
	ms, err := svc.Archive().List(ctx)
	if err != nil || len(ms) != 30 {
		t.Fatalf("%d renders listed (%v), want 30", len(ms), err)
	}
	// The newest article's sentences are the most recently used: still
	// cached, so rendering it again costs nothing.
	src.set("art29", "<p>Article numéro 29, première phrase. Deuxième phrase de l'article 29. Et la troisième, 29.</p><p>Ajout.</p>")
	m, err := svc.Ensure(ctx, "art29", Options{Force: true, Wait: true})
	if err != nil || m.Synthesized != 1 {
		t.Fatalf("edited newest article: %d sentences synthesised (%v), want 1", m.Synthesized, err)
	}
}

func cacheBytes(t *testing.T, st store.Store) int64 {
	t.Helper()
	infos, err := st.List(context.Background(), sentencesPrefix)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, in := range infos {
		n += in.Size
	}
	return n
}
