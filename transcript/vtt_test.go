package transcript

import (
	"strings"
	"testing"
)

func TestWriteVTT(t *testing.T) {
	var b strings.Builder
	err := WriteVTT(&b, []Cue{
		{Start: 0.25, End: 1.5, Text: "Le titre"},
		{Start: 2, End: 3725.0004, Text: "A <b> & C --> D\nsuite"},
		{Start: 4, End: 5, Text: "   "},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "WEBVTT\n\n1\n00:00:00.250 --> 00:00:01.500\nLe titre\n\n2\n00:00:02.000 --> 01:02:05.000\nA &lt;b&gt; &amp; C --&gt; D suite\n"
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestTimestamp(t *testing.T) {
	for sec, want := range map[float64]string{0: "00:00:00.000", 59.9996: "00:01:00.000", 61.042: "00:01:01.042", -1: "00:00:00.000"} {
		if got := timestamp(sec); got != want {
			t.Errorf("timestamp(%v) = %s, want %s", sec, got, want)
		}
	}
}
