package audio

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestDecodeMP3Errors(t *testing.T) {
	if _, err := DecodeMP3(bytes.NewReader(nil)); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: err = %v, want ErrEmpty", err)
	}
	if _, err := DecodeMP3(bytes.NewReader([]byte("ceci n'est pas un mp3, ni un autre format audio connu"))); err == nil {
		t.Error("text decoded as MP3 without error")
	}
}

func TestDecodeMP3LeftChannel(t *testing.T) {
	// 22,050 Hz out checks go-mp3 on MPEG-2; at 48 kbps lame's Info tag
	// does not fit in a frame, so this also covers a stream without one.
	c := sine(22050, 1000, 0.5, 0, time.Second)
	var buf bytes.Buffer
	if _, err := EncodeMP3(&buf, c, EncodeOptions{SampleRate: 22050, Bitrate: 48}, Tags{}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes()[:400], []byte("Info")) {
		t.Error("unexpected Info tag at 48 kbps, 22,050 Hz")
	}
	d, err := DecodeMP3(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if d.Rate != 22050 {
		t.Errorf("rate = %d, want 22050", d.Rate)
	}
	// One mono sample per stereo frame, not two: the length stays near
	// the input's (plus lame's delay, padding and Info frame).
	if extra := len(d.Samples) - len(c.Samples); extra < 0 || extra > 3*1152 {
		t.Errorf("decoded %d samples for %d", len(d.Samples), len(c.Samples))
	}
}
