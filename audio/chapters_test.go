package audio

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bogem/id3v2/v2"
)

func TestChaptersWrittenAndReadBack(t *testing.T) {
	chs := []Chapter{
		{Title: "Introduction", Start: 0, End: 10250 * time.Millisecond},
		{Title: "Un budget maîtrisé", Start: 10250 * time.Millisecond, End: 42 * time.Second},
		{Title: "Les commerçants « restent » ouverts", Start: 42 * time.Second, End: 61500 * time.Millisecond},
	}
	var buf bytes.Buffer
	if _, err := WriteTags(&buf, Tags{Title: "Titre", Chapters: chs}, 61500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	tag, err := id3v2.ParseReader(bytes.NewReader(buf.Bytes()), id3v2.Options{Parse: true})
	if err != nil {
		t.Fatal(err)
	}
	if tag.Version() != 4 || tag.Title() != "Titre" {
		t.Fatalf("tag v2.%d, title %q", tag.Version(), tag.Title())
	}
	frames := tag.GetFrames("CHAP")
	if len(frames) != len(chs) {
		t.Fatalf("%d CHAP frames, want %d", len(frames), len(chs))
	}
	byID := map[string]id3v2.ChapterFrame{}
	for _, f := range frames {
		cf := f.(id3v2.ChapterFrame)
		byID[cf.ElementID] = cf
	}
	for i, c := range chs {
		cf, ok := byID[fmt.Sprintf("chp%d", i)]
		if !ok {
			t.Fatalf("no CHAP chp%d in %v", i, byID)
		}
		if cf.Title == nil || cf.Title.Text != c.Title || cf.StartTime != c.Start || cf.EndTime != c.End {
			t.Errorf("chp%d: %q %v–%v, want %q %v–%v", i, cf.Title.Text, cf.StartTime, cf.EndTime, c.Title, c.Start, c.End)
		}
		if cf.StartOffset != id3v2.IgnoredOffset || cf.EndOffset != id3v2.IgnoredOffset {
			t.Errorf("chp%d: byte offsets %x %x, want unused", i, cf.StartOffset, cf.EndOffset)
		}
	}

	toc := tag.GetFrames("CTOC")
	if len(toc) != 1 {
		t.Fatalf("%d CTOC frames, want 1", len(toc))
	}
	id, flags, children, err := parseCTOC(toc[0].(id3v2.UnknownFrame).Body)
	if err != nil {
		t.Fatal(err)
	}
	if id != "toc" || flags&0x02 == 0 || flags&0x01 == 0 {
		t.Fatalf("CTOC %q flags %08b: want top-level and ordered", id, flags)
	}
	if strings.Join(children, ",") != "chp0,chp1,chp2" {
		t.Fatalf("CTOC children %v", children)
	}
}

// parseCTOC reads a CTOC body as the Chapter Frame Addendum lays it out.
func parseCTOC(b []byte) (id string, flags byte, children []string, err error) {
	i := bytes.IndexByte(b, 0)
	if i < 0 || len(b) < i+3 {
		return "", 0, nil, fmt.Errorf("CTOC too short: % x", b)
	}
	id, flags, n := string(b[:i]), b[i+1], int(b[i+2])
	rest := b[i+3:]
	for range n {
		j := bytes.IndexByte(rest, 0)
		if j < 0 {
			return "", 0, nil, fmt.Errorf("CTOC child list cut: % x", b)
		}
		children = append(children, string(rest[:j]))
		rest = rest[j+1:]
	}
	if len(rest) != 0 {
		return "", 0, nil, fmt.Errorf("CTOC has %d bytes after its children", len(rest))
	}
	return id, flags, children, nil
}

func TestChaptersRejected(t *testing.T) {
	var buf bytes.Buffer
	bad := []Chapter{{Title: "x", Start: time.Second, End: 0}}
	if _, err := WriteTags(&buf, Tags{Chapters: bad}, time.Second); err == nil {
		t.Error("a chapter ending before it starts is written")
	}
	if _, err := WriteTags(&buf, Tags{Chapters: make([]Chapter, 256)}, time.Second); err == nil {
		t.Error("256 chapters fit in a one-byte count")
	}
	buf.Reset()
	if _, err := WriteTags(&buf, Tags{Title: "t"}, time.Second); err != nil || bytes.Contains(buf.Bytes(), []byte("CTOC")) {
		t.Errorf("no chapters: CTOC written anyway (%v)", err)
	}
}

// TestChaptersReadByFFprobe: a real player's demuxer sees the chapters.
func TestChaptersReadByFFprobe(t *testing.T) {
	var buf bytes.Buffer
	chs := []Chapter{{Title: "Introduction", Start: 0, End: 2 * time.Second}, {Title: "Un budget maîtrisé", Start: 2 * time.Second, End: 5 * time.Second}}
	if _, err := EncodeMP3(&buf, sine(44100, 440, 0.1, 0, 5*time.Second), EncodeOptions{Bitrate: 64, SampleRate: 44100}, Tags{Title: "T", Chapters: chs}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "chapters.mp3")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := string(run(t, "ffprobe", "-v", "error", "-show_chapters", "-of", "compact", path))
	for _, want := range []string{
		"start=0|start_time=0.000000|end=2000|end_time=2.000000|tag:title=Introduction",
		"start=2000|start_time=2.000000|end=5000|end_time=5.000000|tag:title=Un budget maîtrisé",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ffprobe does not show %q:\n%s", want, out)
		}
	}
}

// The same tags give the same bytes, every time, all frames read back: an
// MP3 must not change with the order a map happens to iterate in.
func TestWriteTagsDeterministic(t *testing.T) {
	tags := Tags{
		Title: "Le budget est voté", Artist: "Le Quotidien", Album: "Les articles du Quotidien",
		Date: "2026-11-26", URL: "https://exemple.fr/budget", Comment: "Lu par ecouter",
		Chapters: []Chapter{{Title: "Début", End: time.Second}, {Title: "Suite", Start: time.Second, End: 2 * time.Second}},
	}
	var first bytes.Buffer
	n, err := WriteTags(&first, tags, 2*time.Second)
	if err != nil || n != int64(first.Len()) {
		t.Fatalf("WriteTags: %d, %v (%d bytes)", n, err, first.Len())
	}
	for range 20 {
		var again bytes.Buffer
		if _, err := WriteTags(&again, tags, 2*time.Second); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), first.Bytes()) {
			t.Fatal("the same tags were written as different bytes")
		}
	}
	tag, err := id3v2.ParseReader(bytes.NewReader(first.Bytes()), id3v2.Options{Parse: true})
	if err != nil {
		t.Fatal(err)
	}
	b := first.Bytes()
	if size := int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9]); string(b[:5]) != "ID3\x04\x00" || size != len(b)-10 {
		t.Fatalf("the header % x says %d bytes of frames, %d were written", b[:10], size, len(b)-10)
	}
	for id, want := range map[string]int{"TIT2": 1, "TPE1": 1, "TALB": 1, "TDRC": 1, "TLEN": 1, "WOAS": 1, "COMM": 1, "CHAP": 2, "CTOC": 1} {
		if got := len(tag.GetFrames(id)); got != want {
			t.Errorf("%d %s frames read back, want %d", got, id, want)
		}
	}
	if tag.Title() != tags.Title || tag.Artist() != tags.Artist || tag.Album() != tags.Album {
		t.Errorf("read back %q, %q, %q", tag.Title(), tag.Artist(), tag.Album())
	}
}
