package audio

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/bogem/id3v2/v2"
)

// Tags is the metadata written in front of an MP3.
type Tags struct {
	Title   string // TIT2
	Artist  string // TPE1, e.g. the publication or author
	Album   string // TALB, e.g. the feed name
	Date    string // TDRC, "2026-11-26" or "2026"
	URL     string // WOAS, the article's address
	Comment string // COMM, in French

	// Chapters become CHAP frames with a CTOC table of contents (ID3v2
	// Chapter Frame Addendum): players show them and jump to them.
	Chapters []Chapter
}

// WriteTags writes an ID3v2.4 tag holding t and the duration (TLEN, in
// milliseconds) to w, and returns the bytes written. Empty fields are left
// out. It is separate from EncodeMP3 so a streamed MP3 can start with the
// same tag before its frames exist. The same t and duration always give the
// same bytes.
func WriteTags(w io.Writer, t Tags, duration time.Duration) (int64, error) {
	var frames frameList
	enc := id3v2.EncodingUTF8
	text := []struct{ id, value string }{
		{"TIT2", t.Title},
		{"TPE1", t.Artist},
		{"TALB", t.Album},
		{"TDRC", t.Date},
	}
	for _, f := range text {
		if f.value != "" {
			frames.add(func(tag *id3v2.Tag) { tag.AddTextFrame(f.id, enc, f.value) })
		}
	}
	if duration > 0 {
		frames.add(func(tag *id3v2.Tag) { tag.AddTextFrame("TLEN", enc, strconv.FormatInt(duration.Milliseconds(), 10)) })
	}
	if t.URL != "" {
		// URL link frames have no encoding byte: the body is the
		// ISO-8859-1 URL itself, which id3v2 has no type for.
		frames.add(func(tag *id3v2.Tag) { tag.AddFrame("WOAS", id3v2.UnknownFrame{Body: []byte(t.URL)}) })
	}
	if t.Comment != "" {
		frames.add(func(tag *id3v2.Tag) {
			tag.AddCommentFrame(id3v2.CommentFrame{Encoding: enc, Language: "fra", Text: t.Comment})
		})
	}
	if err := addChapters(&frames, t.Chapters); err != nil {
		return 0, err
	}
	n, err := frames.writeTo(w)
	if err != nil {
		return n, fmt.Errorf("write id3 tag: %w", err)
	}
	return n, nil
}

// frameList builds a tag frame by frame, in order. id3v2 encodes the
// frames, but a Tag keeps them in a map and writes them in the map's random
// order: two renders of one article would differ in their first bytes, and
// so would the MP3s two nodes serve under one ETag. Each frame (or sequence
// of frames with one ID, such as the chapters) is written as a tag of its
// own, whose frames are then laid one after the other under one header.
type frameList struct {
	body bytes.Buffer
	err  error
}

// id3HeaderSize is the tag header's size: "ID3", version, flags, size.
const id3HeaderSize = 10

func (l *frameList) add(fill func(*id3v2.Tag)) {
	if l.err != nil {
		return
	}
	tag := id3v2.NewEmptyTag() // version 4, so UTF-8 text is allowed
	fill(tag)
	var b bytes.Buffer
	if _, err := tag.WriteTo(&b); err != nil {
		l.err = err
		return
	}
	l.body.Write(b.Bytes()[id3HeaderSize:])
}

// writeTo writes the ID3v2.4 header, with the frames' size as a synchsafe
// integer (seven bits a byte), then the frames.
func (l *frameList) writeTo(w io.Writer) (int64, error) {
	if l.err != nil {
		return 0, l.err
	}
	size := l.body.Len()
	if size == 0 {
		return 0, nil // no tag at all, as id3v2 writes for no frames
	}
	if size >= 1<<28 {
		return 0, fmt.Errorf("%d bytes of frames, more than a tag holds", size)
	}
	header := []byte{'I', 'D', '3', 4, 0, 0, byte(size >> 21 & 0x7f), byte(size >> 14 & 0x7f), byte(size >> 7 & 0x7f), byte(size & 0x7f)}
	n, err := w.Write(header)
	if err != nil {
		return int64(n), err
	}
	m, err := l.body.WriteTo(w)
	return int64(n) + m, err
}
