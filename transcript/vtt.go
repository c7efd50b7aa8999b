// Package transcript writes what was read, with its times, in the formats
// players and podcast apps read (WebVTT).
package transcript

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"ecouter/script"
)

// Cue is one spoken sentence and its span in the audio: the one cue type
// of ecouter, stored in manifests and read by the feed, the chapters, the
// transcript and the demo page.
type Cue struct {
	Block int         `json:"block"` // block number in the script; sentences of one block share it
	Kind  script.Kind `json:"kind"`
	Text  string      `json:"text"`
	Start float64     `json:"start"` // seconds
	End   float64     `json:"end"`
}

// vttEscaper escapes what WebVTT cue text gives a meaning to; "-->" would
// end a cue's timing line, so its ">" is escaped as well.
var vttEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// WriteVTT writes cues as a WebVTT file, one cue per sentence.
func WriteVTT(w io.Writer, cues []Cue) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("WEBVTT\n")
	for i, c := range cues {
		text := strings.Join(strings.Fields(c.Text), " ")
		if text == "" {
			continue
		}
		fmt.Fprintf(bw, "\n%d\n%s --> %s\n%s\n", i+1, timestamp(c.Start), timestamp(c.End), vttEscaper.Replace(text))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write vtt: %w", err)
	}
	return nil
}

// timestamp formats seconds as HH:MM:SS.mmm.
func timestamp(sec float64) string {
	ms := int64(sec*1000 + 0.5)
	if ms < 0 {
		ms = 0
	}
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}
