package render

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"

	"ecouter/render/segment"
	"ecouter/store"
)

// reuseFixture is an article rendered once (v1) in a store of its own,
// with its segment index, and what a full render of the edit v2 gives.
type reuseFixture struct {
	v1, v2 string
	full   *Manifest // v2 rendered whole
	ref    []float32 // its audio, decoded
}

func newReuseFixture(t *testing.T) reuseFixture {
	t.Helper()
	v1 := longArticle(60)
	f := reuseFixture{v1: v1, v2: edited(v1, 31)}
	_, fullSt, full, _ := reuseStore(t, true, f.v1, f.v2)
	f.full = full[1]
	f.ref = checkStream(t, f.full, readStored(t, fullSt, f.full.Audio))
	return f
}

// renderDamaged renders v1, lets damage change its stored MP3 and segment
// index, renders v2 and checks it against the full render: one valid
// stream of the same length, the same cues, and the same sound within the
// codec's own error (no click, no noise, no silence).
func (f reuseFixture) renderDamaged(t *testing.T, damage func(mp3 []byte, idx *segment.Index)) *Manifest {
	t.Helper()
	ctx := context.Background()
	src, st, ms, svc := reuseStore(t, false, f.v1)
	mp3 := readStored(t, st, ms[0].Audio)
	var idx segment.Index
	if err := json.Unmarshal(readStored(t, st, segmentsKey(ms[0].Audio)), &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Runs) < 3 {
		t.Fatalf("%d runs indexed", len(idx.Runs))
	}
	damage(mp3, &idx)
	b, _ := json.Marshal(idx)
	putBytes(t, st, segmentsKey(ms[0].Audio), b)
	putBytes(t, st, ms[0].Audio, mp3)
	src.set("long", f.v2)
	m, err := svc.Ensure(ctx, "long", Options{Force: true, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	pcm := checkStream(t, m, readStored(t, st, m.Audio))
	if math.Abs(m.Duration-f.full.Duration) > 1e-9 || len(m.Cues) != len(f.full.Cues) {
		t.Fatalf("%.3fs of audio, %d cues; the full render has %.3fs, %d cues", m.Duration, len(m.Cues), f.full.Duration, len(f.full.Cues))
	}
	for i, c := range m.Cues {
		if c != f.full.Cues[i] {
			t.Fatalf("cue %d: %+v, full render %+v", i, c, f.full.Cues[i])
		}
	}
	var diff, signal, peak float64
	worst := 0
	for i := range min(len(pcm), len(f.ref)) {
		d := float64(pcm[i] - f.ref[i])
		diff += d * d
		signal += float64(f.ref[i]) * float64(f.ref[i])
		if math.Abs(d) > peak {
			peak, worst = math.Abs(d), i
		}
	}
	if snr := 10 * math.Log10(signal/diff); snr < 25 {
		t.Errorf("the audio is %.1f dB above its difference from the full render, want > 25", snr)
	}
	// The codec's own error stays far below the sentences' level (about
	// -12 dBFS here); a copied click or burst of noise does not.
	if peak > 0.1 {
		t.Errorf("the audio differs from the full render by %.2f (full scale 1) at %.3fs", peak, float64(worst)/44100)
	}
	return m
}

func putBytes(t *testing.T, st store.Store, key string, b []byte) {
	t.Helper()
	if err := st.Put(context.Background(), key, bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
}

// flipMainData scrambles the main data of two frames in the middle of
// every indexed run, in the stored MP3 (mono MPEG-1 layer III frames,
// 44.1 kHz: a 4-byte header and 17 bytes of side information).
func flipMainData(t *testing.T, mp3 []byte, idx *segment.Index) {
	t.Helper()
	for _, r := range idx.Runs {
		off := idx.Head + r.From
		for n := 0; n < r.Lead+r.Frames/2+2; n++ {
			h := mp3[off:]
			if h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
				t.Fatalf("no frame at byte %d", off)
			}
			kbps := []int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}[h[2]>>4]
			size := int64(144000*kbps/44100) + int64(h[2]>>1&1)
			if n >= r.Lead+r.Frames/2 {
				for k := off + 4 + 17; k < off+size; k++ {
					mp3[k] ^= 0x5A
				}
			}
			off += size
		}
	}
}

// Frames copied from the previous MP3 are checked before they are joined:
// with the index's CRC-32C of each run, or, for an index written before
// sums were kept, by decoding them. Runs whose main data was damaged in
// the stored file are encoded again from their sentences: the edit's
// render sounds like a full render, with no click copied from the damage.
func TestReuseChecksDamagedFrames(t *testing.T) {
	f := newReuseFixture(t)
	t.Run("sums", func(t *testing.T) {
		f.renderDamaged(t, func(mp3 []byte, idx *segment.Index) { flipMainData(t, mp3, idx) })
	})
	t.Run("index without sums", func(t *testing.T) {
		f.renderDamaged(t, func(mp3 []byte, idx *segment.Index) {
			flipMainData(t, mp3, idx)
			for i := range idx.Runs {
				idx.Runs[i].Sum, idx.Runs[i].Seal = nil, nil
			}
		})
	})
}

// A run whose index record disagrees with its own sentences (an absurd
// pause, a length that is not its cue's, frames for another length) is
// encoded again, whether the record's seal is there to tell or not (an
// index written before seals, or damaged with its seal): the render has
// the full render's duration, cues and sound. An absurd pause in one run
// once made a 141 s render 1,048 s long, its manifest agreeing.
func TestReuseChecksIndexAgainstSentences(t *testing.T) {
	f := newReuseFixture(t)
	rate := 22050
	for _, tc := range []struct {
		name string
		edit func(r *segment.Run)
	}{
		{"absurd first pause", func(r *segment.Run) { r.Units[0].Pause = 900 * rate }},
		{"absurd pause within", func(r *segment.Run) { r.Units[len(r.Units)-1].Pause += 900 * rate; r.Samples += 900 * rate }},
		{"sentence length", func(r *segment.Run) { r.Units[0].Len += rate / 2; r.Tail -= rate / 2 }},
		{"frames", func(r *segment.Run) { r.Frames += 20 }},
		{"samples", func(r *segment.Run) { r.Samples += 9 * 1152 / 2; r.Frames += 9; r.Tail += 9 * 1152 / 2 }},
	} {
		for _, sealed := range []bool{false, true} {
			name := tc.name
			if sealed {
				name += ", sealed"
			}
			t.Run(name, func(t *testing.T) {
				f.renderDamaged(t, func(_ []byte, idx *segment.Index) {
					r := &idx.Runs[2] // far from the edited sentence: reused
					tc.edit(r)
					r.Seal = nil
					if sealed {
						r.Reseal()
					}
				})
			})
		}
	}
}
