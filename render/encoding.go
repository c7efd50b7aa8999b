package render

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
// (and within a sentence longer than maxSegment), each encoded by its own
// lame instance as soon as it is complete, several at once, and joined in
// order into one stream (audio.Joiner), which goes to the spool as it
// grows. The first segment is the first sentence alone, so listening
// starts as soon as it is encoded.
const (
	// minSegment is the shortest segment after the first: long enough
	// that the context each encoder is given costs little.
	minSegment = 8 * time.Second
	// maxSegment bounds the PCM a segment holds (a few are in memory at
	// once: being encoded, or waiting for the joiner).
	maxSegment = 10 * time.Second
)

// encoding turns the article's PCM into MP3 as it grows: samples are cut
// into segments, encoded in parallel, and the joined frames go to the
// spool on disk, which the stream's listeners read.
//
// Memory stays bounded whatever the article's length: samples are dropped
// once given to a segment, at most a few segments are encoded at once,
// frames are on disk; the whole article's loudness is measured as it goes
// and only its first seconds are kept (for the encoder calibration).
type encoding struct {
	st      *Stream // may be nil
	opt     audio.EncodeOptions
	sp      *spool
	rate    int
	pcm     []float32 // samples from base on
	base    int       // index in the article of pcm[0]
	total   int       // samples added so far
	meter   *audio.Meter
	excerpt []float32 // the first calibrationExcerpt of the article
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
	marks     []*runRecord
	gap       bool
	headBytes int64 // the stored file's ID3 tag, before the frames

	mu            sync.Mutex
	encodeSeconds float64
}

type segmentResult struct {
	seg audio.SegmentMP3
	in  audio.Segment // to encode again without the reservoir
	err error
	// A reused run's frames are read by load when the joiner gets to them;
	// redo encodes the run again from its sentences if they cannot be
	// read or joined.
	load, redo func() (audio.SegmentMP3, error)
	mark       *runRecord // a run starts with this segment
}

// lameDelay is lame's encoder delay plus the decoder's, in output samples:
// where a frame boundary lands in the input.
const lameDelay = 576 + 529

// start prepares the encoding, the spool and the stream's ID3 tag
// (without the length, unknown yet).
func (e *encoding) start(rate int, opt audio.EncodeOptions, tags audio.Tags, parallel int) error {
	if err := opt.Validate(); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if rate <= 0 {
		return fmt.Errorf("encode: %w: input %d Hz", audio.ErrRate, rate)
	}
	e.opt, e.rate, e.meter = opt, rate, audio.NewMeter(rate)
	e.gridIn, e.gridFrames = audio.SegmentGrid(rate, opt)
	e.context = (audio.SegmentContext + e.gridFrames - 1) / e.gridFrames * e.gridFrames
	out := opt.SampleRate
	if out == 0 {
		out = audio.DefaultSampleRate
	}
	e.delayIn = lameDelay * rate / out
	var err error
	if e.sp, err = newSpool(); err != nil {
		return err
	}
	var b bytes.Buffer
	if _, err := audio.WriteTags(&b, tags, 0); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	e.header = b.Bytes()
	parallel = max(1, parallel)
	e.slots = make(chan struct{}, parallel)
	// One segment handed over ahead of the joiner: more would only hold
	// PCM in memory.
	e.results = make(chan chan segmentResult, 1)
	e.joined = make(chan struct{})
	go e.join(e.results)
	return nil
}

func (e *encoding) silence(d time.Duration) {
	e.add(make([]float32, int(d.Seconds()*float64(e.rate))))
}

// add appends samples, a second at a time, so that a segment is cut
// within a long sentence piece and the PCM held stays about maxSegment.
func (e *encoding) add(samples []float32) { e.feed(samples, true) }

// feed is add, measuring the loudness of the samples or not.
func (e *encoding) feed(samples []float32, metered bool) {
	for len(samples) > 0 {
		n := min(len(samples), e.rate)
		chunk := samples[:n]
		samples = samples[n:]
		e.pcm = append(e.pcm, chunk...)
		e.total += n
		if metered {
			e.meter.Add(chunk)
		}
		if keep := int(calibrationExcerpt.Seconds())*e.rate - len(e.excerpt); keep > 0 && !e.gap {
			e.excerpt = append(e.excerpt, chunk[:min(keep, n)]...)
		}
		if e.cut == 0 && e.total-e.at(e.segStart) >= int(maxSegment.Seconds())*e.rate {
			e.boundary()
		}
		e.dispatch()
	}
}

func (e *encoding) seconds() float64 { return float64(e.total) / float64(e.rate) }

// at is the input sample where frame f starts, f a multiple of gridFrames
// (or 0).
func (e *encoding) at(f int) int { return f / e.gridFrames * e.gridIn }

// boundary marks the current position (a sentence pause) as a place to
// cut: the segment ends there if it is long enough.
func (e *encoding) boundary() {
	if e.cut != 0 {
		return
	}
	f := (e.total + e.delayIn + e.gridIn/2) / e.gridIn * e.gridFrames
	minIn := 1
	if e.segments > 0 {
		minIn = int(minSegment.Seconds()) * e.rate
	}
	if f > e.segStart && e.at(f)-e.at(e.segStart) >= minIn {
		e.cut = f
	}
}

// padToGrid lengthens the pause being added so that the position falls on
// the frame grid: the start of a run (see runs.go), encoded the same
// wherever in the article it lands. A cut still waiting for its context is
// dropped: the run's cut, a little later, replaces it.
func (e *encoding) padToGrid() {
	e.cut = 0
	if r := (e.gridIn - (e.total+e.delayIn)%e.gridIn) % e.gridIn; r > 0 {
		e.add(make([]float32, r))
	}
	e.cut = 0
}

// cutRun cuts at the position (on the grid: padToGrid) for the run rec
// that starts there, and starts measuring its loudness on its own.
func (e *encoding) cutRun(rec *runRecord) {
	f := (e.total + e.delayIn) / e.gridIn * e.gridFrames
	if f <= e.segStart || e.at(f) != e.total+e.delayIn {
		return // not a run: the record gets no mark and is never reused
	}
	e.cut = f
	e.beginRun(rec, f)
}

// beginRun starts the run rec at frame f, the current position.
func (e *encoding) beginRun(rec *runRecord, f int) {
	e.meter.Restart()
	rec.firstStep, rec.at, rec.frame = e.meter.StepCount(), e.total, f
	e.marks = append(e.marks, rec)
}

// markAt returns (and forgets) the run that starts at frame f, if any.
func (e *encoding) markAt(f int) *runRecord {
	if len(e.marks) == 0 || e.marks[0].frame != f {
		return nil
	}
	rec := e.marks[0]
	e.marks = e.marks[1:]
	return rec
}

// reuse puts the frames of a run of the previous render (old) in place of
// its audio, right after cutRun(rec): the silence that starts the run is
// what the segment before is encoded with after its end; then the run's
// frames go to the joiner (load, or redo), its loudness steps are counted,
// and the position moves to its end, a cut on the grid. It reports false,
// having changed nothing, if the run cannot be placed here.
func (e *encoding) reuse(rec, old *runRecord, load, redo func() (audio.SegmentMP3, error)) bool {
	if len(old.Units) == 0 || len(e.marks) == 0 || e.marks[len(e.marks)-1] != rec || old.Samples%e.gridIn != 0 {
		return false
	}
	cut := e.cut == rec.frame && e.total+old.Units[0].Pause >= e.at(e.cut+e.context)
	follows := e.cut == 0 && e.segStart == rec.frame // another reused run before
	if !cut && !follows {
		return false
	}
	e.feed(make([]float32, old.Units[0].Pause), false)
	if e.cut != 0 || e.segStart != rec.frame || e.markAt(rec.frame) != rec {
		return false // cannot happen: the segment before was dispatched by the feed
	}
	res := make(chan segmentResult, 1)
	res <- segmentResult{load: load, redo: redo, mark: rec}
	e.results <- res
	e.segments++
	e.total = rec.at + old.Samples
	e.segStart = rec.frame + old.Samples/e.gridIn*e.gridFrames
	e.base = e.at(max(0, e.segStart-e.context))
	e.pcm = make([]float32, e.total-e.base) // the silence before the next run
	e.meter.AddSteps(old.Steps)
	e.gap = true
	return true
}

// dispatch starts encoding the open segment once the audio after its end
// that its encoder is given is there.
func (e *encoding) dispatch() {
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
func (e *encoding) encodeSegment(keep, end int) {
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

func (e *encoding) spent(t time.Time) {
	e.mu.Lock()
	e.encodeSeconds += since(t)
	e.mu.Unlock()
}

// join appends the segments in order and writes the frames to the spool.
func (e *encoding) join(results <-chan chan segmentResult) {
	defer close(e.joined)
	first := true
	for res := range results {
		r := <-res
		if e.err != nil {
			continue // drain
		}
		if r.load != nil {
			t := time.Now()
			if r.seg, r.err = r.load(); r.err != nil {
				r.seg, r.err = r.redo()
			}
			e.spent(t)
		}
		if e.err = r.err; e.err != nil {
			continue
		}
		if r.mark != nil {
			m := e.joiner.Mark()
			r.mark.mark = &m
		}
		if first {
			e.first, first = r.seg, false
			e.joiner.Placeholder(r.seg.Placeholder)
			if e.err = e.emit(r.seg.Placeholder); e.err != nil {
				continue
			}
		}
		b, err := e.joiner.Append(r.seg)
		if err != nil && r.redo != nil {
			// Frames read from the previous MP3 that do not join (or
			// do not parse): the run is encoded again, without the
			// reservoir, which always joins.
			t := time.Now()
			r.seg, err = r.redo()
			e.spent(t)
			if err == nil {
				b, err = e.joiner.Append(r.seg)
			}
		} else if errors.Is(err, audio.ErrJoin) {
			// Without the reservoir a segment's frames need nothing
			// before them, so they always follow.
			t := time.Now()
			r.in.NoReservoir = true
			r.seg, err = audio.EncodeSegment(r.in, e.opt)
			e.spent(t)
			if err == nil {
				b, err = e.joiner.Append(r.seg)
			}
		}
		if err == nil {
			err = e.emit(b)
		}
		e.err = err
	}
	if e.err == nil {
		e.err = e.emit(e.joiner.Flush())
	}
}

func (e *encoding) emit(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if _, err := e.sp.Write(b); err != nil {
		return err
	}
	if e.st != nil {
		// Nothing reaches listeners before the first audio frame, so a
		// render that fails at once still gets a proper error response.
		e.st.attach(e.header, e.sp)
		e.st.wrote(e.sp.written())
	}
	return nil
}

// wait encodes the last segment and waits for every frame to be written.
func (e *encoding) wait() error {
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

// finish returns the file to store, read from the spool: the final tags,
// then the same frames as streamed with the first one (lame's
// placeholder) replaced by the Info header, which needs the whole length.
func (e *encoding) finish(tags audio.Tags) (io.Reader, int64, error) {
	if err := e.wait(); err != nil {
		return nil, 0, err
	}
	size := e.sp.written()
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
	if _, err := audio.WriteTags(&head, tags, time.Duration(e.seconds()*float64(time.Second))); err != nil {
		return nil, 0, fmt.Errorf("encode: %w", err)
	}
	e.headBytes = int64(head.Len())
	rest := io.NewSectionReader(e.sp, int64(len(tag)), size-int64(len(tag)))
	file := io.MultiReader(&head, bytes.NewReader(tag), rest)
	return file, int64(head.Len()) + size, nil
}

// seconds spent encoding, on all cores.
func (e *encoding) spentSeconds() float64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.encodeSeconds
}

// close waits for the encoders and releases the encoding's hold on the
// spool (the stream's listeners may hold it longer).
func (e *encoding) close() {
	if e.results != nil {
		close(e.results)
		e.results = nil
		<-e.joined
	}
	if e.sp != nil {
		e.sp.release()
	}
}
