package delivery

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseRange(t *testing.T) {
	cases := []struct {
		h    string
		want []byteRange
		err  error
	}{
		{"bytes=0-99", []byteRange{{0, 99}}, nil},
		{"bytes=900-", []byteRange{{900, 999}}, nil},
		{"bytes=-100", []byteRange{{900, 999}}, nil},
		{"bytes=-5000", []byteRange{{0, 999}}, nil},
		{"BYTES = 0-0 , 10-20", []byteRange{{0, 0}, {10, 20}}, nil},
		{"bytes=990-5000", []byteRange{{990, 999}}, nil},
		{"bytes=5000-6000, 0-1", []byteRange{{0, 1}}, nil},
		{"bytes=-0", nil, errUnsatisfiable},
		{"bytes=1000-", nil, errUnsatisfiable},
		{"bytes=5-4", nil, errUnsatisfiable},
		{"bytes=a-b", nil, errUnsatisfiable},
		{"bytes=+1-2", nil, errUnsatisfiable},
		{"bytes=", nil, errUnsatisfiable},
		{"items=0-5", nil, errNotBytes},
		{"0-5", nil, errNotBytes},
		{"bytes=0-10,5-20", nil, errAmplified},
		{"bytes=0-,-1", nil, errAmplified},
		{"bytes=" + strings.Repeat("0-0,", 17), nil, errAmplified},
		{"bytes=" + strings.TrimSuffix(strings.Repeat("1-1,3-3,5-5,7-7,", 4), ","), []byteRange{
			{1, 1}, {3, 3}, {5, 5}, {7, 7}, {1, 1}, {3, 3}, {5, 5}, {7, 7}, {1, 1}, {3, 3}, {5, 5}, {7, 7}, {1, 1}, {3, 3}, {5, 5}, {7, 7}}, errAmplified},
	}
	for _, c := range cases {
		got, err := parseRange(c.h, 1000)
		if !errors.Is(err, c.err) || (c.err == nil && fmt.Sprint(got) != fmt.Sprint(c.want)) {
			t.Errorf("parseRange(%q) = %v, %v; want %v, %v", c.h, got, err, c.want, c.err)
		}
	}
}

// FuzzParseRange checks that whatever a client sends, the ranges accepted
// are inside the file, at most maxRanges, and never overlap: the answer
// is never larger than the file (plus multipart headers).
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-99", "bytes=-0", "bytes=-1,0-0", "bytes=0-,1-", "bytes= 5 - 9 ,,", "items=1-2", "bytes=99999999999999999999-"} {
		f.Add(s, int64(1000))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -size
		}
		rs, err := parseRange(h, size)
		if err != nil {
			return
		}
		if len(rs) == 0 || len(rs) > maxRanges {
			t.Fatalf("%q: %d ranges", h, len(rs))
		}
		var total int64
		for _, r := range rs {
			if r.first < 0 || r.last < r.first || r.last >= size {
				t.Fatalf("%q on %d bytes: range %v", h, size, r)
			}
			total += r.last - r.first + 1
		}
		if total > size {
			t.Fatalf("%q: %d bytes asked of %d", h, total, size)
		}
	})
}
