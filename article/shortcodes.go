package article

import (
	"regexp"
	"strings"
)

// WordPress shortcodes left in an article's text: "[vc_row]…[/vc_row]" or
// "[et_pb_text admin_label="Texte"]" from a page builder that was removed,
// "[caption id="…"]<img> Légende[/caption]" from an export. WordPress
// renders only the shortcodes a plugin registers; the others reach the REST
// API, and a listener would hear their brackets and attributes.
//
// Brackets are also news copy's own ("[sic]", "[…]", "[NDLR : …]", "[1]"),
// so a bracket is taken for a shortcode only by what such copy never
// writes: a closing "[/name]", an opening one that it closes in the same
// block, a name=value attribute, an underscore in the name, or "/]".
var (
	shortcodeTag = regexp.MustCompile(`\[(/?)([A-Za-z][A-Za-z0-9_-]*)((?:\s[^\[\]]*)?)(/?)\]`)
	attribute    = regexp.MustCompile(`[A-Za-z_-]+\s*=\s*["'\p{Pi}\p{Pf}″]?`)
)

// captionShortcodes hold what a listener should not hear at all: a
// picture's caption, a gallery, the address of an embed.
var captionShortcodes = map[string]bool{
	"caption": true, "wp_caption": true, "gallery": true, "embed": true,
	"video": true, "audio": true, "playlist": true,
}

// stripShortcodes removes the shortcodes of one block's text, and what the
// caption-like ones enclose.
func stripShortcodes(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	tags := shortcodeTag.FindAllStringSubmatchIndex(s, -1)
	if tags == nil {
		return s
	}
	closed := map[string]bool{}
	for _, m := range tags {
		if s[m[2]:m[3]] == "/" {
			closed[strings.ToLower(s[m[4]:m[5]])] = true
		}
	}
	var b strings.Builder
	last := 0
	dropping := "" // inside a caption-like shortcode: its name
	for _, m := range tags {
		closing, name := s[m[2]:m[3]] == "/", strings.ToLower(s[m[4]:m[5]])
		attrs, selfClosing := s[m[6]:m[7]], s[m[8]:m[9]] == "/"
		if !closing && !selfClosing && !closed[name] && !attribute.MatchString(attrs) && !strings.Contains(name, "_") {
			continue // news copy's own brackets
		}
		if dropping == "" {
			b.WriteString(s[last:m[0]])
			b.WriteByte(' ')
		}
		last = m[1]
		switch {
		case dropping != "":
			if closing && name == dropping {
				dropping = ""
			}
		case !closing && !selfClosing && captionShortcodes[name] && closed[name]:
			dropping = name
		}
	}
	if dropping == "" {
		b.WriteString(s[last:])
	}
	return b.String()
}
