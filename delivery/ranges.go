package delivery

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// maxRanges is the most ranges one request may ask for. Players and
// download managers ask for one; thousands of tiny ones only multiply the
// answer's multipart overhead and the CPU spent on it.
const maxRanges = 16

// byteRange is one satisfiable range, ends included.
type byteRange struct{ first, last int64 }

var (
	// errNotBytes: a Range in a unit other than bytes, which a server must ignore.
	errNotBytes = errors.New("range unit is not bytes")
	// errAmplified: too many ranges, or overlapping ones: the whole file is cheaper.
	errAmplified = errors.New("too many or overlapping ranges")
	// errUnsatisfiable: no range of the header falls in the file, or one is malformed.
	errUnsatisfiable = errors.New("range not satisfiable")
)

// parseRange reads a Range header for a body of size bytes (RFC 9110
// section 14): "bytes=0-499", "bytes=500-", "bytes=-500", comma-separated.
func parseRange(header string, size int64) ([]byteRange, error) {
	unit, set, ok := strings.Cut(header, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return nil, errNotBytes
	}
	var out []byteRange
	n := 0
	for spec := range strings.SplitSeq(set, ",") {
		spec = strings.TrimSpace(spec)
		if spec == "" {
			continue // empty list elements are allowed
		}
		if n++; n > maxRanges {
			return nil, errAmplified
		}
		a, b, ok := strings.Cut(spec, "-")
		if !ok {
			return nil, errUnsatisfiable
		}
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if a == "" {
			// The last b bytes; "-0" asks for none, which no answer satisfies.
			length, err := digits(b)
			if err != nil || length == 0 || size == 0 {
				if err != nil {
					return nil, errUnsatisfiable
				}
				continue
			}
			out = append(out, byteRange{max(0, size-length), size - 1})
			continue
		}
		first, err := digits(a)
		if err != nil {
			return nil, errUnsatisfiable
		}
		last := size - 1
		if b != "" {
			if last, err = digits(b); err != nil || last < first {
				return nil, errUnsatisfiable
			}
			last = min(last, size-1)
		}
		if first >= size {
			continue // this one is past the end; another may not be
		}
		out = append(out, byteRange{first, last})
	}
	if len(out) == 0 {
		return nil, errUnsatisfiable
	}
	sorted := slices.Clone(out)
	slices.SortFunc(sorted, func(x, y byteRange) int { return cmp.Compare(x.first, y.first) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].first <= sorted[i-1].last {
			return nil, errAmplified
		}
	}
	return out, nil
}

// digits reads a non-negative decimal without sign or spaces.
func digits(s string) (int64, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errUnsatisfiable
	}
	return strconv.ParseInt(s, 10, 64)
}

// sanitizeRange rewrites the request's Range before http.ServeContent sees
// it: another unit, too many ranges or overlapping ones are dropped (the
// whole file, 200, never an amplified answer), and an unsatisfiable one,
// "bytes=-0" included, becomes one that ServeContent also refuses, so it
// still answers 416 after its own precondition checks (If-None-Match...).
// size is the content's length, negative if unknown.
func sanitizeRange(r *http.Request, size int64) {
	h := r.Header.Get("Range")
	if h == "" || size < 0 {
		return
	}
	switch _, err := parseRange(h, size); {
	case err == nil:
	case errors.Is(err, errUnsatisfiable):
		r.Header.Set("Range", "bytes="+strconv.FormatInt(size, 10)+"-")
	default:
		r.Header.Del("Range")
	}
}
