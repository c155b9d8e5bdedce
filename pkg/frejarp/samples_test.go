package frejarp

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
)

// The logo samples of the tests are built here, in code, so that anyone can
// see and regenerate exactly what each one holds.

// pdfObject is one indirect object: a dictionary, and a stream when data
// is not nil.
type pdfObject struct {
	dict   string
	stream []byte
}

// pdfOptions shape a sample PDF.
type pdfOptions struct {
	content     []byte // the page's content stream
	flate       bool   // Flate-compress the content stream
	filter      string // another /Filter for the content stream (not applied)
	image       bool   // add an image XObject
	info        string // extra entries for the catalog (e.g. an Illustrator marker)
	encrypt     bool   // an /Encrypt entry in the trailer
	noEOF       bool   // leave out %%EOF
	junkBefore  int    // bytes before %PDF-
	extraStream []byte // an additional Flate-compressed stream (no /Type)
}

// samplePDF builds a one-page PDF 1.4 with a correct cross-reference table.
func samplePDF(o pdfOptions) []byte {
	content := o.content
	cdict := fmt.Sprintf("<< /Length %d >>", len(content))
	switch {
	case o.flate:
		content = deflate(content)
		cdict = fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>", len(content))
	case o.filter != "":
		cdict = fmt.Sprintf("<< /Length %d /Filter %s >>", len(content), o.filter)
	}
	resources := "<< >>"
	objs := []pdfObject{
		{dict: "<< /Type /Catalog /Pages 2 0 R " + o.info + " >>"},
		{dict: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{dict: ""}, // the page, below
		{dict: cdict, stream: content},
	}
	if o.image {
		pixels := bytes.Repeat([]byte{0xFF, 0, 0}, 40*20)
		img := deflate(pixels)
		objs = append(objs, pdfObject{dict: fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width 40 /Height 20 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>", len(img)), stream: img})
		resources = "<< /XObject << /Im0 5 0 R >> >>"
	}
	if o.extraStream != nil {
		s := deflate(o.extraStream)
		objs = append(objs, pdfObject{dict: fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>", len(s)), stream: s})
	}
	objs[2].dict = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources " + resources + " >>"

	var b bytes.Buffer
	b.Write(bytes.Repeat([]byte("x"), o.junkBefore))
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, obj := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\n", i+1, obj.dict)
		if obj.stream != nil {
			b.WriteString("stream\n")
			b.Write(obj.stream)
			b.WriteString("\nendstream\n")
		}
		b.WriteString("endobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	trailer := fmt.Sprintf("<< /Size %d /Root 1 0 R", len(objs)+1)
	if o.encrypt {
		trailer += " /Encrypt 9 0 R"
	}
	fmt.Fprintf(&b, "trailer\n%s >>\nstartxref\n%d\n", trailer, xref)
	if !o.noEOF {
		b.WriteString("%%EOF\n")
	}
	return b.Bytes()
}

func deflate(data []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	_, _ = w.Write(data)
	_ = w.Close()
	return b.Bytes()
}

// Page contents.
var (
	strokeContent = []byte("q 2 w 10 10 m 190 90 l S Q\n")
	fillContent   = []byte("1 0 0 rg\n10 10 180 80 re\nf\n")
	textContent   = []byte("BT /F1 24 Tf 10 40 Td (ACME) Tj ET\n")
	imageContent  = []byte("q 200 0 0 100 0 0 cm /Im0 Do Q\n")
)

// epsSample is an EPS file as design programs write it.
func epsSample(creator string, boundingBox bool) []byte {
	var b bytes.Buffer
	b.WriteString("%!PS-Adobe-3.0 EPSF-3.0\n")
	if boundingBox {
		b.WriteString("%%BoundingBox: 0 0 200 100\n")
	}
	fmt.Fprintf(&b, "%%%%Creator: %s\n%%%%Title: logo\n%%%%EndComments\n", creator)
	b.WriteString("newpath 10 10 moveto 190 90 lineto 2 setlinewidth stroke\nshowpage\n%%EOF\n")
	return b.Bytes()
}

// dosEPS wraps PostScript in the DOS EPS binary header, with a fake TIFF
// preview after it; offset moves the PostScript section's declared start.
func dosEPS(ps []byte, offsetDelta int) []byte {
	const hdr = 30
	preview := []byte("II*\x00 preview")
	out := make([]byte, hdr)
	copy(out, []byte{0xC5, 0xD0, 0xD3, 0xC6})
	binary.LittleEndian.PutUint32(out[4:], uint32(hdr+offsetDelta))
	binary.LittleEndian.PutUint32(out[8:], uint32(len(ps)))
	binary.LittleEndian.PutUint32(out[20:], uint32(hdr+len(ps)))
	binary.LittleEndian.PutUint32(out[24:], uint32(len(preview)))
	binary.LittleEndian.PutUint16(out[28:], 0xFFFF)
	out = append(out, ps...)
	return append(out, preview...)
}

// legacyAI is Illustrator 8's PostScript-based .ai.
var legacyAI = []byte("%!PS-Adobe-3.0\n%%Creator: Adobe Illustrator(R) 8.0\n%%AI8_CreatorVersion: 8.0\n%%BoundingBox: 0 0 200 100\n%%EndComments\n0 0 m 200 100 L S\n%%EOF\n")

var (
	pngSample  = append([]byte("\x89PNG\r\n\x1a\n"), []byte("\x00\x00\x00\rIHDR")...)
	jpegSample = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}
	svgSample  = []byte("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 100\"><rect width=\"180\" height=\"80\"/></svg>\n")
)
