package frejarp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
)

// Format is a file format SniffLogo recognises.
type Format string

// The formats SniffLogo tells apart. Only AI, EPS and PDF can be accepted.
const (
	FormatAI         Format = "ai"
	FormatEPS        Format = "eps"
	FormatPDF        Format = "pdf"
	FormatPostScript Format = "ps"
	FormatSVG        Format = "svg"
	FormatPNG        Format = "png"
	FormatJPEG       Format = "jpeg"
	FormatGIF        Format = "gif"
	FormatTIFF       Format = "tiff"
	FormatBMP        Format = "bmp"
	FormatWebP       Format = "webp"
	FormatUnknown    Format = "unknown"
	FormatEmpty      Format = "empty"
)

// Logo is what SniffLogo found out about a logo file.
type Logo struct {
	Format Format `json:"format"`
	// Description names the format in words ("Encapsulated PostScript").
	Description string `json:"description"`
	// Accepted is true for AI, EPS and editable PDF.
	Accepted bool `json:"accepted"`
	// Reason says why the file is refused (Accepted false), or what is
	// doubtful about an accepted one; Hint says what to do.
	Reason string `json:"reason,omitempty"`
	Hint   string `json:"hint,omitempty"`
	// Doubtful marks an accepted file with a reservation (Reason says it).
	Doubtful bool `json:"doubtful,omitempty"`
	// PDF and PDF-based AI files: what the content check found.
	Encrypted bool `json:"encrypted,omitempty"`
	Vector    bool `json:"vector,omitempty"`
	Images    int  `json:"images,omitempty"`
}

const exportHint = "export the logo from the design program as AI (preferred), EPS or PDF with its vector artwork"

// SniffLogo recognises a logo by its content (see the package comment for
// what is checked).
func SniffLogo(data []byte) Logo {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return refused(FormatEmpty, "an empty file", "the file is empty", "give the logo file itself")
	case bytes.Contains(head(data, 1024), []byte("%PDF-")):
		return sniffPDF(data)
	case bytes.HasPrefix(data, []byte{0xC5, 0xD0, 0xD3, 0xC6}):
		return sniffDOSEPS(data)
	case bytes.HasPrefix(data, []byte("%!PS-Adobe-")) || bytes.HasPrefix(data, []byte("%!")):
		return sniffPostScript(data, "")
	}
	if f, what := rasterFormat(data); f != "" {
		return refused(f, what, "the logo is a "+what+", a bitmap; Freja needs vector artwork", exportHint)
	}
	if isSVG(data) {
		return refused(FormatSVG, "an SVG drawing", "the logo is SVG: vector artwork, but not one of the formats Freja takes",
			"open it in Illustrator or Inkscape and save it as AI, EPS or PDF")
	}
	return refused(FormatUnknown, "an unknown format", "the file is not AI, EPS or PDF", exportHint)
}

func refused(f Format, what, reason, hint string) Logo {
	return Logo{Format: f, Description: what, Reason: reason, Hint: hint}
}

// head returns at most the first n bytes.
func head(data []byte, n int) []byte {
	if len(data) > n {
		return data[:n]
	}
	return data
}

// sniffPostScript judges PostScript: EPS when the first line says EPSF,
// Illustrator artwork (AI 8 and older) when its header names Illustrator.
// where is "" or " in the DOS EPS file's PostScript section".
func sniffPostScript(ps []byte, where string) Logo {
	first := ps
	if i := bytes.IndexAny(ps, "\r\n"); i >= 0 {
		first = ps[:i]
	}
	header := head(ps, 64<<10)
	illustrator := bytes.Contains(header, []byte("%%Creator: Adobe Illustrator")) || bytes.Contains(header, []byte("%%AI"))
	switch {
	case bytes.HasPrefix(first, []byte("%!PS-Adobe-")) && bytes.Contains(first, []byte("EPSF")):
		l := Logo{Format: FormatEPS, Description: "Encapsulated PostScript", Accepted: true}
		if illustrator {
			l.Description += " from Adobe Illustrator"
		}
		switch {
		case !bytes.Contains(header, []byte("%%BoundingBox:")):
			l.Doubtful, l.Reason, l.Hint = true, "the EPS has no %%BoundingBox comment"+where+", which EPS requires", "export it again from the design program"
		case bytes.Contains(header, []byte("%%Creator: Adobe Photoshop")):
			l.Doubtful, l.Reason, l.Hint = true, "the EPS comes from Adobe Photoshop and probably holds a bitmap, not vector artwork", exportHint
		}
		return l
	case illustrator && bytes.HasPrefix(first, []byte("%!PS-Adobe-")):
		return Logo{Format: FormatAI, Description: "Adobe Illustrator artwork (PostScript-based, Illustrator 8 or older)", Accepted: true}
	}
	return refused(FormatPostScript, "PostScript", "the file is PostScript"+where+" but not Encapsulated PostScript (no EPSF on its first line)",
		"export it as EPS (or AI or PDF) from the design program")
}

// sniffDOSEPS checks the DOS EPS binary header: the PostScript section it
// points to must lie inside the file and be PostScript.
func sniffDOSEPS(data []byte) Logo {
	if len(data) < 30 {
		return refused(FormatUnknown, "a damaged DOS EPS file", "the DOS EPS header is cut short", "export the logo again")
	}
	off := uint64(binary.LittleEndian.Uint32(data[4:8]))
	n := uint64(binary.LittleEndian.Uint32(data[8:12]))
	if off < 30 || n == 0 || off+n > uint64(len(data)) {
		return refused(FormatUnknown, "a damaged DOS EPS file", "the DOS EPS header points outside the file (is it cut short?)", "export the logo again")
	}
	ps := data[off : off+n]
	if !bytes.HasPrefix(ps, []byte("%!PS-Adobe-")) {
		return refused(FormatUnknown, "a damaged DOS EPS file", "the DOS EPS file's PostScript section does not start with %!PS-Adobe-", "export the logo again")
	}
	l := sniffPostScript(ps, " in the DOS EPS file's PostScript section")
	if l.Format == FormatPostScript {
		// A DOS EPS wrapper with a PostScript section is EPS by intent.
		l = Logo{Format: FormatEPS, Description: "Encapsulated PostScript (DOS EPS with a preview)", Accepted: true}
	} else {
		l.Description += " (DOS EPS with a preview)"
	}
	return l
}

// rasterFormat names bitmap formats by their signatures.
func rasterFormat(data []byte) (Format, string) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG, "PNG image"
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG, "JPEG image"
	case bytes.HasPrefix(data, []byte("GIF87a")) || bytes.HasPrefix(data, []byte("GIF89a")):
		return FormatGIF, "GIF image"
	case bytes.HasPrefix(data, []byte("II*\x00")) || bytes.HasPrefix(data, []byte("MM\x00*")):
		return FormatTIFF, "TIFF image"
	case len(data) >= 12 && bytes.HasPrefix(data, []byte("RIFF")) && string(data[8:12]) == "WEBP":
		return FormatWebP, "WebP image"
	case len(data) >= 26 && bytes.HasPrefix(data, []byte("BM")) && binary.LittleEndian.Uint32(data[2:6]) == uint32(len(data)):
		return FormatBMP, "BMP image"
	}
	return "", ""
}

// isSVG recognises an SVG document (optionally after a BOM, an XML
// declaration, comments or a doctype).
func isSVG(data []byte) bool {
	h := bytes.TrimPrefix(head(data, 4096), []byte{0xEF, 0xBB, 0xBF})
	h = bytes.TrimSpace(h)
	return (bytes.HasPrefix(h, []byte("<svg")) || bytes.HasPrefix(h, []byte("<?xml")) || bytes.HasPrefix(h, []byte("<!"))) &&
		bytes.Contains(h, []byte("<svg"))
}

// extensions maps file name extensions to the format they promise.
var extensions = map[string]Format{".ai": FormatAI, ".eps": FormatEPS, ".epsf": FormatEPS, ".pdf": FormatPDF,
	".ps": FormatPostScript, ".svg": FormatSVG, ".png": FormatPNG, ".jpg": FormatJPEG, ".jpeg": FormatJPEG,
	".gif": FormatGIF, ".tif": FormatTIFF, ".tiff": FormatTIFF, ".bmp": FormatBMP, ".webp": FormatWebP}

// CheckLogo checks a logo file's content, and that its name's extension
// matches it (a mismatch is a warning: Freja's staff open files by name).
func CheckLogo(name string, data []byte) Result {
	l := SniffLogo(data)
	r := Result{Rule: RuleLogo}
	base := filepath.Base(name)
	if !l.Accepted {
		r.Status, r.Message, r.Hint = Fail, fmt.Sprintf("%s: %s", base, l.Reason), l.Hint
		return r
	}
	r.Status, r.Message = Pass, fmt.Sprintf("%s is %s", base, l.Description)
	if l.Doubtful {
		r.Status, r.Hint = Warn, l.Hint
		r.Message += ", but " + l.Reason
	}
	ext := strings.ToLower(filepath.Ext(name))
	want, known := extensions[ext]
	pdfNamedAI := want == FormatPDF && l.Format == FormatAI // Illustrator's PDF with editing data: both
	if (!known || want != l.Format) && !pdfNamedAI {
		r.Status = Warn
		r.Message += fmt.Sprintf("; its name ends in %q", ext)
		r.Hint = joinHints(r.Hint, fmt.Sprintf("name it %s so that it opens in the right program", strings.TrimSuffix(base, filepath.Ext(base))+preferredExt(l.Format)))
	}
	if r.Status == Pass && l.Format != FormatAI {
		r.Message += " (accepted; Freja prefers AI)"
	}
	return r
}

func preferredExt(f Format) string {
	switch f {
	case FormatAI:
		return ".ai"
	case FormatEPS:
		return ".eps"
	}
	return ".pdf"
}

func joinHints(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
