package feed

import (
	"encoding/json"
	"math"
	"strings"

	"ecouter/script"
	"ecouter/transcript"
)

// ChaptersType is the media type of JSON chapters.
const ChaptersType = "application/json+chapters"

// IntroTitle names the chapter before the first heading.
const IntroTitle = "Introduction"

// Chapter is one chapter of an episode, in seconds.
type Chapter struct {
	Title string
	Start float64
	End   float64
}

// Chapters splits a render at its headings: an introduction from 0 (the
// title, byline and first paragraphs), then one chapter per heading from
// the start of its first sentence. Each ends where the next starts, the
// last at duration.
func Chapters(cues []transcript.Cue, duration float64) []Chapter {
	chs := []Chapter{{Title: IntroTitle}}
	block := -1
	for _, c := range cues {
		if c.Kind != script.Heading {
			continue
		}
		// A long heading may be read as several sentences: one chapter.
		if c.Block == block {
			last := &chs[len(chs)-1]
			last.Title += " " + strings.TrimSpace(c.Text)
			continue
		}
		block = c.Block
		chs = append(chs, Chapter{Title: strings.TrimSpace(c.Text), Start: c.Start})
	}
	// A heading read at 0 (no title cue) leaves the introduction empty.
	if len(chs) > 1 && chs[1].Start <= 0 {
		chs = chs[1:]
	}
	for i := range chs {
		if i+1 < len(chs) {
			chs[i].End = chs[i+1].Start
		} else {
			chs[i].End = max(duration, chs[i].Start)
		}
	}
	return chs
}

// jsonChapters is the Podcasting 2.0 JSON chapters format, version 1.2.0.
type jsonChapters struct {
	Version  string        `json:"version"`
	Chapters []jsonChapter `json:"chapters"`
}

type jsonChapter struct {
	StartTime float64 `json:"startTime"`
	EndTime   float64 `json:"endTime,omitempty"`
	Title     string  `json:"title"`
}

// ChaptersJSON encodes chapters in the Podcasting 2.0 JSON chapters
// format (version 1.2.0), times in seconds to the millisecond.
func ChaptersJSON(chs []Chapter) ([]byte, error) {
	out := jsonChapters{Version: "1.2.0", Chapters: make([]jsonChapter, len(chs))}
	for i, c := range chs {
		out.Chapters[i] = jsonChapter{StartTime: ms(c.Start), EndTime: ms(c.End), Title: c.Title}
	}
	return json.MarshalIndent(out, "", "  ")
}

func ms(s float64) float64 { return math.Round(s*1000) / 1000 }
