package segment

import (
	"bytes"
	"testing"
	"time"

	"ecouter/audio"
	"ecouter/audio/audiotest"
)

// The encoder cuts the article into segments at sentence pauses, the
// first one short so that listening starts early.
func TestEncoderSegments(t *testing.T) {
	var e Encoder
	if err := e.Start(Config{Rate: 22050, Parallel: 2, Out: &memOut{}}); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	sentence := speech(1440*time.Millisecond, 22050, 1) // 1.64 s
	for i := range 10 {
		e.Add(sentence)
		e.Silence(300 * time.Millisecond)
		if i < 9 {
			e.Boundary()
		}
		e.Silence(300 * time.Millisecond)
	}
	if _, _, err := e.Finish(audio.Tags{}); err != nil {
		t.Fatal(err)
	}
	// A sentence and its pauses last about 2.2 s: the first sentence
	// alone, then 4 per segment of at least 8 s, then the last one.
	if e.segments != 4 {
		t.Fatalf("%d segments, want 4", e.segments)
	}
}

// Within a long sentence (one piece here), segments are cut at MaxSegment.
func TestEncoderCutsLongSentences(t *testing.T) {
	var e Encoder
	if err := e.Start(Config{Rate: 22050, Parallel: 2, Out: &memOut{}}); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.Add(speech(35*time.Second, 22050, 1))
	if _, _, err := e.Finish(audio.Tags{}); err != nil {
		t.Fatal(err)
	}
	if want := 4; e.segments != want {
		t.Fatalf("%d segments of a 35-second sentence, want %d (at most %v each)", e.segments, want, MaxSegment)
	}
}

// The frames reach the output as they are joined, Wrote is told with the
// stream's tag each time, and the finished file is the final tag, then
// the frames written with the Info frame in place of the first: one MP3
// that decodes to the audio's length.
func TestEncoderOutputAndFile(t *testing.T) {
	out := &memOut{}
	var heads, writes int
	var head []byte
	var e Encoder
	c := Config{Rate: 22050, Parallel: 2, Out: out, Tags: audio.Tags{Title: "streamed"},
		Wrote: func(h []byte) { writes++; head = h }}
	if err := e.Start(c); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for i := range 12 {
		e.Add(speech(1500*time.Millisecond, 22050, i))
		e.Silence(400 * time.Millisecond)
		e.Boundary()
		e.Silence(400 * time.Millisecond)
	}
	file, size, err := e.Finish(audio.Tags{Title: "stored"})
	if err != nil {
		t.Fatal(err)
	}
	if writes == 0 || !bytes.HasPrefix(head, []byte("ID3")) {
		t.Fatalf("Wrote called %d times, head %q", writes, head[:min(3, len(head))])
	}
	heads = len(head)
	var b bytes.Buffer
	if _, err := b.ReadFrom(file); err != nil || int64(b.Len()) != size {
		t.Fatalf("read %d bytes of %d: %v", b.Len(), size, err)
	}
	stored := b.Bytes()
	frames := out.b
	// Same frames after the first (the placeholder, now the Info frame).
	tail := len(frames) - len(e.first.Placeholder)
	if !bytes.Equal(stored[len(stored)-tail:], frames[len(frames)-tail:]) {
		t.Fatal("the stored file's frames are not those streamed")
	}
	if heads == 0 || int64(len(stored))-int64(len(frames)) != e.headBytes {
		t.Fatalf("stored file %d bytes, frames %d, its tag %d", len(stored), len(frames), e.headBytes)
	}
	// ffmpeg reads the Info frame's delay and padding: the exact length.
	audiotest.MP3Val(t, stored)
	pcm := audiotest.Decode(t, stored, "-ar", "44100")
	if d := float64(len(pcm))/44100 - e.Seconds(); d < -1152.0/44100 || d > 1152.0/44100 {
		t.Errorf("decodes to %.4fs, %.4fs added", float64(len(pcm))/44100, e.Seconds())
	}
	if e.SpentSeconds() <= 0 {
		t.Error("no time spent encoding")
	}
}

// Invalid settings or rates are refused at Start.
func TestEncoderStartRefuses(t *testing.T) {
	var e Encoder
	if err := e.Start(Config{Rate: 0, Out: &memOut{}}); err == nil {
		t.Error("rate 0 accepted")
	}
	if err := e.Start(Config{Rate: 22050, Encode: audio.EncodeOptions{Bitrate: 7}, Out: &memOut{}}); err == nil {
		t.Error("7 kbps accepted")
	}
}
