// Package frejarp checks what a relying party hands Freja eID before it may
// use the production environment, as the Freja eID relying-party document's
// "Production environment checklist" states it: a display name of at most 20
// characters, a description of at most 75, a URL of at most 100, and a logo
// "in one of the vector file formats: AI (Adobe Illustrator Artwork), EPS
// (Encapsulated PostScript) or editable PDF", AI preferred.
//
// # Text
//
// Lengths are counted in Unicode code points (what a person counts as
// characters for Latin, Swedish and most other scripts; a letter typed as a
// base letter plus a combining accent counts twice). Every text must be
// valid UTF-8, not empty, and free of control characters; leading or
// trailing spaces are a warning. The URL must also be an absolute https URL
// whose host is a public DNS name (with a dot, not an IP address or
// "localhost"), without a user name or password in it and without spaces.
//
// # Logo
//
// The logo is judged by its content, never by its name alone (SniffLogo):
//
//   - PDF: "%PDF-" within the first 1024 bytes (where readers look for it)
//     and an "%%EOF" marker (a file cut short has none).
//   - AI: Illustrator's own format is either a PDF with an Illustrator
//     marker (an /AIPrivateData or /Illustrator key, or "Adobe Illustrator"
//     as creator, which every Illustrator since version 9 writes) or, from
//     Illustrator 8 and older, PostScript with "%%Creator: Adobe
//     Illustrator" in its header comments.
//   - EPS: "%!PS-Adobe-N.N EPSF-N.N" on the first line, or the DOS EPS
//     binary header C5 D0 D3 C6 whose PostScript section (located by the
//     header's offset and length, which must lie inside the file) starts
//     with "%!PS-Adobe-". Plain PostScript without "EPSF" is not EPS.
//
// "Editable PDF" is what a designer can open and change as vector artwork in
// Illustrator or Inkscape. This package checks what can be told from the file
// alone: it is not encrypted (an /Encrypt dictionary: a password or
// permission-protected PDF cannot be edited), and its page content draws
// vectors. For the latter it inflates the content streams that are
// uncompressed or Flate-compressed (at most 8 MiB each, 32 MiB in all, so a
// compression bomb cannot exhaust memory) and looks for path construction
// with a painting operator (m, l, c, re … with f, S, B …) or text-showing
// operators (Tj, TJ). A PDF with image XObjects and no vector drawing is a
// wrapped bitmap (a scan, or a PNG saved as PDF) and fails; a PDF whose
// content this check cannot read (other filters, broken streams) passes
// with a warning that vector content was not confirmed.
//
// SVG, PNG, JPEG, GIF, TIFF, BMP and WebP files are recognised and refused
// with a message saying how to export the artwork in an accepted format. A
// name whose extension does not match the content is a warning.
//
// The package reads no files and holds no state: callers pass the bytes.
package frejarp
