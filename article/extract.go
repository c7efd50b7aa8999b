package article

import (
	"strings"

	"golang.org/x/net/html"
)

// Block kinds, the same names the narration script uses.
const (
	KindHeading   = "heading"
	KindParagraph = "paragraph"
	KindListItem  = "list_item"
	KindQuote     = "quote"
)

// Block is one run of text with one role in the article. Text is cleaned
// for reading: entities decoded, whitespace collapsed, and "\n" where the
// HTML had a <br> (a hard break the sentence splitter must respect).
type Block struct {
	Kind string
	Text string
}

// Extract returns, in document order, the blocks of the HTML src a listener
// should hear, leaving out what rules say to skip. It never fails: HTML is
// parsed the way a browser would, however broken.
func Extract(src string, rules Rules) []Block {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		// Only a failing reader can make Parse fail; a string cannot.
		return nil
	}
	e := &extractor{skip: newSkipper(rules), prefixes: rules.SkipPrefixes}
	e.walk(doc, KindParagraph)
	e.flush()
	return e.blocks
}

// extractor collects the text of the block being read in buf until a block
// boundary flushes it.
type extractor struct {
	skip     skipper
	prefixes []string
	blocks   []Block
	kind     string // kind of the block in buf, set by its first write
	buf      strings.Builder
	// introSkipped: a heading was dropped for its prefix, and the next
	// paragraph or list, the one it introduces, goes with it.
	introSkipped bool
	flushes      int // calls of flush, so a table row knows a cell ended blocks
}

// walk reads n. kind is the role of loose text at this depth: a paragraph,
// unless inside a heading, list item or blockquote.
func (e *extractor) walk(n *html.Node, kind string) {
	switch n.Type {
	case html.DocumentNode:
		e.walkChildren(n, kind)
		return
	case html.TextNode:
		e.write(n.Data, kind)
		return
	case html.ElementNode:
	default: // comments, doctype
		return
	}
	if e.skip.match(n) {
		return
	}
	switch tag := n.Data; {
	case tag == "br":
		e.write(hardBreak, kind)
	case tag == "sup" && footnoteRef(n), tag == "pre" && firstElement(n) == "code":
		// A footnote's number ("l'article¹") and a program's code are
		// not read.
	case tag == "tr":
		e.row(n, kind)
	case tag == "q":
		// Browsers draw the quotation marks of a <q>; the text has none,
		// and without them a listener would not hear that it is a quote.
		e.write("«\u00a0", kind)
		e.walkChildren(n, kind)
		e.write("\u00a0»", kind)
	case isHeading(tag):
		e.flush()
		e.walkChildren(n, KindHeading)
		e.introSkipped = e.flush()
	case tag == "li":
		e.block(n, KindListItem)
	case tag == "blockquote":
		e.block(n, KindQuote)
	case blockElements[tag]:
		// p, div, ul... start and end a block but keep the role around
		// them: a <p> in a blockquote is a quote, in a list item an item.
		e.block(n, kind)
	default:
		// Inline: its text joins the current block as written, so
		// "l'<em>État</em>" stays one word and "<a>x</a> y" two.
		e.walkChildren(n, kind)
	}
}

// row reads a table row as one block, its cells in a list: "Dupont, 52 %".
func (e *extractor) row(n *html.Node, kind string) {
	e.flush()
	first := true
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.Data != "td" && c.Data != "th" || e.skip.match(c) {
			continue
		}
		before := e.buf.Len()
		if !first {
			e.write(", ", kind)
		}
		mark, flushes := e.buf.Len(), e.flushes
		e.walkChildren(c, kind)
		switch {
		case e.flushes != flushes:
			// The cell held blocks of its own (paragraphs, a table):
			// the row goes on after them.
			first = e.buf.Len() == 0
		case strings.TrimFunc(e.buf.String()[mark:], isHTMLSpace) == "":
			// An empty cell adds no comma.
			rest := e.buf.String()[:before]
			e.buf.Reset()
			e.buf.WriteString(rest)
		default:
			first = false
		}
	}
	e.flush()
}

// footnoteRef reports whether a <sup> is a footnote's number: a class
// saying so, or only a link to an anchor of the page ("#fn1").
func footnoteRef(n *html.Node) bool {
	for _, c := range classes(n) {
		if strings.Contains(c, "footnote") || c == "fn" || c == "fnref" {
			return true
		}
	}
	var link *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.ElementNode && c.Data == "a" && link == nil:
			link = c
		case c.Type == html.TextNode && strings.TrimFunc(c.Data, isHTMLSpace) == "":
		default:
			return false
		}
	}
	if link == nil {
		return false
	}
	for _, a := range link.Attr {
		if a.Key == "href" && strings.HasPrefix(a.Val, "#") {
			return true
		}
	}
	return false
}

// firstElement is the tag of n's first element child, or "".
func firstElement(n *html.Node) string {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c.Data
		}
		if c.Type == html.TextNode && strings.TrimFunc(c.Data, isHTMLSpace) != "" {
			return ""
		}
	}
	return ""
}

func (e *extractor) block(n *html.Node, kind string) {
	e.flush()
	e.walkChildren(n, kind)
	e.flush()
}

func (e *extractor) walkChildren(n *html.Node, kind string) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if e.introSkipped && e.introduced(c) {
			continue
		}
		e.walk(c, kind)
	}
}

// introduced reports whether n is what a dropped "À lire aussi" heading
// introduced, and ends the search at the first element or text after it.
func (e *extractor) introduced(n *html.Node) bool {
	switch {
	case n.Type == html.TextNode && strings.TrimFunc(n.Data, isHTMLSpace) == "":
		return false // the whitespace between the heading and its list
	case n.Type == html.ElementNode:
		e.introSkipped = false
		return introElements[n.Data]
	case n.Type == html.TextNode:
		e.introSkipped = false
	}
	return false
}

// introElements are what a related-articles heading introduces.
var introElements = map[string]bool{"p": true, "ul": true, "ol": true, "dl": true}

func (e *extractor) write(s, kind string) {
	if e.buf.Len() == 0 {
		e.kind = kind
	}
	e.buf.WriteString(s)
}

// flush ends the block in buf, keeping it if it has something to say. It
// reports whether the block was dropped for its prefix.
func (e *extractor) flush() (skipped bool) {
	e.flushes++
	text := cleanText(stripShortcodes(e.buf.String()))
	e.buf.Reset()
	if text == "" {
		return false
	}
	if hasSkipPrefix(text, e.prefixes) {
		return true
	}
	if isCredit(text) {
		return false
	}
	e.blocks = append(e.blocks, Block{Kind: e.kind, Text: text})
	return false
}

func isHeading(tag string) bool {
	return len(tag) == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6'
}

// blockElements end the text before them and start a new block. Everything
// not listed here (a, em, span, abbr, sup, time, q...) is inline.
var blockElements = map[string]bool{
	"html": true, "body": true, "main": true, "article": true, "section": true,
	"header": true, "div": true, "p": true, "ul": true, "ol": true, "menu": true,
	"dl": true, "dt": true, "dd": true, "pre": true, "hr": true, "address": true,
	"details": true, "summary": true, "center": true, "hgroup": true,
	"fieldset": true, "legend": true, "figure": true, "figcaption": true,
	"table": true, "caption": true, "thead": true, "tbody": true, "tfoot": true,
	"tr": true, "td": true, "th": true,
}
