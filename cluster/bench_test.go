package cluster

import (
	"context"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkEmbeddedStart is what the single-node default costs at start:
// the embedded server with its JetStream store, the connection, the
// scheduler's and the queue's streams and buckets; and the Go heap it
// holds once running.
//
//	go test -run '^$' -bench EmbeddedStart -benchtime 10x ./cluster/
func BenchmarkEmbeddedStart(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	var heap float64
	var took time.Duration
	for i := range b.N {
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		n, err := Start(ctx, Config{Dir: filepath.Join(dir, strconv.Itoa(i))}, quiet)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := NewScheduler(ctx, n, 4, quiet); err != nil {
			b.Fatal(err)
		}
		if _, err := NewQueue(ctx, n, QueueConfig{}, quiet); err != nil {
			b.Fatal(err)
		}
		took += time.Since(start)
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap += float64(after.HeapInuse) - float64(before.HeapInuse)
		n.Close()
	}
	b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "start-ms")
	b.ReportMetric(heap/float64(b.N)/(1<<20), "heap-MB")
}
