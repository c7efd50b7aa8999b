// Package segment encodes an article's PCM into one MP3 stream, segment
// by segment on every core, on a frame grid that lets the next render of
// the article take the frames of every run of sentences it has unchanged
// (frame reuse) instead of encoding them again. It knows audio and
// nothing of the store, manifests or the pipeline: those pass in plain
// values and funcs.
package segment

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"ecouter/audio"
)

// Segments: the article's audio is cut into segments, at sentence pauses
// (and within a sentence longer than MaxSegment), each encoded by its own
// lame instance as soon as it is complete, several at once, and joined in
// order into one stream (audio.Joiner), which goes to the output as it
// grows. The first segment is the first sentence alone, so listening
// starts as soon as it is encoded.
const (
	// MinSegment is the shortest segment after the first: long enough
	// that the context each encoder is given costs little.
	MinSegment = 8 * time.Second
	// MaxSegment bounds the PCM a segment holds (a few are in memory at
	// once: being encoded, or waiting for the joiner).
	MaxSegment = 10 * time.Second
)

// Output is where the joined frames go, in order, and are read back from
// (the stored file, the index's checksums).
type Output interface {
	io.Writer
	io.ReaderAt
}

// Config is what an Encoder is started with.
type Config struct {
	Rate     int // input samples per second
	Encode   audio.EncodeOptions
	Tags     audio.Tags // the stream's ID3 tag, without the length
	Parallel int        // segments encoded at once
	Out      Output
	// Wrote, if set, is called after frames are written to Out, with the
	// stream's ID3 tag: listeners can read them.
	Wrote func(head []byte)
	// Excerpt is how much of the article's start is kept (Excerpt).
	Excerpt time.Duration
}

// Encoder turns the article's PCM into MP3 as it grows: samples are cut
// into segments, encoded in parallel, and the joined frames go to the
// output.
//
// Memory stays bounded whatever the article's length: samples are dropped
// once given to a segment, at most a few segments are encoded at once,
// frames are in the output; the whole article's loudness is measured as
// it goes and only its first seconds are kept (the excerpt).
type Encoder struct {
	opt     audio.EncodeOptions
	out     Output
	wrote   func(head []byte)
	written int64 // bytes written to out (by the joiner)
	rate    int
	pcm     []float32 // samples from base on
	base    int       // index in the article of pcm[0]
	total   int       // samples added so far
	meter   *audio.Meter
	keep    int       // samples of the excerpt to keep
	excerpt []float32 // the article's first keep samples
	header  []byte    // the stream's ID3 tag, sent with the first frames

	gridIn, gridFrames int // cuts fall every gridFrames frames, gridIn input samples
	context            int // frames of context each encoder is given, a whole number of steps
	delayIn            int // lame's delay (encoder and decoder), input samples
	segStart           int // frame where the open segment starts
	cut                int // frame where it ends once its context is added; 0: none yet
	segments           int // segments started

	slots   chan struct{}           // segments being encoded
	results chan chan segmentResult // in order, to the joiner
	joined  chan struct{}           // closed when the joiner is done
	joiner  audio.Joiner
	first   audio.SegmentMP3 // its Info frame is the stream's template
	err     error            // the joiner's; read after joined is closed

	// Runs (see runs.go): the runs whose first segment is yet to be
	// dispatched, told to the joiner with it; gap: runs were reused, so the
	// excerpt stops where the first of them starts.
	marks     []*Run
	gap       bool
	headBytes int64 // the stored file's ID3 tag, before the frames

	mu            sync.Mutex
	encodeSeconds float64
}

// lameDelay is lame's encoder delay plus the decoder's, in output samples:
// where a frame boundary lands in the input.
const lameDelay = 576 + 529

// Start prepares the encoding and the stream's ID3 tag (without the
// length, unknown yet).
func (e *Encoder) Start(c Config) error {
	if err := c.Encode.Validate(); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if c.Rate <= 0 {
		return fmt.Errorf("encode: %w: input %d Hz", audio.ErrRate, c.Rate)
	}
	e.opt, e.rate, e.meter = c.Encode, c.Rate, audio.NewMeter(c.Rate)
	e.out, e.wrote = c.Out, c.Wrote
	e.keep = int(c.Excerpt.Seconds()) * c.Rate
	e.gridIn, e.gridFrames = audio.SegmentGrid(c.Rate, c.Encode)
	e.context = (audio.SegmentContext + e.gridFrames - 1) / e.gridFrames * e.gridFrames
	out := c.Encode.SampleRate
	if out == 0 {
		out = audio.DefaultSampleRate
	}
	e.delayIn = lameDelay * c.Rate / out
	var b bytes.Buffer
	if _, err := audio.WriteTags(&b, c.Tags, 0); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	e.header = b.Bytes()
	e.slots = make(chan struct{}, max(1, c.Parallel))
	// One segment handed over ahead of the joiner: more would only hold
	// PCM in memory.
	e.results = make(chan chan segmentResult, 1)
	e.joined = make(chan struct{})
	go e.join(e.results)
	return nil
}

// Silence adds d of silence.
func (e *Encoder) Silence(d time.Duration) {
	e.Add(make([]float32, int(d.Seconds()*float64(e.rate))))
}

// Add appends samples, a second at a time, so that a segment is cut
// within a long sentence piece and the PCM held stays about MaxSegment.
func (e *Encoder) Add(samples []float32) { e.feed(samples, true) }

// feed is Add, measuring the loudness of the samples or not.
func (e *Encoder) feed(samples []float32, metered bool) {
	for len(samples) > 0 {
		n := min(len(samples), e.rate)
		chunk := samples[:n]
		samples = samples[n:]
		e.pcm = append(e.pcm, chunk...)
		e.total += n
		if metered {
			e.meter.Add(chunk)
		}
		if keep := e.keep - len(e.excerpt); keep > 0 && !e.gap {
			e.excerpt = append(e.excerpt, chunk[:min(keep, n)]...)
		}
		if e.cut == 0 && e.total-e.at(e.segStart) >= int(MaxSegment.Seconds())*e.rate {
			e.Boundary()
		}
		e.dispatch()
	}
}

// Rate is the input rate.
func (e *Encoder) Rate() int { return e.rate }

// Seconds is the audio added so far.
func (e *Encoder) Seconds() float64 { return float64(e.total) / float64(e.rate) }

// Loudness is the integrated loudness of the audio added so far, reused
// runs included.
func (e *Encoder) Loudness() float64 { return e.meter.Loudness() }

// Excerpt is the article's first Config.Excerpt of audio, nil if frames
// were reused (it would stop where they start).
func (e *Encoder) Excerpt() audio.Clip {
	c := audio.Clip{Rate: e.rate, Samples: e.excerpt}
	if e.gap {
		c.Samples = nil
	}
	return c
}

// at is the input sample where frame f starts, f a multiple of gridFrames
// (or 0).
func (e *Encoder) at(f int) int { return f / e.gridFrames * e.gridIn }

// Boundary marks the current position (a sentence pause) as a place to
// cut: the segment ends there if it is long enough.
func (e *Encoder) Boundary() {
	if e.cut != 0 {
		return
	}
	f := (e.total + e.delayIn + e.gridIn/2) / e.gridIn * e.gridFrames
	minIn := 1
	if e.segments > 0 {
		minIn = int(MinSegment.Seconds()) * e.rate
	}
	if f > e.segStart && e.at(f)-e.at(e.segStart) >= minIn {
		e.cut = f
	}
}

// dispatch starts encoding the open segment once the audio after its end
// that its encoder is given is there.
func (e *Encoder) dispatch() {
	if e.cut == 0 || e.total < e.at(e.cut+e.context) {
		return
	}
	e.encodeSegment(e.cut-e.segStart, e.at(e.cut+e.context))
	e.segStart, e.cut = e.cut, 0
	// Keep what the next segment's encoder is given before it.
	drop := e.at(max(0, e.segStart-e.context)) - e.base
	if drop > 0 {
		e.pcm = append(e.pcm[:0], e.pcm[drop:]...)
		e.base += drop
	}
}

// encodeSegment encodes frames from segStart (keep of them, <0: to the
// end) from the samples up to end, on a goroutine of its own once a slot
// is free; its result goes to the joiner in order.
func (e *Encoder) encodeSegment(keep, end int) {
	from := max(0, e.segStart-e.context)
	in := audio.Segment{
		Rate: e.rate,
		PCM:  append([]float32(nil), e.pcm[e.at(from)-e.base:min(end, e.total)-e.base]...),
		Lead: e.segStart - from, Keep: keep,
	}
	e.segments++
	mark := e.markAt(e.segStart)
	res := make(chan segmentResult, 1)
	e.slots <- struct{}{}
	e.results <- res
	go func() {
		defer func() { <-e.slots }()
		t := time.Now()
		seg, err := audio.EncodeSegment(in, e.opt)
		e.spent(t)
		res <- segmentResult{seg: seg, in: in, err: err, mark: mark}
	}()
}

func (e *Encoder) spent(t time.Time) {
	e.mu.Lock()
	e.encodeSeconds += time.Since(t).Seconds()
	e.mu.Unlock()
}

// wait encodes the last segment and waits for every frame to be written.
func (e *Encoder) wait() error {
	if e.results == nil {
		return errors.New("encode: nothing to encode")
	}
	e.encodeSegment(-1, e.total)
	close(e.results)
	e.results = nil
	<-e.joined
	if e.err != nil {
		return fmt.Errorf("encode: %w", e.err)
	}
	return nil
}

// Finish returns the file to store, read from the output: the final tags,
// then the same frames as streamed with the first one (lame's
// placeholder) replaced by the Info header, which needs the whole length.
func (e *Encoder) Finish(tags audio.Tags) (io.Reader, int64, error) {
	if err := e.wait(); err != nil {
		return nil, 0, err
	}
	size := e.written
	out := e.opt.SampleRate
	if out == 0 {
		out = audio.DefaultSampleRate
	}
	tag, err := e.joiner.InfoTag(e.first.Tag, e.first.Delay, int(int64(e.total)*int64(out)/int64(e.rate)))
	if err != nil {
		return nil, 0, fmt.Errorf("encode: %w", err)
	}
	if len(tag) != len(e.first.Placeholder) {
		return nil, 0, fmt.Errorf("encode: no placeholder frame for the Info header")
	}
	var head bytes.Buffer
	if _, err := audio.WriteTags(&head, tags, time.Duration(e.Seconds()*float64(time.Second))); err != nil {
		return nil, 0, fmt.Errorf("encode: %w", err)
	}
	e.headBytes = int64(head.Len())
	rest := io.NewSectionReader(e.out, int64(len(tag)), size-int64(len(tag)))
	file := io.MultiReader(&head, bytes.NewReader(tag), rest)
	return file, int64(head.Len()) + size, nil
}

// SpentSeconds is the time spent encoding, on all cores.
func (e *Encoder) SpentSeconds() float64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.encodeSeconds
}

// Close waits for the encoders; the output is the caller's to release.
func (e *Encoder) Close() {
	if e.results != nil {
		close(e.results)
		e.results = nil
		<-e.joined
	}
}
