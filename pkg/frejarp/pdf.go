package frejarp

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
)

// Limits of the PDF content check, so that a crafted file (a compression
// bomb, a million streams) costs bounded memory and time.
const (
	maxStreamOut = 8 << 20  // inflated bytes per stream
	maxTotalOut  = 32 << 20 // inflated bytes per file
	maxStreams   = 4096     // streams examined per file
	dictWindow   = 64 << 10 // how far back from "stream" its dictionary may start
)

var (
	reEncrypt     = regexp.MustCompile(`/Encrypt\s*(?:\d+\s+\d+\s+R|<<)`)
	reImage       = regexp.MustCompile(`/Subtype\s*/Image\b`)
	reSkipStream  = regexp.MustCompile(`/Subtype\s*/(?:Image|Type1C|CIDFontType0C|OpenType|XML)\b|/Type\s*/(?:XRef|ObjStm|Metadata|EmbeddedFile)\b|/Length[123]\b|/FunctionType\b`)
	reFilter      = regexp.MustCompile(`/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)`)
	reFilterName  = regexp.MustCompile(`/[A-Za-z0-9]+`)
	reIllustrator = regexp.MustCompile(`/AIPrivateData|/Illustrator\b|Adobe Illustrator`)
)

// sniffPDF judges a PDF, or Illustrator's PDF-compatible AI.
func sniffPDF(data []byte) Logo {
	l := Logo{Format: FormatPDF, Description: "a PDF document"}
	if reIllustrator.Match(data) {
		l.Format, l.Description = FormatAI, "Adobe Illustrator artwork (PDF-compatible)"
	}
	if !bytes.Contains(data, []byte("%%EOF")) {
		l.Reason, l.Hint = "the PDF has no %%EOF marker: the file is cut short", "copy or export the logo again"
		return l
	}
	if reEncrypt.Match(data) {
		l.Encrypted = true
		l.Reason = "the PDF is encrypted (password or permission protected), so it cannot be edited"
		l.Hint = "save it again without security settings (Acrobat: File > Properties > Security: No Security)"
		return l
	}
	c := scanPDF(data)
	l.Vector, l.Images = c.vector, c.images
	switch {
	case c.vector:
		l.Accepted = true
	case c.images > 0:
		if l.Format == FormatAI {
			l.Accepted, l.Doubtful = true, true
			l.Reason, l.Hint = "no vector drawing was found in it, only embedded bitmap(s)", "make sure the artwork is vector (Illustrator: Object > Image Trace, or use the original artwork)"
			return l
		}
		l.Reason = fmt.Sprintf("the PDF holds only %d bitmap image(s) and no vector drawing: it is a wrapped bitmap, not editable artwork", c.images)
		l.Hint = exportHint
	default:
		l.Accepted, l.Doubtful = true, true
		l.Reason = "its vector content could not be confirmed (the page content uses compression this check does not read)"
		l.Hint = "make sure the PDF was exported from the design program with its vector artwork"
	}
	return l
}

// pdfContent is what scanPDF found.
type pdfContent struct {
	vector bool // path construction and painting, or text, in page content
	images int  // image XObjects
}

// scanPDF counts image XObjects and inflates content streams looking for
// vector drawing, within the limits above.
func scanPDF(data []byte) pdfContent {
	// Image XObjects are streams, and streams are never inside compressed
	// object streams: their dictionaries are always plain text.
	c := pdfContent{images: len(reImage.FindAllIndex(data, -1))}
	budget := maxTotalOut
	pos := 0
	for n := 0; n < maxStreams && budget > 0; n++ {
		i := bytes.Index(data[pos:], []byte("stream"))
		if i < 0 {
			break
		}
		at := pos + i
		pos = at + len("stream")
		if at >= 3 && string(data[at-3:at]) == "end" {
			continue
		}
		start := streamStart(data, pos)
		if start < 0 {
			continue
		}
		dict := streamDict(data, at)
		if reSkipStream.Match(dict) {
			continue
		}
		end := bytes.Index(data[start:], []byte("endstream"))
		if end < 0 {
			end = len(data) - start
		}
		body, ok := decodeStream(dict, data[start:start+end], min(budget, maxStreamOut))
		pos = start + end
		if !ok {
			continue
		}
		budget -= len(body)
		if drawsVectors(body) {
			c.vector = true
			break
		}
	}
	return c
}

// streamStart returns where a stream's data begins after the "stream"
// keyword (which must be followed by CRLF or LF), or -1.
func streamStart(data []byte, pos int) int {
	switch {
	case bytes.HasPrefix(data[pos:], []byte("\r\n")):
		return pos + 2
	case bytes.HasPrefix(data[pos:], []byte("\n")), bytes.HasPrefix(data[pos:], []byte("\r")):
		return pos + 1
	}
	return -1
}

// streamDict returns the text of the object before a "stream" keyword at
// at: from its "obj" keyword on, within dictWindow bytes.
func streamDict(data []byte, at int) []byte {
	from := max(0, at-dictWindow)
	window := data[from:at]
	if i := bytes.LastIndex(window, []byte("obj")); i >= 0 {
		return window[i:]
	}
	return window
}

// decodeStream returns a stream's content when it is unfiltered or only
// Flate-compressed, inflating at most limit bytes (a truncated stream gives
// what could be inflated).
func decodeStream(dict, raw []byte, limit int) ([]byte, bool) {
	m := reFilter.FindSubmatch(dict)
	if m == nil {
		return head(raw, limit), true
	}
	names := reFilterName.FindAll(m[1], -1)
	if len(names) != 1 || string(names[0]) != "/FlateDecode" {
		return nil, false
	}
	var r io.Reader
	if zr, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
		defer zr.Close()
		r = zr
	} else {
		fr := flate.NewReader(bytes.NewReader(raw))
		defer fr.Close()
		r = fr
	}
	out, _ := io.ReadAll(io.LimitReader(r, int64(limit)))
	return out, len(out) > 0
}

// drawsVectors reads a content stream token by token and reports whether it
// constructs a path and paints one (m, l, c, v, y, re with their operands,
// and f, F, f*, S, s, B, B*, b, b*), or shows text (Tj, TJ, ', " after a
// string or array). A single linear pass: content streams can be megabytes
// of numbers, which a regular expression would crawl through.
func drawsVectors(body []byte) bool {
	var path, paint bool
	operands, stringBefore := 0, false
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case isPDFSpace(c):
			i++
			continue
		case c == '%': // comment to end of line
			for i < len(body) && body[i] != '\n' && body[i] != '\r' {
				i++
			}
			continue
		case c == '(':
			i = skipString(body, i)
			operands, stringBefore = operands+1, true
			continue
		case c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}':
			stringBefore = c == '>' || c == ']'
			if c == '<' && i+1 < len(body) && body[i+1] != '<' { // hex string
				if j := indexByteFrom(body, i, '>'); j > 0 {
					i, stringBefore = j+1, true
					operands++
					continue
				}
			}
			i++
			continue
		}
		j := i
		for j < len(body) && !isPDFSpace(body[j]) && !isPDFDelimiter(body[j]) {
			j++
		}
		if j == i { // a lone delimiter such as ')' or '/'
			j = i + 1
		}
		tok := string(body[i:j])
		i = j
		if isNumber(tok) {
			operands++
			stringBefore = false
			continue
		}
		switch tok {
		case "m", "l":
			path = path || operands >= 2
		case "re", "v", "y":
			path = path || operands >= 4
		case "c":
			path = path || operands >= 6
		case "f", "F", "f*", "S", "s", "B", "B*", "b", "b*":
			paint = true
		case "Tj", "TJ", "'", "\"":
			if stringBefore {
				return true
			}
		}
		if path && paint {
			return true
		}
		operands, stringBefore = 0, false
	}
	return false
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelimiter(c byte) bool {
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%'
}

// isNumber reports whether tok is a PDF number (123, -4.5, .5, +1).
func isNumber(tok string) bool {
	digits := 0
	for k := 0; k < len(tok); k++ {
		switch c := tok[k]; {
		case c >= '0' && c <= '9':
			digits++
		case (c == '-' || c == '+') && k == 0, c == '.':
		default:
			return false
		}
	}
	return digits > 0
}

// skipString returns the index after the literal string starting at body[i]
// ('('), honouring nested parentheses and backslash escapes.
func skipString(body []byte, i int) int {
	depth := 0
	for ; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return i
}

func indexByteFrom(b []byte, from int, c byte) int {
	if k := bytes.IndexByte(b[from:], c); k >= 0 {
		return from + k
	}
	return -1
}
