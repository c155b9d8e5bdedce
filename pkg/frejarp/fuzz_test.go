package frejarp

import (
	"testing"
)

// FuzzSniffLogo feeds the logo sniffer arbitrary bytes: it must never panic,
// and its verdict must be consistent (only AI, EPS and PDF are accepted;
// every refusal and every doubt has a reason and a hint).
func FuzzSniffLogo(f *testing.F) {
	for _, seed := range [][]byte{
		samplePDF(pdfOptions{content: strokeContent}),
		samplePDF(pdfOptions{content: fillContent, flate: true}),
		samplePDF(pdfOptions{content: imageContent, image: true}),
		samplePDF(pdfOptions{content: strokeContent, encrypt: true}),
		samplePDF(pdfOptions{content: fillContent, info: "/Creator (Adobe Illustrator 27.0)"}),
		epsSample("Inkscape", true),
		dosEPS(epsSample("Adobe Illustrator(R) 24.0", true), 0),
		legacyAI, pngSample, jpegSample, svgSample,
		[]byte("%PDF-1.7\nstream\r\nendstream"),
		[]byte("%PDF-\n1 0 obj << /Filter /FlateDecode >> stream\n\x78\x9c"),
		{0xC5, 0xD0, 0xD3, 0xC6, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := SniffLogo(data)
		switch {
		case l.Accepted && l.Format != FormatAI && l.Format != FormatEPS && l.Format != FormatPDF:
			t.Fatalf("accepted format %q", l.Format)
		case l.Accepted && l.Encrypted:
			t.Fatal("accepted an encrypted PDF")
		case (!l.Accepted || l.Doubtful) && (l.Reason == "" || l.Hint == ""):
			t.Fatalf("verdict without reason or hint: %+v", l)
		case l.Description == "" && !l.Accepted && l.Format == "":
			t.Fatalf("no format: %+v", l)
		}
		r := CheckLogo("logo.ai", data)
		if (r.Status == Fail) == l.Accepted {
			t.Fatalf("CheckLogo %s disagrees with SniffLogo %+v", r.Status, l)
		}
	})
}
