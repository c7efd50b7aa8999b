package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"
	"time"

	"ecouter/audio/audiotest"
)

// lameWhole is one encoder's stream: lame's final tag, then its frames.
func lameWhole(t *testing.T, c Clip, opt EncodeOptions) (tag, frames []byte) {
	t.Helper()
	e, err := NewEncoder(c.Rate, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	b, err := e.Encode(c.Samples)
	if err != nil {
		t.Fatal(err)
	}
	tail, err := e.Flush()
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, tail...)
	tag = e.LameTag()
	if len(tag) > 0 {
		b = b[len(tag):]
	}
	return tag, b
}

// joinEncode encodes c in segments cut at the given frames, as a render
// does, and returns the Info frame and the joined frames.
func joinEncode(t *testing.T, c Clip, opt EncodeOptions, cuts []int, noReservoir map[int]bool) (tag, frames []byte) {
	t.Helper()
	spfIn, step := SegmentGrid(c.Rate, opt)
	spfIn /= step
	var j Joiner
	var first SegmentMP3
	bounds := append(append([]int{0}, cuts...), -1)
	for k := 0; k+1 < len(bounds); k++ {
		start, end := bounds[k], bounds[k+1]
		from := max(0, start-SegmentContext)
		to := len(c.Samples)
		keep := -1
		if end >= 0 {
			to, keep = min(to, (end+SegmentContext)*spfIn), end-start
		}
		seg, err := EncodeSegment(Segment{Rate: c.Rate, PCM: c.Samples[from*spfIn : to], Lead: start - from, Keep: keep, NoReservoir: noReservoir[k]}, opt)
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			first = seg
			j.Placeholder(seg.Placeholder)
		}
		out, err := j.Append(seg)
		if err != nil {
			t.Fatalf("segment %d: %v", k, err)
		}
		frames = append(frames, out...)
	}
	frames = append(frames, j.Flush()...)
	outSamples := int(int64(len(c.Samples)) * int64(opt.withDefaults().SampleRate) / int64(c.Rate))
	tag, err := j.InfoTag(first.Tag, first.Delay, outSamples)
	if err != nil {
		t.Fatal(err)
	}
	return tag, frames
}

// One segment through the joiner is lame's own stream, Info frame included:
// the joiner's counts, seek table, padding and checksums are lame's.
func TestJoinOneSegmentIsLame(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Clip
		opt  EncodeOptions
	}{
		{"speech 22050 CBR", speechLike(22050, 7*time.Second), EncodeOptions{}},
		{"tone 44100 CBR", sine(44100, 440, 0.5, 0, 3*time.Second), EncodeOptions{}},
		{"speech VBR", speechLike(22050, 5*time.Second), EncodeOptions{VBR: true}},
		{"speech MPEG-2", speechLike(22050, 4*time.Second), EncodeOptions{SampleRate: 22050, Bitrate: 32}},
		{"long speech", speechLike(22050, 95*time.Second), EncodeOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantTag, want := lameWhole(t, tc.c, tc.opt)
			tag, got := joinEncode(t, tc.c, tc.opt, nil, nil)
			// The main data is where lame put it; only the bytes no frame
			// reads (lame's ancillary filler) may differ.
			// (ffmpeg decodes: go-mp3 reads MPEG-2 frames' data past its end.)
			a, b := audiotest.Decode(t, append(tag, got...)), audiotest.Decode(t, append(wantTag, want...))
			if len(a) != len(b) || maxDiff(a, b) != 0 {
				t.Fatalf("joined stream decodes differently from lame's (%d and %d samples)", len(a), len(b))
			}
			if len(wantTag) == 0 {
				if len(tag) != 0 {
					t.Fatal("an Info frame where lame writes none")
				}
				return
			}
			x := 4 + 17
			if tc.opt.SampleRate == 22050 {
				x = 4 + 9
			}
			if !bytes.Equal(tag[:x+152], wantTag[:x+152]) || !bytes.Equal(tag[x+156:], wantTag[x+156:]) {
				for i := range min(len(tag), len(wantTag)) {
					if tag[i] != wantTag[i] {
						t.Errorf("Info frame byte %d = %#x, lame %#x", i, tag[i], wantTag[i])
					}
				}
				t.Fatalf("Info frame differs from lame's (%d and %d bytes)", len(tag), len(wantTag))
			}
			// The checksums are lame's, over each stream's own bytes.
			for _, s := range []struct {
				name        string
				tag, frames []byte
			}{{"lame", wantTag, want}, {"joined", tag, got}} {
				if m := binary.BigEndian.Uint16(s.tag[x+152:]); m != crc16(0, s.frames) {
					t.Errorf("%s: music CRC %#x, frames' CRC %#x", s.name, m, crc16(0, s.frames))
				}
				if c := binary.BigEndian.Uint16(s.tag[x+154:]); c != crc16(0, s.tag[:x+154]) {
					t.Errorf("%s: tag CRC %#x, computed %#x", s.name, c, crc16(0, s.tag[:x+154]))
				}
			}
		})
	}
}

func maxDiff(a, b []float32) float64 {
	d := 0.0
	for i := range min(len(a), len(b)) {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// rmsWindows is the RMS of a-b over each frame-long window.
func rmsWindows(a, b []float32, n int) []float64 {
	var out []float64
	for i := 0; i+n <= min(len(a), len(b)); i += n {
		e := 0.0
		for k := i; k < i+n; k++ {
			d := float64(a[k] - b[k])
			e += d * d
		}
		out = append(out, math.Sqrt(e/float64(n)))
	}
	return out
}

// nearJoin tells whether window w (frame-long) is within 3 frames of a cut.
func nearJoin(w int, cuts []int) bool {
	for _, c := range cuts {
		if w >= c-3 && w <= c+3 {
			return true
		}
	}
	return false
}

// A sine across the joins: the joined stream is valid (ffmpeg, mp3val),
// as long as one encoder's, and around each join it differs from one
// encoder's output by no more than that output differs from the PCM
// elsewhere: the joins are inaudible.
func TestJoinSeamlessSine(t *testing.T) {
	opt := EncodeOptions{}
	c := sine(44100, 440, 0.5, 0, 6*time.Second)
	cuts := []int{60, 131, 200}
	wantTag, want := lameWhole(t, c, opt)
	tag, got := joinEncode(t, c, opt, cuts, nil)
	single, joined := audiotest.Decode(t, append(wantTag, want...)), audiotest.Decode(t, append(tag, got...))
	if len(joined) != len(c.Samples) || len(single) != len(c.Samples) {
		t.Fatalf("decoded %d (joined) and %d (one encoder) samples, PCM %d", len(joined), len(single), len(c.Samples))
	}
	mp3val(t, append(tag, got...))
	codec, join := 0.0, 0.0
	codecErr := rmsWindows(single, c.Samples, 1152)
	for w, d := range rmsWindows(joined, single, 1152) {
		if nearJoin(w, cuts) {
			join = max(join, d)
		} else if w > 3 && w < len(codecErr)-3 {
			codec = max(codec, codecErr[w])
		}
	}
	t.Logf("RMS around the joins vs one encoder %.5f; one encoder vs PCM elsewhere %.5f", join, codec)
	if join > codec {
		t.Errorf("joins differ from one encoder's output by %.5f RMS, more than the codec's own error %.5f", join, codec)
	}
}

// At the renders' rate (22,050 Hz in, resampled by lame), the same, with
// a one-frame segment and a segment encoded without the bit reservoir.
func TestJoinSeamlessResampled(t *testing.T) {
	opt := EncodeOptions{}
	c := sine(22050, 440, 0.5, 0, 8*time.Second)
	ref := sine(44100, 440, 0.5, 0, 8*time.Second).Samples
	cuts := []int{50, 120, 121, 250}
	wantTag, want := lameWhole(t, c, opt)
	single := audiotest.Decode(t, append(wantTag, want...))
	codecErr := rmsWindows(single, ref, 1152)
	for _, noRes := range []map[int]bool{nil, {2: true, 3: true}} {
		tag, got := joinEncode(t, c, opt, cuts, noRes)
		joined := audiotest.Decode(t, append(tag, got...))
		if len(joined) != len(ref) || len(single) != len(ref) {
			t.Fatalf("decoded %d samples, one encoder %d, PCM %d", len(joined), len(single), len(ref))
		}
		mp3val(t, append(tag, got...))
		codec, join := 0.0, 0.0
		for w, d := range rmsWindows(joined, single, 1152) {
			if nearJoin(w, cuts) {
				join = max(join, d)
			} else if w > 3 && w < len(codecErr)-3 {
				codec = max(codec, codecErr[w])
			}
		}
		t.Logf("without reservoir %v: RMS vs one encoder around joins %.5f; one encoder vs PCM elsewhere %.5f", noRes, join, codec)
		if join > codec {
			t.Errorf("joins differ from one encoder by %.5f RMS, more than the codec's own error %.5f", join, codec)
		}
	}
}

// mp3val must find nothing to fix.
func mp3val(t *testing.T, mp3 []byte) {
	t.Helper()
	var file bytes.Buffer
	if _, err := WriteTags(&file, Tags{Title: "joined"}, 0); err != nil {
		t.Fatal(err)
	}
	file.Write(mp3)
	audiotest.MP3Val(t, file.Bytes())
}

// A segment whose first frames read a reservoir the stream so far did not
// leave free is refused whole, and joins once encoded without the
// reservoir.
func TestJoinRefusesWhatWouldNotFit(t *testing.T) {
	opt := EncodeOptions{}
	noise := make([]float32, 44100)
	x := uint32(1)
	for i := range noise {
		x = x*1664525 + 1013904223
		noise[i] = 0.9 * (float32(x>>8)/float32(1<<24) - 0.5)
	}
	var j Joiner
	a, err := EncodeSegment(Segment{Rate: 44100, PCM: noise[:20*1152], Keep: 17, NoReservoir: true}, opt)
	if err != nil {
		t.Fatal(err)
	}
	head, err := j.Append(a)
	if err != nil {
		t.Fatal(err)
	}
	// Quiet context, then noise: lame saves bits in the quiet frames and
	// spends them on the first noisy one.
	pcm := append(make([]float32, 3*1152), noise[20*1152:]...)
	b, err := EncodeSegment(Segment{Rate: 44100, PCM: pcm, Lead: 3, Keep: -1}, opt)
	if err != nil {
		t.Fatal(err)
	}
	before := j
	if _, err := j.Append(b); !errors.Is(err, ErrJoin) {
		t.Fatalf("Append = %v, want ErrJoin", err)
	}
	if j.frames != before.frames || j.area != before.area || len(j.pending) != len(before.pending) {
		t.Fatal("a refused segment changed the stream")
	}
	b, err = EncodeSegment(Segment{Rate: 44100, PCM: pcm, Lead: 3, Keep: -1, NoReservoir: true}, opt)
	if err != nil {
		t.Fatal(err)
	}
	rest, err := j.Append(b)
	if err != nil {
		t.Fatal(err)
	}
	stream := append(append(head, rest...), j.Flush()...)
	if n := len(audiotest.Decode(t, stream)); n != j.frames*1152 {
		t.Fatalf("decoded %d samples, want %d frames' worth", n, j.frames)
	}
	mp3val(t, stream)
}
