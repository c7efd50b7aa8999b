package audio

/*
#cgo LDFLAGS: -lmp3lame
#include <stdlib.h>
#include <lame/lame.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// ErrEncoderClosed reports use of an Encoder after Close.
var ErrEncoderClosed = errors.New("audio: mp3 encoder closed")

// lameInitMu serialises lame_init and lame_init_params: they fill static
// tables inside libmp3lame without locking, which is a data race (invisible
// to the Go race detector) when two renders start at once.
var lameInitMu sync.Mutex

// encodeChunk bounds the samples given to lame per call, so the output
// buffer stays ~90 KB however long the input slice is.
const encodeChunk = 1 << 16

// Encoder is an incremental mono MP3 encoder backed by libmp3lame, for
// streaming MP3 out while a render is still producing audio. Its methods
// are serialised by a mutex because lame state must never be touched from
// two goroutines at once; Close must be called to free the C state.
type Encoder struct {
	mu      sync.Mutex
	gf      *C.lame_global_flags // nil once closed
	buf     []byte               // lame's output scratch buffer
	cleanup runtime.Cleanup
}

// NewEncoder prepares an encoder for mono samples at inRate Hz, producing
// MP3 at opt.SampleRate (lame resamples). lame writes a placeholder
// Xing/Info frame first; after Flush, LameTag returns the real one.
func NewEncoder(inRate int, opt EncodeOptions) (*Encoder, error) {
	return newEncoder(inRate, opt, false)
}

// newEncoder is NewEncoder, optionally without the bit reservoir: every
// frame's data then sits in the frame itself.
func newEncoder(inRate int, opt EncodeOptions, noReservoir bool) (*Encoder, error) {
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, fmt.Errorf("new mp3 encoder: %w", err)
	}
	if inRate <= 0 {
		return nil, fmt.Errorf("new mp3 encoder: %w: input %d Hz", ErrRate, inRate)
	}
	lameInitMu.Lock()
	defer lameInitMu.Unlock()
	gf := C.lame_init()
	if gf == nil {
		return nil, errors.New("new mp3 encoder: lame_init failed")
	}
	C.lame_set_num_channels(gf, 1)
	C.lame_set_mode(gf, C.MONO)
	C.lame_set_in_samplerate(gf, C.int(inRate))
	C.lame_set_out_samplerate(gf, C.int(opt.SampleRate))
	C.lame_set_quality(gf, C.int(opt.Quality))
	C.lame_set_bWriteVbrTag(gf, 1)
	// Tags are written by WriteTags; lame must not append an ID3v1 tag.
	C.lame_set_write_id3tag_automatic(gf, 0)
	if opt.VBR {
		C.lame_set_VBR(gf, C.vbr_default)
		C.lame_set_VBR_quality(gf, C.float(opt.VBRQuality))
	} else {
		C.lame_set_VBR(gf, C.vbr_off)
		C.lame_set_brate(gf, C.int(opt.Bitrate))
	}
	if noReservoir {
		C.lame_set_disable_reservoir(gf, 1)
	}
	if rc := C.lame_init_params(gf); rc < 0 {
		C.lame_close(gf)
		return nil, fmt.Errorf("new mp3 encoder: lame_init_params: code %d", int(rc))
	}
	// lame's bound (1.25 bytes per sample + 7200) counts output samples:
	// when it upsamples, a chunk of input makes proportionally more.
	ratio := max(1, (opt.SampleRate+inRate-1)/inRate)
	e := &Encoder{gf: gf, buf: make([]byte, encodeChunk*ratio*5/4+7200)}
	// A safety net only: an Encoder dropped without Close still frees lame.
	e.cleanup = runtime.AddCleanup(e, func(gf *C.lame_global_flags) { C.lame_close(gf) }, gf)
	return e, nil
}

// Encode feeds samples ([-1, 1]) and returns whatever MP3 bytes lame has
// completed; it may return none while lame fills a frame.
func (e *Encoder) Encode(samples []float32) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gf == nil {
		return nil, ErrEncoderClosed
	}
	var out []byte
	for len(samples) > 0 {
		n := min(len(samples), encodeChunk)
		pcm := (*C.float)(unsafe.Pointer(&samples[0]))
		// Mono: lame reads only the left channel; the same pointer is
		// passed as right so lame never sees a NULL.
		rc := C.lame_encode_buffer_ieee_float(e.gf, pcm, pcm, C.int(n),
			(*C.uchar)(unsafe.Pointer(&e.buf[0])), C.int(len(e.buf)))
		if rc < 0 {
			return nil, fmt.Errorf("encode mp3: lame_encode_buffer: code %d", int(rc))
		}
		out = append(out, e.buf[:rc]...)
		samples = samples[n:]
	}
	return out, nil
}

// Flush encodes what lame still buffers (padding the last frame) and
// returns the final MP3 bytes. Encode must not be called afterwards.
func (e *Encoder) Flush() ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gf == nil {
		return nil, ErrEncoderClosed
	}
	rc := C.lame_encode_flush(e.gf, (*C.uchar)(unsafe.Pointer(&e.buf[0])), C.int(len(e.buf)))
	if rc < 0 {
		return nil, fmt.Errorf("flush mp3: lame_encode_flush: code %d", int(rc))
	}
	return append([]byte(nil), e.buf[:rc]...), nil
}

// LameTag returns the final Xing ("Info" for CBR) / LAME frame, which
// carries frame count, byte count, seek table and encoder delay. It is
// meant to overwrite the placeholder first frame after Flush. It is nil
// before any frame was produced or after Close.
func (e *Encoder) LameTag() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gf == nil {
		return nil
	}
	// With a too-small buffer lame reports the size it needs.
	size := C.lame_get_lametag_frame(e.gf, nil, 0)
	if size == 0 {
		return nil
	}
	tag := make([]byte, int(size))
	n := C.lame_get_lametag_frame(e.gf, (*C.uchar)(unsafe.Pointer(&tag[0])), size)
	return tag[:int(n)]
}

// Delay is lame's encoder delay, in output samples.
func (e *Encoder) Delay() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gf == nil {
		return 0
	}
	return int(C.lame_get_encoder_delay(e.gf))
}

// Close frees the lame state. It is safe to call more than once.
func (e *Encoder) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gf == nil {
		return
	}
	e.cleanup.Stop()
	C.lame_close(e.gf)
	e.gf = nil
}
