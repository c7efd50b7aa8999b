package feedtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// CheckChapters validates JSON chapters against the Podcasting 2.0 format
// (version 1.2.0): a version, a non-empty chapters array whose startTime
// values are numbers, the first 0, strictly ascending, each with a title.
func CheckChapters(b []byte) error {
	var doc struct {
		Version  string `json:"version"`
		Chapters []struct {
			StartTime json.RawMessage `json:"startTime"`
			EndTime   json.RawMessage `json:"endTime"`
			Title     *string         `json:"title"`
		} `json:"chapters"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("chapters are not JSON: %w", err)
	}
	if doc.Version != "1.2.0" {
		return fmt.Errorf("version %q, want 1.2.0", doc.Version)
	}
	if len(doc.Chapters) == 0 {
		return errors.New("no chapters")
	}
	prev := -1.0
	for i, c := range doc.Chapters {
		var start float64
		if err := json.Unmarshal(c.StartTime, &start); err != nil {
			return fmt.Errorf("chapter %d: startTime %s is not a number", i, c.StartTime)
		}
		if i == 0 && start != 0 {
			return fmt.Errorf("first chapter starts at %v, want 0", start)
		}
		if start <= prev {
			return fmt.Errorf("chapter %d: startTime %v not after %v", i, start, prev)
		}
		prev = start
		if c.EndTime != nil {
			var end float64
			if err := json.Unmarshal(c.EndTime, &end); err != nil || end < start {
				return fmt.Errorf("chapter %d: endTime %s", i, c.EndTime)
			}
		}
		if c.Title == nil || strings.TrimSpace(*c.Title) == "" {
			return fmt.Errorf("chapter %d: no title", i)
		}
	}
	return nil
}
