package audio

import (
	"bytes"
	"fmt"
	"time"

	"github.com/bogem/id3v2/v2"
)

// Chapter is a titled span of the audio.
type Chapter struct {
	Title      string
	Start, End time.Duration
}

// maxChapters is what a CTOC frame can list: its entry count is one byte.
const maxChapters = 255

// tocID is the element ID of the table of contents.
const tocID = "toc"

// addChapters adds one CHAP frame per chapter (element IDs chp0, chp1...,
// times in milliseconds, byte offsets unused, a TIT2 sub-frame) and a
// top-level ordered CTOC frame listing them. id3v2 knows CHAP but not
// CTOC, which is written by hand.
func addChapters(frames *frameList, chs []Chapter) error {
	if len(chs) == 0 {
		return nil
	}
	if len(chs) > maxChapters {
		return fmt.Errorf("write id3 chapters: %d chapters, at most %d fit", len(chs), maxChapters)
	}
	ids := make([]string, len(chs))
	for i, c := range chs {
		if c.End < c.Start || c.Start < 0 {
			return fmt.Errorf("write id3 chapters: chapter %d ends (%v) before it starts (%v)", i, c.End, c.Start)
		}
		ids[i] = fmt.Sprintf("chp%d", i)
	}
	// One sequence keeps its frames in the order they are added.
	frames.add(func(tag *id3v2.Tag) {
		for i, c := range chs {
			tag.AddChapterFrame(id3v2.ChapterFrame{
				ElementID:   ids[i],
				StartTime:   c.Start,
				EndTime:     c.End,
				StartOffset: id3v2.IgnoredOffset,
				EndOffset:   id3v2.IgnoredOffset,
				Title:       &id3v2.TextFrame{Encoding: id3v2.EncodingUTF8, Text: c.Title},
			})
		}
	})
	frames.add(func(tag *id3v2.Tag) { tag.AddFrame("CTOC", id3v2.UnknownFrame{Body: ctocBody(ids)}) })
	return nil
}

// CTOC flags: bit 1 top-level, bit 0 ordered.
const (
	ctocTopLevel = 0x02
	ctocOrdered  = 0x01
)

// ctocBody lays out a CTOC frame: element ID, NUL, flags, entry count,
// then each child element ID with its NUL. No sub-frames.
func ctocBody(ids []string) []byte {
	var b bytes.Buffer
	b.WriteString(tocID)
	b.WriteByte(0)
	b.WriteByte(ctocTopLevel | ctocOrdered)
	b.WriteByte(byte(len(ids)))
	for _, id := range ids {
		b.WriteString(id)
		b.WriteByte(0)
	}
	return b.Bytes()
}
