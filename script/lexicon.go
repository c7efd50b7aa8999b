package script

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Lexicon is a site's pronunciation lexicon: brand names, people and places
// the rules cannot know. It rewrites spoken forms, after every other rule.
//
// A lexicon file is UTF-8 text, one entry per line, the written form and the
// spoken form separated by one tab:
//
//	# comment lines start with #; blank lines are ignored
//	Nvidia	ènvidia
//	iPhone	aïe faune
//	Jean Castex	Jean Castèx
//	/\bMc([A-Z]\w*)/	Mac $1
//
// A plain entry matches whole words, case-sensitively: "Nvidia" does not
// match inside "Nvidias" nor "nvidia", and a key of several words matches
// them with single spaces between. When keys overlap, the longest wins.
// An entry written /regexp/ is a Go regular expression (RE2 syntax; note
// that \b and \w are ASCII-only) whose spoken form may use $1 or ${name};
// regexp entries run after the plain ones, in file order.
//
// Keys match the spoken form, after numbers, acronyms and titles have been
// rewritten: write "E D F" to change how "EDF" is said, "iPhone quinze" for
// "iPhone 15". `ecouter script` shows the spoken forms.
type Lexicon struct {
	words   map[string][]wordEntry // by first word, longest key first
	regexps []regexpEntry
	size    int
}

type wordEntry struct {
	key, spoken string
}

type regexpEntry struct {
	re     *regexp.Regexp
	spoken string
}

// ErrLexicon is wrapped by the errors of ParseLexicon for malformed files.
var ErrLexicon = errors.New("bad lexicon")

// ParseLexicon reads a lexicon file. Errors give the line number.
func ParseLexicon(r io.Reader) (*Lexicon, error) {
	l := &Lexicon{words: map[string][]wordEntry{}}
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := l.add(line, n, seen); err != nil {
			return nil, fmt.Errorf("lexicon line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read lexicon: %w", err)
	}
	for _, es := range l.words {
		sort.SliceStable(es, func(i, j int) bool { return len(es[i].key) > len(es[j].key) })
	}
	return l, nil
}

func (l *Lexicon) add(line string, n int, seen map[string]int) error {
	if !utf8.ValidString(line) {
		return fmt.Errorf("%w: not UTF-8", ErrLexicon)
	}
	fields := strings.Split(line, "\t")
	if len(fields) != 2 {
		return fmt.Errorf("%w: want the written form, one tab, the spoken form; found %d tabs", ErrLexicon, len(fields)-1)
	}
	key, spoken := strings.TrimSpace(fields[0]), strings.TrimSpace(fields[1])
	if key == "" || !strings.ContainsFunc(spoken, isWordRune) {
		return fmt.Errorf("%w: empty written form or spoken form without letters", ErrLexicon)
	}
	if first, dup := seen[key]; dup {
		return fmt.Errorf("%w: %q already defined on line %d", ErrLexicon, key, first)
	}
	seen[key] = n
	l.size++
	if len(key) > 2 && strings.HasPrefix(key, "/") && strings.HasSuffix(key, "/") {
		re, err := regexp.Compile(key[1 : len(key)-1])
		if err != nil {
			return fmt.Errorf("%w: %w", ErrLexicon, err)
		}
		l.regexps = append(l.regexps, regexpEntry{re, spoken})
		return nil
	}
	key = strings.Join(strings.Fields(key), " ")
	if strings.IndexFunc(key, isWordRune) != 0 || !endsInWord(key) {
		return fmt.Errorf("%w: %q must start and end with a letter or digit (or be a /regexp/)", ErrLexicon, key)
	}
	first := key
	if k := strings.IndexFunc(key, notWordRune); k > 0 {
		first = key[:k]
	}
	l.words[first] = append(l.words[first], wordEntry{key, spoken})
	return nil
}

func endsInWord(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return isWordRune(r)
}

// Len returns the number of entries.
func (l *Lexicon) Len() int {
	if l == nil {
		return 0
	}
	return l.size
}

// Apply rewrites a spoken form with the lexicon. A nil Lexicon changes
// nothing.
func (l *Lexicon) Apply(spoken string) string {
	if l == nil {
		return spoken
	}
	if len(l.words) > 0 {
		spoken = l.applyWords(spoken)
	}
	for _, e := range l.regexps {
		spoken = e.re.ReplaceAllString(spoken, e.spoken)
	}
	return spoken
}

// applyWords scans the words of s left to right and replaces the longest
// entry starting at each, on whole-word boundaries.
func (l *Lexicon) applyWords(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		if !isWordRune(r) || i > 0 && isWordRune(prev) {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		end := i + strings.IndexFunc(s[i:], notWordRune)
		if end < i {
			end = len(s)
		}
		matched := false
		for _, e := range l.words[s[i:end]] {
			if !strings.HasPrefix(s[i:], e.key) {
				continue
			}
			if next, _ := utf8.DecodeRuneInString(s[i+len(e.key):]); !isWordRune(next) {
				b.WriteString(e.spoken)
				i += len(e.key)
				matched = true
				break
			}
		}
		if !matched {
			b.WriteString(s[i:end])
			i = end
		}
	}
	return b.String()
}

func notWordRune(r rune) bool { return !isWordRune(r) }
