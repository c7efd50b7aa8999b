package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"

	"ecouter/audio"
	"ecouter/store"
)

// sentenceCacheVersion changes if the way sentences are stored changes.
const sentenceCacheVersion = "1"

// sentenceKey is where a synthesised sentence lives: a hash of the backend's
// fingerprint (backend, voice, engine, lexicons, rate, engine version) and
// the spoken text. Shared by all articles, so a sentence repeated across
// articles (a disclaimer, a signature) is paid for once.
func sentenceKey(fingerprint, spoken string) string {
	sum := sha256.Sum256([]byte(sentenceCacheVersion + "\x00" + fingerprint + "\x00" + spoken))
	h := hex.EncodeToString(sum[:])
	return path.Join("sentences", h[:2], h[2:]+".wav")
}

// synthesize returns the sentence's audio from the cache, or from the
// backend (then caches it). cached reports which.
func (s *Service) synthesize(ctx context.Context, spoken string) (clip audio.Clip, cached bool, err error) {
	key := sentenceKey(s.synth.Fingerprint(), spoken)
	if c, err := s.cachedSentence(ctx, key); err == nil {
		return c, true, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		// A damaged entry is synthesised again and overwritten.
		s.log.Warn("sentence cache entry unreadable", "key", key, "err", err)
	}
	c, err := s.synth.Synthesize(ctx, spoken)
	if err != nil {
		return audio.Clip{}, false, err
	}
	var buf memFile
	if err := audio.EncodeWAV(&buf, c); err != nil {
		return audio.Clip{}, false, fmt.Errorf("cache sentence: %w", err)
	}
	if err := s.store.Put(ctx, key, bytes.NewReader(buf.b)); err != nil {
		// The audio is good; only the next render will pay again.
		s.log.Warn("sentence cache write failed", "key", key, "err", err)
	}
	return c, false, nil
}

func (s *Service) cachedSentence(ctx context.Context, key string) (audio.Clip, error) {
	b, err := s.store.Open(ctx, key)
	if err != nil {
		return audio.Clip{}, err
	}
	defer b.Close()
	c, err := audio.DecodeWAV(b)
	if err != nil {
		return audio.Clip{}, fmt.Errorf("decode cached sentence: %w", err)
	}
	return c, nil
}

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
