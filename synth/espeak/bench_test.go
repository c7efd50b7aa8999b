package espeak

import (
	"context"
	"math"
	"sync"
	"testing"
)

// benchText is a typical news paragraph, about 300 characters.
const benchText = "Le conseil municipal de Lyon a adopté mardi soir un budget de 1,2 milliard d'euros, " +
	"en hausse de 4 % par rapport à l'an dernier. L'opposition dénonce une augmentation des impôts " +
	"locaux, tandis que la majorité met en avant les investissements dans les écoles, les transports " +
	"en commun et la rénovation énergétique des bâtiments publics."

// BenchmarkSynthesize reports x-realtime: seconds of audio produced per
// second of wall time, one process at a time and with all slots busy.
func BenchmarkSynthesize(b *testing.B) {
	b.Run("sequential", func(b *testing.B) {
		e := newEngine(b, Options{})
		var audioSec float64
		for b.Loop() {
			audioSec += speak(b, e, benchText).Seconds()
		}
		reportRealtime(b, audioSec)
	})
	b.Run("parallel", func(b *testing.B) {
		e := newEngine(b, Options{})
		var mu sync.Mutex
		var audioSec float64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			var mine float64
			for pb.Next() {
				clip, err := e.Synthesize(context.Background(), benchText)
				if err != nil {
					b.Error(err)
					return
				}
				mine += clip.Seconds()
			}
			mu.Lock()
			audioSec += mine
			mu.Unlock()
		})
		reportRealtime(b, audioSec)
	})
}

func reportRealtime(b *testing.B, audioSec float64) {
	b.ReportMetric(audioSec/b.Elapsed().Seconds(), "x-realtime")
	b.ReportMetric(float64(len([]rune(benchText)))*float64(b.N)/b.Elapsed().Seconds(), "chars/s")
	b.ReportMetric(math.Round(audioSec/float64(b.N)*100)/100, "audio-s/op")
}
