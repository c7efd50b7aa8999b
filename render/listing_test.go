package render

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ecouter/store"
	"ecouter/transcript"
)

// countingStore counts the reads a listing could make per article.
type countingStore struct {
	store.Store
	opens, stats atomic.Int64
}

func (c *countingStore) Open(ctx context.Context, key string) (store.Blob, error) {
	c.opens.Add(1)
	return c.Store.Open(ctx, key)
}

func (c *countingStore) Stat(ctx context.Context, key string) (store.Info, error) {
	c.stats.Add(1)
	return c.Store.Stat(ctx, key)
}

func (c *countingStore) reset() { c.opens.Store(0); c.stats.Store(0) }

// A listing reads only the manifests changed since the last one, and
// still sees every change: an edit, audio gone, a withdrawal, a render
// by another process on the same store.
func TestListingReadsOnlyChangedManifests(t *testing.T) {
	for name, newStore := range testStores {
		t.Run(name, func(t *testing.T) {
			st := &countingStore{Store: newStore(t)}
			svc, src, _ := gcService(t, st, DefaultConfig())
			ctx := context.Background()
			ids := []string{"a1", "a2", "a3", "a4"}
			for _, id := range ids {
				src.set(id, "<p>Le texte de l'article "+id+".</p>")
				if _, err := svc.Ensure(ctx, id, Options{Wait: true}); err != nil {
					t.Fatal(err)
				}
			}
			if err := svc.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			list := func() map[string]*Manifest {
				t.Helper()
				l, err := svc.Archive().List(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.IsSortedFunc(l, func(a, b *Manifest) int { return b.RenderedAt.Compare(a.RenderedAt) }) {
					t.Fatal("not newest render first")
				}
				out := map[string]*Manifest{}
				for _, m := range l {
					out[m.ID] = m
				}
				return out
			}
			first := list()
			if len(first) != 4 {
				t.Fatalf("listed %d articles, want 4", len(first))
			}
			st.reset()
			again := list()
			if n, s := st.opens.Load(), st.stats.Load(); n != 0 || s != 0 || len(again) != 4 {
				t.Fatalf("an unchanged store listed again: %d manifests read, %d stats, %d articles; want 0, 0, 4", n, s, len(again))
			}

			// An edit: that manifest alone is read again.
			src.set("a2", "<p>Le texte corrigé de l'article a2.</p>")
			edited, err := svc.Ensure(ctx, "a2", Options{Force: true, Wait: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			st.reset()
			got := list()
			if got["a2"].Key != edited.Key || got["a2"].Key == first["a2"].Key {
				t.Fatal("the listing kept the manifest from before the edit")
			}
			if n := st.opens.Load(); n != 1 {
				t.Fatalf("%d manifests read after one edit, want 1", n)
			}

			// Audio gone (lost, or removed by hand): no render to list.
			if err := st.Delete(ctx, first["a3"].Audio); err != nil {
				t.Fatal(err)
			}
			if got := list(); got["a3"] != nil || len(got) != 3 {
				t.Fatalf("listed %v after a3's audio was removed", keys(got))
			}

			// A withdrawal.
			if err := svc.Archive().Withdraw(ctx, "a4", "retracted"); err != nil {
				t.Fatal(err)
			}
			if got := list(); got["a4"] != nil || len(got) != 2 {
				t.Fatalf("listed %v after a4 was withdrawn", keys(got))
			}

			// Another process renders on the same store, within the same
			// second as the last listing: the S3 listing's time is in
			// whole seconds, so the size or the ETag must tell.
			other, osrc, _ := gcService(t, st, DefaultConfig())
			osrc.set("a1", "<p>Le texte de l'article a1, mis à jour ailleurs.</p>")
			list()
			m, err := other.Ensure(ctx, "a1", Options{Force: true, Wait: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := list(); got["a1"].Key != m.Key {
				t.Fatal("a render by another process was not listed")
			}
			if err := other.Wait(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func keys(m map[string]*Manifest) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// BenchmarkListing lists a store of 200 rendered articles as the feed does
// every 5 s: "all" reads every manifest, as every listing did before;
// "changed" is a listing after an earlier one, nothing changed since.
//
//	go test -run '^$' -bench Listing ./render/
func BenchmarkListing(b *testing.B) {
	for _, name := range []string{"dir", "s3"} {
		st := testStores[name](b)
		rec := newRecords(st)
		ctx := context.Background()
		for i := range 200 {
			id := fmt.Sprintf("article-%03d", i)
			m := &Manifest{ID: id, Key: fmt.Sprintf("%016x", i), RenderedAt: time.Now(), Cues: make([]transcript.Cue, 100)}
			m.Audio = audioKey(id, m.Key)
			for k := range m.Cues {
				m.Cues[k] = transcript.Cue{Block: k, Kind: "paragraph", Text: "Une phrase de l'article, d'une longueur ordinaire.", Start: float64(k), End: float64(k) + 0.9}
			}
			if err := st.Put(ctx, m.Audio, strings.NewReader("ID3")); err != nil {
				b.Fatal(err)
			}
			if err := rec.putManifest(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
		for _, mode := range []string{"all", "changed"} {
			b.Run(name+"/"+mode, func(b *testing.B) {
				l := newListing(rec)
				for b.Loop() {
					if mode == "all" {
						l = newListing(rec)
					}
					list, err := l.manifests(ctx)
					if err != nil || len(list) != 200 {
						b.Fatalf("%d manifests, %v", len(list), err)
					}
				}
			})
		}
	}
}
