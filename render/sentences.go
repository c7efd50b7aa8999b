package render

import (
	"context"
	"errors"
	"io"
	"time"

	"ecouter/audio"
	"ecouter/store"
)

// synthesize returns the unit's audio from the sentence cache, or from the
// backend (then caches it). cached reports which.
func (pl *pipeline) synthesize(ctx context.Context, spoken string) (clip audio.Clip, cached bool, err error) {
	key := sentenceKey(pl.synth.Fingerprint(), spoken)
	if c, info, err := pl.rec.sentence(ctx, key); err == nil {
		pl.gc.touched(key)
		if time.Since(info.ModTime) > touchAfter {
			// Rewritten so its time tells other processes (and `ecouter
			// gc`) it is still in use.
			if _, err := pl.rec.putSentence(ctx, key, c); err != nil {
				pl.log.Warn("sentence cache refresh failed", "key", key, "err", err)
			}
		}
		return c, true, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		// A damaged entry is synthesised again and overwritten.
		pl.log.Warn("sentence cache entry unreadable", "key", key, "err", err)
	}
	c, err := pl.synth.Synthesize(ctx, spoken)
	if err != nil {
		return audio.Clip{}, false, err
	}
	// Billed: cached whether or not the render is still wanted (its owner
	// stopping, its lease lost, a sibling sentence failing), so the render
	// that takes it up again pays only for what was still in flight.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sentencePutTimeout)
	defer cancel()
	if n, err := pl.rec.putSentence(pctx, key, c); err != nil {
		// The audio is good; only the next render will pay again.
		pl.log.Warn("sentence cache write failed", "key", key, "err", err)
	} else {
		pl.gc.added(key, n)
	}
	return c, false, nil
}

// sentencePutTimeout bounds the cache write of a sentence synthesised for
// a render that was cancelled meanwhile.
const sentencePutTimeout = 30 * time.Second

// touchAfter is how old a cached sentence's time may get before a cache
// hit rewrites it, so least-recently-used eviction works across processes
// at the cost of one write per entry and day at most.
const touchAfter = 24 * time.Hour

// memFile is an in-memory io.WriteSeeker, for encoders that patch headers.
type memFile struct {
	b   []byte
	off int
}

func (m *memFile) Write(p []byte) (int, error) {
	if end := m.off + len(p); end > len(m.b) {
		m.b = append(m.b, make([]byte, end-len(m.b))...)
	}
	n := copy(m.b[m.off:], p)
	m.off += n
	return n, nil
}

func (m *memFile) Seek(offset int64, whence int) (int64, error) {
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = int64(m.off)
	case io.SeekEnd:
		base = int64(len(m.b))
	default:
		return 0, errors.New("memfile: bad whence")
	}
	if base+offset < 0 {
		return 0, errors.New("memfile: negative position")
	}
	m.off = int(base + offset)
	return int64(m.off), nil
}
