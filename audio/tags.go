package audio

import (
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
// same tag before its frames exist.
func WriteTags(w io.Writer, t Tags, duration time.Duration) (int64, error) {
	tag := id3v2.NewEmptyTag() // version 4, so UTF-8 text is allowed
	enc := id3v2.EncodingUTF8
	text := []struct{ id, value string }{
		{"TIT2", t.Title},
		{"TPE1", t.Artist},
		{"TALB", t.Album},
		{"TDRC", t.Date},
	}
	for _, f := range text {
		if f.value != "" {
			tag.AddTextFrame(f.id, enc, f.value)
		}
	}
	if duration > 0 {
		tag.AddTextFrame("TLEN", enc, strconv.FormatInt(duration.Milliseconds(), 10))
	}
	if t.URL != "" {
		// URL link frames have no encoding byte: the body is the
		// ISO-8859-1 URL itself, which id3v2 has no type for.
		tag.AddFrame("WOAS", id3v2.UnknownFrame{Body: []byte(t.URL)})
	}
	if t.Comment != "" {
		tag.AddCommentFrame(id3v2.CommentFrame{Encoding: enc, Language: "fra", Text: t.Comment})
	}
	if err := addChapters(tag, t.Chapters); err != nil {
		return 0, err
	}
	n, err := tag.WriteTo(w)
	if err != nil {
		return n, fmt.Errorf("write id3 tag: %w", err)
	}
	return n, nil
}
