package render

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"ecouter/audio"
)

// encoding turns the article's PCM into MP3 as it grows: new samples are
// encoded as soon as they are added, and the frames go to the spool on
// disk, which the stream's listeners read.
//
// Memory stays bounded whatever the article's length: samples are dropped
// once encoded, frames are on disk; the whole article's loudness is
// measured as it goes and only its first seconds are kept (for the encoder
// calibration).
type encoding struct {
	st      *Stream // may be nil
	enc     *audio.Encoder
	sp      *spool
	rate    int
	pcm     []float32 // added, not yet encoded
	total   int       // samples added so far
	meter   *audio.Meter
	excerpt []float32 // the first calibrationExcerpt of the article
	header  []byte    // the stream's ID3 tag, sent with the first frames

	encodeSeconds float64
}

// start opens the encoder and the spool, and prepares the stream's ID3
// tag (without the length, unknown yet).
func (e *encoding) start(rate int, opt audio.EncodeOptions, tags audio.Tags) error {
	enc, err := audio.NewEncoder(rate, opt)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	e.enc, e.rate, e.meter = enc, rate, audio.NewMeter(rate)
	if e.sp, err = newSpool(); err != nil {
		return err
	}
	var b bytes.Buffer
	if _, err := audio.WriteTags(&b, tags, 0); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	e.header = b.Bytes()
	return nil
}

func (e *encoding) silence(d time.Duration) {
	e.add(make([]float32, int(d.Seconds()*float64(e.rate))))
}

func (e *encoding) add(samples []float32) {
	e.pcm = append(e.pcm, samples...)
	e.total += len(samples)
	e.meter.Add(samples)
	if keep := int(calibrationExcerpt.Seconds())*e.rate - len(e.excerpt); keep > 0 {
		e.excerpt = append(e.excerpt, samples[:min(keep, len(samples))]...)
	}
}

func (e *encoding) seconds() float64 { return float64(e.total) / float64(e.rate) }

// encodePending encodes the samples added since the last call.
func (e *encoding) encodePending() error {
	t := time.Now()
	b, err := e.enc.Encode(e.pcm)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	e.pcm = e.pcm[:0]
	e.encodeSeconds += since(t)
	return e.emit(b)
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

// finish flushes the encoder and returns the file to store, read from the
// spool: the final tags, then the same frames as streamed with the first
// one (lame's placeholder) replaced by the Info header, which needs the
// whole length.
func (e *encoding) finish(tags audio.Tags) (io.Reader, int64, error) {
	tail, err := e.enc.Flush()
	if err != nil {
		return nil, 0, fmt.Errorf("encode: %w", err)
	}
	if err := e.emit(tail); err != nil {
		return nil, 0, err
	}
	size := e.sp.written()
	tag := e.enc.LameTag()
	if len(tag) > 0 {
		first := make([]byte, 1)
		if int64(len(tag)) > size {
			return nil, 0, fmt.Errorf("encode: no placeholder frame for the Info header")
		}
		if _, err := e.sp.ReadAt(first, 0); err != nil || first[0] != 0xFF {
			return nil, 0, fmt.Errorf("encode: no placeholder frame for the Info header")
		}
	}
	var head bytes.Buffer
	if _, err := audio.WriteTags(&head, tags, time.Duration(e.seconds()*float64(time.Second))); err != nil {
		return nil, 0, fmt.Errorf("encode: %w", err)
	}
	rest := io.NewSectionReader(e.sp, int64(len(tag)), size-int64(len(tag)))
	file := io.MultiReader(&head, bytes.NewReader(tag), rest)
	return file, int64(head.Len()) + size, nil
}

// close releases the encoder and the encoding's hold on the spool (the
// stream's listeners may hold it longer).
func (e *encoding) close() {
	if e.enc != nil {
		e.enc.Close()
	}
	if e.sp != nil {
		e.sp.release()
	}
}
