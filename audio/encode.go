package audio

import (
	"errors"
	"fmt"
	"io"
	"slices"
)

// EncodeOptions selects the MP3 produced by Encoder and EncodeMP3. Zero
// fields take the defaults, chosen for speech podcasts; so lame's -q 0 and
// -V 0 cannot be asked for, which costs nothing audible for speech.
type EncodeOptions struct {
	Bitrate    int  // CBR kbps; default 64. Ignored with VBR.
	SampleRate int  // output Hz, lame resamples; default 44,100
	VBR        bool // variable bitrate (lame's default VBR mode)
	VBRQuality int  // 0 (best) to 9; default 4. Only with VBR.
	Quality    int  // lame -q algorithm quality 0 (best) to 9; default 3 like the lame CLI
}

// Default encoding settings.
const (
	DefaultBitrate    = 64
	DefaultSampleRate = 44100
	DefaultVBRQuality = 4
	DefaultQuality    = 3
)

// mp3Rates are the output rates MPEG-1, 2 and 2.5 layer III can carry.
var mp3Rates = []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}

func (o EncodeOptions) withDefaults() EncodeOptions {
	if o.Bitrate == 0 {
		o.Bitrate = DefaultBitrate
	}
	if o.SampleRate == 0 {
		o.SampleRate = DefaultSampleRate
	}
	if o.VBRQuality == 0 {
		o.VBRQuality = DefaultVBRQuality
	}
	if o.Quality == 0 {
		o.Quality = DefaultQuality
	}
	return o
}

// Validate checks the options, their zero fields taking the defaults.
func (o EncodeOptions) Validate() error { return o.withDefaults().validate() }

func (o EncodeOptions) validate() error {
	switch {
	case !slices.Contains(mp3Rates, o.SampleRate):
		return fmt.Errorf("%w: %d Hz is not an MP3 rate", ErrRate, o.SampleRate)
	case o.Bitrate < 8 || o.Bitrate > 320:
		return fmt.Errorf("%w: bitrate %d kbps", ErrUnsupported, o.Bitrate)
	case o.VBRQuality < 0 || o.VBRQuality > 9, o.Quality < 0 || o.Quality > 9:
		return fmt.Errorf("%w: quality out of 0-9", ErrUnsupported)
	}
	return nil
}

// EncodeMP3 writes c to w as an MP3 file: an ID3v2.4 tag (see WriteTags),
// then the frames, the first of which is lame's final Xing/Info frame so
// players show the true duration and can seek (lame omits it at bitrates
// too low for it to fit in a frame). The frames are buffered in
// memory (64 kbps is 8 KB per second) so w need not seek. An empty clip is
// an error (ErrEmpty): a valid MP3 needs at least one audio frame and an
// empty article is a bug upstream. It returns the bytes written.
func EncodeMP3(w io.Writer, c Clip, opt EncodeOptions, tags Tags) (int64, error) {
	if len(c.Samples) == 0 {
		return 0, fmt.Errorf("encode mp3: %w", ErrEmpty)
	}
	e, err := NewEncoder(c.Rate, opt)
	if err != nil {
		return 0, fmt.Errorf("encode mp3: %w", err)
	}
	defer e.Close()
	frames, err := e.Encode(c.Samples)
	if err != nil {
		return 0, err
	}
	tail, err := e.Flush()
	if err != nil {
		return 0, err
	}
	frames = append(frames, tail...)
	// lame skips the tag frame when it cannot fit in one frame at the
	// chosen bitrate (e.g. 48 kbps at 22,050 Hz); then there is no
	// placeholder either and the frames are written as they are.
	if tag := e.LameTag(); len(tag) > 0 {
		// The placeholder has the final frame's size; anything else means
		// the stream is not what lame promised.
		if len(tag) > len(frames) || frames[0] != 0xFF {
			return 0, errors.New("encode mp3: no placeholder frame for the Xing/Info tag")
		}
		copy(frames, tag)
	}

	n, err := WriteTags(w, tags, c.Duration())
	if err != nil {
		return n, fmt.Errorf("encode mp3: %w", err)
	}
	m, err := w.Write(frames)
	n += int64(m)
	if err != nil {
		return n, fmt.Errorf("encode mp3: write frames: %w", err)
	}
	return n, nil
}
