package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrJoin means a segment's frames cannot follow the stream so far: their
// first frames need more of the bit reservoir than the previous segment
// left free. Encoding the segment again without the reservoir always joins.
var ErrJoin = errors.New("audio: segment needs more bit reservoir than the stream has")

// Joiner splices independently encoded segments (see EncodeSegment) into
// one MP3 stream. Each segment's frames keep their headers and side
// information, but their main data is laid out again across the whole
// stream, so no frame reads reservoir bytes another encoder wrote: the
// result is a valid stream that decodes like one encoder's. It also
// counts what the Info header needs.
type Joiner struct {
	pending [][]byte // frames whose main data area may still receive bytes
	areas   []int    // each pending frame's area start, in stream area bytes
	area    int      // area bytes of all frames so far
	end     int      // where the last frame's main data ends

	frames int   // audio frames
	bytes  int64 // of the whole stream, placeholder included
	// appended is where the next frame will start in the stream; recent
	// are the last frames' starts and main data area sizes, for Mark.
	appended int64
	recent   []recentFrame
	crc      uint16
	toc      seekTable
	samples  int // per frame
}

// Append adds a segment's frames (see SegmentMP3) and returns
// the stream's bytes that are now final. On ErrJoin nothing is added.
func (j *Joiner) Append(seg SegmentMP3) ([]byte, error) {
	frames, fs, err := splitFrames(seg.Frames)
	if err != nil {
		return nil, fmt.Errorf("join mp3: %w", err)
	}
	data, err := mainData(frames, fs, seg.Lead)
	if err != nil {
		return nil, fmt.Errorf("join mp3: %w", err)
	}
	if seg.Lead < 0 || seg.Keep < 0 || seg.Lead+seg.Keep > len(frames) {
		return nil, fmt.Errorf("join mp3: frames %d+%d of %d", seg.Lead, seg.Keep, len(frames))
	}
	end := seg.Lead + seg.Keep
	frames, fs, data = frames[seg.Lead:end], fs[seg.Lead:end], data[seg.Lead:end]
	// First where each frame's data goes, so a refused segment changes
	// nothing: each as early as the format allows (never later than its
	// own encoder put it, once the first one fits).
	starts := make([]int, len(frames))
	area, end := j.area, j.end
	for i, f := range fs {
		a := area
		area += f.size - 4 - f.side
		s := max(end, a-f.maxLookup)
		if s+len(data[i]) > area {
			return nil, fmt.Errorf("join mp3: frame %d of the segment: %w", i, ErrJoin)
		}
		starts[i], end = s, s+len(data[i])
	}
	for i, b := range frames {
		f := fs[i]
		fr := append([]byte(nil), b[:4+f.side]...)
		fr = append(fr, make([]byte, f.size-4-f.side)...)
		a := j.area
		f.setMainDataBegin(fr, a-starts[i])
		j.pending, j.areas = append(j.pending, fr), append(j.areas, a)
		j.area += f.size - 4 - f.side
		j.write(starts[i], data[i])
		j.end = starts[i] + len(data[i])
		j.toc.add(f.kbps)
		j.remember(f)
		j.frames++
		j.samples = f.samples
	}
	return j.ready(false), nil
}

type recentFrame struct {
	start     int64
	area      int
	maxLookup int
}

func (j *Joiner) remember(f frame) {
	const keep = 16
	if len(j.recent) == keep {
		j.recent = append(j.recent[:0], j.recent[1:]...)
	}
	j.recent = append(j.recent, recentFrame{start: j.appended, area: f.size - 4 - f.side, maxLookup: f.maxLookup})
	j.appended += int64(f.size)
}

// Mark is a place in the joined stream, between two appended frames.
type Mark struct {
	Frame int   // audio frames before it
	At    int64 // stream offset of the next frame (the placeholder counts)
	// From is where to start reading for the frames after the mark to be
	// appended again (SegmentMP3.Lead = Lead): the Lead frames before At
	// hold every reservoir byte the next frame may point back to.
	From int64
	Lead int
}

// Mark tells where the next appended frame goes, so that the frames after
// it can later be cut out of the stored stream and joined into another.
func (j *Joiner) Mark() Mark {
	m := Mark{Frame: j.frames, At: j.appended, From: j.appended}
	need := 0
	for k := len(j.recent) - 1; k >= 0; k-- {
		r := j.recent[k]
		if need == 0 {
			need = r.maxLookup
		}
		if need <= 0 {
			break
		}
		m.From, m.Lead = r.start, m.Lead+1
		need -= r.area
	}
	return m
}

// write puts main data at stream area position pos, across the pending
// frames' areas.
func (j *Joiner) write(pos int, data []byte) {
	// The data goes at the end: start from the last frame whose area
	// begins at or before pos.
	first := len(j.pending) - 1
	for first > 0 && j.areas[first] > pos {
		first--
	}
	for k := first; k < len(j.pending); k++ {
		fr := j.pending[k]
		if len(data) == 0 {
			return
		}
		hdr := len(fr) - (j.areaEnd(k) - j.areas[k])
		lo, hi := j.areas[k], j.areaEnd(k)
		if pos >= hi {
			continue
		}
		n := copy(fr[hdr+pos-lo:], data)
		data, pos = data[n:], pos+n
	}
}

func (j *Joiner) areaEnd(k int) int {
	if k+1 < len(j.areas) {
		return j.areas[k+1]
	}
	return j.area
}

// ready returns (and forgets) the frames no later main data can reach:
// those whose area ends before the data so far, or all of them at the end.
func (j *Joiner) ready(all bool) []byte {
	n := 0
	for n < len(j.pending) && (all || j.areaEnd(n) <= j.end) {
		n++
	}
	var out []byte
	for _, fr := range j.pending[:n] {
		out = append(out, fr...)
	}
	j.crc = crc16(j.crc, out)
	j.bytes += int64(len(out))
	j.pending, j.areas = j.pending[n:], j.areas[n:]
	return out
}

// Flush returns the last frames once every segment is appended.
func (j *Joiner) Flush() []byte { return j.ready(true) }

// Placeholder counts lame's placeholder frame (the stream's first, which
// the Info header replaces) in the stream.
func (j *Joiner) Placeholder(b []byte) {
	j.bytes += int64(len(b))
	j.appended += int64(len(b))
}

// InfoTag returns the Info (CBR) or Xing (VBR) frame for the joined
// stream, from lame's own tag of the first segment: the frame and byte
// counts, the seek table, the encoder padding, the music length and the
// checksums are recomputed, the encoder's settings kept. delay is lame's
// encoder delay and outSamples the audio's length at the output rate.
func (j *Joiner) InfoTag(template []byte, delay, outSamples int) ([]byte, error) {
	if len(template) == 0 {
		return nil, nil
	}
	f, err := parseFrame(template)
	if err != nil {
		return nil, fmt.Errorf("info tag: %w", err)
	}
	x := 4 + f.side
	tag := append([]byte(nil), template...)
	if len(tag) < x+156 || (string(tag[x:x+4]) != "Info" && string(tag[x:x+4]) != "Xing") || tag[x+7]&0x0F != 0x0F {
		return nil, fmt.Errorf("info tag: %w: not lame's Info/LAME frame", ErrFrame)
	}
	binary.BigEndian.PutUint32(tag[x+8:], uint32(j.frames))
	binary.BigEndian.PutUint32(tag[x+12:], uint32(j.bytes))
	j.toc.fill(tag[x+16 : x+116])
	padding := j.frames*j.samples - delay - outSamples
	if delay < 0 || delay > 0xFFF || padding < 0 || padding > 0xFFF {
		return nil, fmt.Errorf("info tag: delay %d, padding %d out of range", delay, padding)
	}
	tag[x+141], tag[x+142], tag[x+143] = byte(delay>>4), byte(delay<<4|padding>>8), byte(padding)
	binary.BigEndian.PutUint32(tag[x+148:], uint32(j.bytes))
	binary.BigEndian.PutUint16(tag[x+152:], j.crc)
	binary.BigEndian.PutUint16(tag[x+154:], crc16(0, tag[:x+154]))
	return tag, nil
}

// seekTable is lame's Xing TOC bookkeeping (VbrTag.c addVbr): a bag of
// running bitrate sums, one every want frames, halved when full.
type seekTable struct {
	sum, seen, pos int
	want           int
	bag            [400]int
}

func (t *seekTable) add(kbps int) {
	if t.want == 0 {
		t.want = 1
	}
	t.sum += kbps
	t.seen++
	if t.seen < t.want {
		return
	}
	if t.pos < len(t.bag) {
		t.bag[t.pos] = t.sum
		t.pos++
		t.seen = 0
	}
	if t.pos == len(t.bag) {
		for i := 1; i < len(t.bag); i += 2 {
			t.bag[i/2] = t.bag[i]
		}
		t.want *= 2
		t.pos /= 2
	}
}

// fill writes the 100 TOC entries (lame's Xing_seek_table).
func (t *seekTable) fill(toc []byte) {
	if t.pos <= 0 {
		return
	}
	for i := 1; i < 100; i++ {
		j := float32(i) / 100
		idx := int(float32(t.pos) * j)
		idx = min(idx, t.pos-1)
		p := int(256 * float64(t.bag[idx]) / float64(t.sum))
		toc[i] = byte(min(p, 255))
	}
}

// crc16 is lame's CRC (CRC-16/ARC), for the music and tag checksums.
func crc16(crc uint16, b []byte) uint16 {
	for _, c := range b {
		crc ^= uint16(c)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xA001
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}
