package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ecouter/internal/testwait"
	"ecouter/store"
)

// TestServeCollectsEveryInterval: ecouter serve collects its store every
// ECOUTER_GC_INTERVAL with no render asking for it. A superseded MP3 goes
// ECOUTER_KEEP_PREVIOUS after its replacement, and sentences another node
// cached in the shared store are trimmed to ECOUTER_SENTENCE_CACHE_MAX.
// (ECOUTER_GC_INTERVAL did nothing from the cluster work until issue 20:
// no loop called the periodic collection.)
func TestServeCollectsEveryInterval(t *testing.T) {
	const keep = 5 * time.Second
	const cacheMax = 4_000_000
	dir, st := articleDir(t), t.TempDir()
	p := startProc(t, []string{"ECOUTER_ARTICLES=dir:" + dir, "ECOUTER_STORE=" + st, "ECOUTER_NATS_DIR=" + t.TempDir(),
		"ECOUTER_API_KEY=" + testKey, "ECOUTER_GC_INTERVAL=1s", "ECOUTER_KEEP_PREVIOUS=" + keep.String(),
		fmt.Sprint("ECOUTER_SENTENCE_CACHE_MAX=", cacheMax)})
	mp3s := func() []string {
		m, _ := filepath.Glob(filepath.Join(st, "articles", "autre", "*.mp3"))
		return m
	}
	if res, body := get(t, p.base+"/v1/articles/autre/audio.mp3"); res.StatusCode != 200 {
		t.Fatalf("first render: %d %s\n%s", res.StatusCode, body, p.log)
	}
	first := mp3s()
	if len(first) != 1 {
		t.Fatalf("%d MP3s after the first render, want 1", len(first))
	}
	edited := `{"title": "Un second article", "text": "Une phrase changée.\n\nEt un deuxième paragraphe."}`
	if err := os.WriteFile(filepath.Join(dir, "autre.json"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, body := do(t, "POST", p.base+"/v1/articles/autre/render?wait=1", "Authorization", "Bearer "+testKey); res.StatusCode != 200 {
		t.Fatalf("render after the edit: %d %s\n%s", res.StatusCode, body, p.log)
	}
	both := mp3s()
	if len(both) != 2 || !slices.Contains(both, first[0]) {
		t.Fatalf("MP3s after the edit: %v, want the new one beside %s (kept for ECOUTER_KEEP_PREVIOUS)", both, first[0])
	}
	current := both[0]
	if current == first[0] {
		current = both[1]
	}
	fi, err := os.Stat(current)
	if err != nil {
		t.Fatal(err)
	}
	replaced := fi.ModTime()

	// Another node sharing the store caches sentences of its own, which
	// this node's renders never counted: only a whole collection sees them.
	shared, err := store.NewDir(st)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		key := fmt.Sprintf("sentences/zz/ailleurs%d.wav", i)
		if err := shared.Put(context.Background(), key, bytes.NewReader(make([]byte, cacheMax/2))); err != nil {
			t.Fatal(err)
		}
	}
	cacheBefore := sentenceBytes(t, st)
	if cacheBefore <= cacheMax {
		t.Fatalf("the sentence cache holds %d bytes, want more than its cap %d for the test", cacheBefore, cacheMax)
	}

	// No render from here on: only the periodic collection removes.
	testwait.Eventually(t, func() bool {
		_, err := os.Stat(first[0])
		return os.IsNotExist(err)
	}, "the superseded MP3 removed:\n%s", p.log)
	gone := time.Since(replaced)
	testwait.Eventually(t, func() bool { return sentenceBytes(t, st) <= cacheMax }, "the sentence cache under its cap:\n%s", p.log)
	cacheAfter := sentenceBytes(t, st)
	if gone < keep {
		t.Errorf("the superseded MP3 went %v after its replacement, before ECOUTER_KEEP_PREVIOUS (%v)", gone, keep)
	}
	if m := mp3s(); len(m) != 1 || m[0] != current {
		t.Errorf("MP3s after the collection: %v, want the current %s alone", m, current)
	}
	if res, _ := get(t, p.base+"/v1/articles/autre/audio.mp3"); res.StatusCode != 200 {
		t.Errorf("the current audio after the collection: %d", res.StatusCode)
	}
	t.Logf("superseded MP3 removed %.1f s after its replacement (ECOUTER_KEEP_PREVIOUS=%v, ECOUTER_GC_INTERVAL=1s); "+
		"sentence cache %d bytes before, %d after (ECOUTER_SENTENCE_CACHE_MAX=%d)",
		gone.Seconds(), keep, cacheBefore, cacheAfter, cacheMax)
}

// sentenceBytes is the size of a folder store's sentence cache.
func sentenceBytes(t *testing.T, st string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(filepath.Join(st, "sentences"), func(_ string, e os.DirEntry, err error) error {
		switch {
		case os.IsNotExist(err): // removed while walked
			return nil
		case err != nil || e.IsDir() || strings.HasPrefix(e.Name(), "."): // a write in progress
			return err
		}
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
