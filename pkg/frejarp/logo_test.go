package frejarp

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestSniffLogo(t *testing.T) {
	illustrator := "/PieceInfo << /Illustrator << /Private 7 0 R >> >>"
	tests := []struct {
		name     string
		data     []byte
		format   Format
		accepted bool
		doubtful bool
		reason   string // part of Reason, when not accepted or doubtful
	}{
		{"PDF with stroked paths", samplePDF(pdfOptions{content: strokeContent}), FormatPDF, true, false, ""},
		{"PDF with filled paths, Flate-compressed", samplePDF(pdfOptions{content: fillContent, flate: true}), FormatPDF, true, false, ""},
		{"PDF with text", samplePDF(pdfOptions{content: textContent, flate: true}), FormatPDF, true, false, ""},
		{"PDF with vectors and an image", samplePDF(pdfOptions{content: append(append([]byte{}, imageContent...), fillContent...), image: true}), FormatPDF, true, false, ""},
		{"PDF header after junk", samplePDF(pdfOptions{content: strokeContent, junkBefore: 500}), FormatPDF, true, false, ""},
		{"PDF wrapping a bitmap", samplePDF(pdfOptions{content: imageContent, flate: true, image: true}), FormatPDF, false, false, "only 1 bitmap image(s)"},
		{"encrypted PDF", samplePDF(pdfOptions{content: strokeContent, encrypt: true}), FormatPDF, false, false, "encrypted"},
		{"PDF cut short", samplePDF(pdfOptions{content: strokeContent, noEOF: true}), FormatPDF, false, false, "cut short"},
		{"PDF with content this check cannot read", samplePDF(pdfOptions{content: []byte("garbage"), filter: "/LZWDecode"}), FormatPDF, true, true, "could not be confirmed"},
		{"Illustrator PDF-compatible AI", samplePDF(pdfOptions{content: fillContent, flate: true, info: illustrator}), FormatAI, true, false, ""},
		{"Illustrator AI holding a bitmap only", samplePDF(pdfOptions{content: imageContent, image: true, info: "/Creator (Adobe Illustrator 27.0)"}), FormatAI, true, true, "only embedded bitmap"},
		{"encrypted AI", samplePDF(pdfOptions{content: fillContent, info: illustrator, encrypt: true}), FormatAI, false, false, "encrypted"},
		{"EPS", epsSample("Inkscape", true), FormatEPS, true, false, ""},
		{"EPS from Illustrator", epsSample("Adobe Illustrator(R) 24.0", true), FormatEPS, true, false, ""},
		{"EPS without a bounding box", epsSample("Inkscape", false), FormatEPS, true, true, "BoundingBox"},
		{"EPS from Photoshop", epsSample("Adobe Photoshop Version 24.0", true), FormatEPS, true, true, "Photoshop"},
		{"DOS EPS with a TIFF preview", dosEPS(epsSample("Adobe Illustrator(R) 24.0", true), 0), FormatEPS, true, false, ""},
		{"DOS EPS pointing outside the file", dosEPS(epsSample("x", true), 1000), FormatUnknown, false, false, "outside the file"},
		{"DOS EPS pointing at no PostScript", dosEPS(epsSample("x", true), 1), FormatUnknown, false, false, "does not start with"},
		{"DOS EPS header cut short", []byte{0xC5, 0xD0, 0xD3, 0xC6, 1, 2}, FormatUnknown, false, false, "cut short"},
		{"Illustrator 8 PostScript AI", legacyAI, FormatAI, true, false, ""},
		{"plain PostScript", []byte("%!PS-Adobe-3.0\n%%Creator: dvips\nnewpath 0 0 moveto stroke\n"), FormatPostScript, false, false, "not Encapsulated PostScript"},
		{"PNG", pngSample, FormatPNG, false, false, "bitmap"},
		{"JPEG", jpegSample, FormatJPEG, false, false, "bitmap"},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00"), FormatGIF, false, false, "bitmap"},
		{"SVG", svgSample, FormatSVG, false, false, "SVG"},
		{"empty", []byte("\n \n"), FormatEmpty, false, false, "empty"},
		{"text", []byte("this is my logo"), FormatUnknown, false, false, "not AI, EPS or PDF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := SniffLogo(tt.data)
			if l.Format != tt.format || l.Accepted != tt.accepted || l.Doubtful != tt.doubtful {
				t.Fatalf("got %+v, want format %s accepted %v doubtful %v", l, tt.format, tt.accepted, tt.doubtful)
			}
			if tt.reason != "" && !strings.Contains(l.Reason, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", l.Reason, tt.reason)
			}
			if (!l.Accepted || l.Doubtful) && l.Hint == "" {
				t.Error("no hint")
			}
		})
	}
}

func TestCheckLogoNames(t *testing.T) {
	aiPDF := samplePDF(pdfOptions{content: fillContent, info: "/Creator (Adobe Illustrator 27.0)"})
	pdf := samplePDF(pdfOptions{content: fillContent})
	tests := []struct {
		name string
		data []byte
		want Status
		msg  string
	}{
		{"logo.ai", aiPDF, Pass, "Adobe Illustrator artwork"},
		{"logo.pdf", aiPDF, Pass, "Adobe Illustrator artwork"}, // a PDF with Illustrator editing data is both
		{"logo.pdf", pdf, Pass, "Freja prefers AI"},
		{"logo.eps", epsSample("Inkscape", true), Pass, "Encapsulated PostScript"},
		{"logo.ai", pdf, Warn, `its name ends in ".ai"`},
		{"logo.png", epsSample("Inkscape", true), Warn, `its name ends in ".png"`},
		{"logo", pdf, Warn, `its name ends in ""`},
		{"logo.ai", pngSample, Fail, "logo.ai: the logo is a PNG image"},
		{"logo.eps", epsSample("Adobe Photoshop Version 24.0", true), Warn, "Photoshop"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.msg, func(t *testing.T) {
			r := CheckLogo(tt.name, tt.data)
			if r.Rule != RuleLogo || r.Status != tt.want || !strings.Contains(r.Message, tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Message, tt.want, tt.msg)
			}
		})
	}
}

// TestSniffLogoBoundsWork proves a compression bomb costs bounded time and
// memory: a content stream that inflates to 64 MiB is read to 8 MiB only.
func TestSniffLogoBoundsWork(t *testing.T) {
	bomb := samplePDF(pdfOptions{content: bytes.Repeat([]byte(" "), 64<<20), flate: true, image: true})
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes compressed", len(bomb))
	}
	start := time.Now()
	l := SniffLogo(bomb)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if l.Accepted {
		t.Errorf("a bitmap behind a bomb was accepted: %+v", l)
	}
}
