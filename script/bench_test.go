package script

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// BenchmarkSplit splits the whole ersatz news corpus as one text and reports
// the throughput in characters (runes) per second.
func BenchmarkSplit(b *testing.B) {
	text := strings.Join(readLines(b, "ersatz_wmt20.fr-de.fr"), " ")
	chars := utf8.RuneCountInString(text)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Split(text)
	}
	b.ReportMetric(float64(chars)*float64(b.N)/b.Elapsed().Seconds(), "chars/s")
}

// BenchmarkSpeak gives each corpus sentence its spoken form.
func BenchmarkSpeak(b *testing.B) {
	lines := readLines(b, "ersatz_wmt20.fr-de.fr")
	chars := utf8.RuneCountInString(strings.Join(lines, ""))
	for b.Loop() {
		for _, l := range lines {
			Speak(l)
		}
	}
	b.ReportMetric(float64(chars)*float64(b.N)/b.Elapsed().Seconds(), "chars/s")
}
