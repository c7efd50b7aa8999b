package feed

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// CoverSize is the side of the default cover in pixels: Apple asks for
// 1400 to 3000.
const CoverSize = 1400

var (
	coverTop    = color.RGBA{0x12, 0x2b, 0x4a, 0xff} // deep blue
	coverBottom = color.RGBA{0x1f, 0x6f, 0x8b, 0xff} // teal
	coverAccent = color.RGBA{0xff, 0xb7, 0x03, 0xff} // amber
	coverText   = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// Cover draws the default square cover: the show's title in large white
// letters, word-wrapped, on a blue gradient, with sound bars and
// "À écouter" below. It returns a PNG.
func Cover(title string) ([]byte, error) {
	const (
		size   = CoverSize
		margin = 140
	)
	img := coverBackground(size, margin)

	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("cover font: %w", err)
	}
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("cover font: %w", err)
	}
	if strings.TrimSpace(title) == "" {
		title = DefaultTitle
	}
	face, lines, pt, err := titleFace(bold, title, size-2*margin, 760)
	if err != nil {
		return nil, err
	}
	d := &font.Drawer{Dst: img, Src: image.NewUniform(coverText), Face: face}
	y := margin + int(pt)
	for _, l := range lines {
		d.Dot = fixed.P(margin, y)
		d.DrawString(l)
		y += lineHeight(pt)
	}

	small, err := opentype.NewFace(regular, &opentype.FaceOptions{Size: 64, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("cover font: %w", err)
	}
	d = &font.Drawer{Dst: img, Src: image.NewUniform(coverText), Face: small, Dot: fixed.P(margin, size-margin)}
	d.DrawString("À écouter")

	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode cover: %w", err)
	}
	return buf.Bytes(), nil
}

// coverBackground is the cover without its words: the gradient and the
// sound bars, a small equaliser that reads "audio" at thumbnail size.
func coverBackground(size, margin int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		c := mix(coverTop, coverBottom, float64(y)/float64(size))
		row := img.Pix[y*img.Stride : y*img.Stride+4*size]
		for x := 0; x < len(row); x += 4 {
			row[x], row[x+1], row[x+2], row[x+3] = c.R, c.G, c.B, c.A
		}
	}
	heights := []int{60, 130, 200, 110, 170, 80, 140}
	for i, h := range heights {
		x := margin + i*48
		base := size - margin - 120
		draw.Draw(img, image.Rect(x, base-h, x+30, base), image.NewUniform(coverAccent), image.Point{}, draw.Src)
	}
	return img
}

// titleFace is the largest size (from 190 pt down to 40) at which title,
// wrapped, fits in width × height, with its face and lines.
func titleFace(bold *opentype.Font, title string, width, height int) (font.Face, []string, float64, error) {
	var (
		face  font.Face
		lines []string
		pt    float64
		err   error
	)
	for pt = 190; pt >= 40; pt -= 10 {
		face, err = opentype.NewFace(bold, &opentype.FaceOptions{Size: pt, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, nil, 0, fmt.Errorf("cover font: %w", err)
		}
		lines = wrap(face, title, width)
		if len(lines)*lineHeight(pt) <= height && fits(face, lines, width) {
			break
		}
	}
	return face, lines, pt, nil
}

// wrap breaks text into lines no wider than width, at spaces. A word
// wider than a line stays on its own line (fits then reports it).
func wrap(face font.Face, text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && font.MeasureString(face, try).Ceil() > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

func lineHeight(pt float64) int { return int(pt * 1.15) }

func fits(face font.Face, lines []string, width int) bool {
	for _, l := range lines {
		if font.MeasureString(face, l).Ceil() > width {
			return false
		}
	}
	return true
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 0xff}
}
