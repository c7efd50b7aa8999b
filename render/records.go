package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"ecouter/article"
	"ecouter/audio"
	"ecouter/render/segment"
	"ecouter/store"
)

// Store key layout, the one place that knows it:
//
//	articles/<id>/manifest.json    the current render's Manifest
//	articles/<id>/<key>.mp3        a render's MP3, by content key
//	articles/<id>/<key>.runs.json  where its runs' frames are (segmentIndex)
//	articles/<id>/withdrawn.json   the withdrawal in force (Withdrawal)
//	articles/<id>/ended-<wid>.json marks the withdrawal wid ended
//	sentences/<h[:2]>/<h[2:]>.wav  the sentence cache (lossless, per backend voice)
//	calibration/<hash>.json        the loudness calibration, per voice and setting
//	billing/<day>.json             the characters billed that UTC day (StoredCount)
//
// IDs are validated before they reach here, so they are safe path segments.
const (
	articlesPrefix    = "articles/"
	sentencesPrefix   = "sentences/"
	calibrationPrefix = "calibration/"
	// billingPrefix holds one small record per UTC day of the characters
	// the paid engine billed, for a process that counts without NATS.
	billingPrefix = "billing/"
	endedPrefix   = "ended-"
)

func manifestKey(id string) string { return path.Join("articles", id, "manifest.json") }
func audioKey(id, key string) string {
	return path.Join("articles", id, key+".mp3")
}

func withdrawalKey(id string) string { return path.Join("articles", id, "withdrawn.json") }

// endedKey marks the withdrawal wid ended by a render asked for after it.
// A marker of its own, never a change of withdrawn.json: a render
// rewriting (or deleting) that record could erase a newer withdrawal made
// in between, and the store has no compare-and-swap.
func endedKey(id, wid string) string { return path.Join("articles", id, endedPrefix+wid+".json") }

func billingKey(day string) string { return billingPrefix + day + ".json" }

// segmentsKey is where the segment index of the MP3 under audio lives.
func segmentsKey(audio string) string { return strings.TrimSuffix(audio, ".mp3") + runsSuffix }

const runsSuffix = ".runs.json"

// audioVersion is the content key an audio store key names.
func audioVersion(audio string) string { return strings.TrimSuffix(path.Base(audio), ".mp3") }

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

// calibrationKey names the stored calibration: it holds for one backend
// voice, encoder setting, pause set and target.
func calibrationKey(fingerprint string, cfg Config) string {
	b, _ := json.Marshal([]any{fingerprint, cfg.Encode, cfg.Pauses, cfg.TargetLUFS})
	sum := sha256.Sum256(b)
	return calibrationPrefix + hex.EncodeToString(sum[:12]) + ".json"
}

// Kinds of blobs, for collection and metrics.
const (
	kindAudio       = "audio"
	kindManifest    = "manifest"
	kindSentence    = "sentence"
	kindCalibration = "calibration"
	kindSegments    = "segments"
	kindOther       = "other"
)

// keyKind tells what a store key holds.
func keyKind(key string) string {
	switch {
	case strings.HasPrefix(key, articlesPrefix) && path.Base(key) == "manifest.json":
		return kindManifest
	case strings.HasPrefix(key, articlesPrefix) && path.Ext(key) == ".mp3":
		return kindAudio
	case strings.HasPrefix(key, articlesPrefix) && strings.HasSuffix(key, runsSuffix):
		return kindSegments
	case strings.HasPrefix(key, sentencesPrefix):
		return kindSentence
	case strings.HasPrefix(key, calibrationPrefix):
		return kindCalibration
	default:
		return kindOther
	}
}

// records reads and writes what the Archive keeps in the store, in the
// layout above: the Archive's formats, shared with StoredCount.
//
// A manifest is written only by the render it describes, never read,
// changed and written back: with several processes on one store, such a
// rewrite could undo a render another one published in between.
type records struct {
	st store.Store
}

func newRecords(st store.Store) records { return records{st: st} }

// manifest returns the stored manifest of the article's current render, or
// ErrNotRendered.
func (r records) manifest(ctx context.Context, id string) (*Manifest, error) {
	if err := article.ValidID(id); err != nil {
		return nil, err
	}
	var m Manifest
	if err := r.readJSON(ctx, manifestKey(id), &m); errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("manifest %s: %w", id, ErrNotRendered)
	} else if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", id, err)
	}
	// A manifest whose audio went missing is no render at all.
	if _, err := r.st.Stat(ctx, m.Audio); errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("manifest %s: audio missing: %w", id, ErrNotRendered)
	}
	return &m, nil
}

// rawManifest reads a stored manifest as it is, its audio unchecked.
func (r records) rawManifest(ctx context.Context, id string) (*Manifest, error) {
	var m Manifest
	if err := r.readJSON(ctx, manifestKey(id), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func (r records) putManifest(ctx context.Context, m *Manifest) error {
	if err := r.writeJSON(ctx, manifestKey(m.ID), m); err != nil {
		return fmt.Errorf("store manifest: %w", err)
	}
	return nil
}

// calibrationRecord is the calibration as stored, so that a new process
// (every `ecouter render`, every deploy) starts from what earlier renders
// measured instead of landing its first article low.
type calibrationRecord struct {
	Bias        float64  `json:"bias_lu"`
	EncoderLoss *float64 `json:"encoder_loss_lu,omitempty"`
}

func (r records) calibration(ctx context.Context, key string) (calibrationRecord, error) {
	var c calibrationRecord
	err := r.readJSON(ctx, key, &c)
	return c, err
}

func (r records) putCalibration(ctx context.Context, key string, c calibrationRecord) error {
	return r.writeJSON(ctx, key, c)
}

// segmentIndex reads the segment index of the MP3 under audio.
func (r records) segmentIndex(ctx context.Context, audio string) (*segment.Index, error) {
	var idx segment.Index
	if err := r.readJSON(ctx, segmentsKey(audio), &idx); err != nil {
		return nil, err
	}
	return &idx, nil
}

func (r records) putSegmentIndex(ctx context.Context, audio string, idx *segment.Index) error {
	b, err := json.Marshal(idx)
	if err != nil {
		return fmt.Errorf("encode segment index: %w", err)
	}
	return r.st.Put(ctx, segmentsKey(audio), bytes.NewReader(b))
}

// sentence reads a cached sentence; store.ErrNotFound if there is none.
func (r records) sentence(ctx context.Context, key string) (audio.Clip, store.Info, error) {
	b, err := r.st.Open(ctx, key)
	if err != nil {
		return audio.Clip{}, store.Info{}, err
	}
	defer b.Close()
	c, err := audio.DecodeWAV(b)
	if err != nil {
		return audio.Clip{}, store.Info{}, fmt.Errorf("decode cached sentence: %w", err)
	}
	return c, b.Info(), nil
}

// putSentence caches a sentence and returns the entry's size.
func (r records) putSentence(ctx context.Context, key string, c audio.Clip) (int64, error) {
	var buf memFile
	if err := audio.EncodeWAV(&buf, c); err != nil {
		return 0, fmt.Errorf("cache sentence: %w", err)
	}
	return int64(len(buf.b)), r.st.Put(ctx, key, bytes.NewReader(buf.b))
}

func (r records) readJSON(ctx context.Context, key string, v any) error {
	b, err := r.st.Open(ctx, key)
	if err != nil {
		return err
	}
	defer b.Close()
	data, err := io.ReadAll(b)
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

func (r records) writeJSON(ctx context.Context, key string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return r.st.Put(ctx, key, bytes.NewReader(b))
}

// audioByVersion finds the article's stored MP3 whose content key starts
// with v (the short version feeds put in enclosure URLs).
func (r records) audioByVersion(ctx context.Context, id, v string) (string, error) {
	infos, err := r.st.List(ctx, path.Join("articles", id)+"/")
	if err != nil {
		return "", fmt.Errorf("list audio %s: %w", id, err)
	}
	for _, in := range infos {
		if keyKind(in.Key) == kindAudio && strings.HasPrefix(audioVersion(in.Key), v) {
			return in.Key, nil
		}
	}
	return "", store.ErrNotFound
}
