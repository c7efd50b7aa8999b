package pollytest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ssmlTags are the elements Polly's SSML knows; amazon:* ones are accepted
// whatever their name.
var ssmlTags = map[string]bool{
	"speak": true, "break": true, "lang": true, "mark": true, "p": true, "s": true,
	"phoneme": true, "prosody": true, "say-as": true, "sub": true, "w": true, "emphasis": true,
}

// parseSSML checks that doc is well-formed XML with one <speak> root and
// known elements, and returns its text: tags stripped, entities decoded.
func parseSSML(doc string) (string, error) {
	d := xml.NewDecoder(strings.NewReader(doc))
	var text strings.Builder
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if t.Name.Local != "speak" || roots > 1 {
					return "", fmt.Errorf("root must be a single <speak>, got <%s>", t.Name.Local)
				}
			}
			if t.Name.Space != "amazon" && !ssmlTags[t.Name.Local] {
				return "", fmt.Errorf("unknown element <%s>", t.Name.Local)
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 {
				if strings.TrimSpace(string(t)) != "" {
					return "", errors.New("text outside <speak>")
				}
				continue
			}
			text.Write(t)
		}
	}
	if roots == 0 {
		return "", errors.New("no <speak> element")
	}
	return text.String(), nil
}
