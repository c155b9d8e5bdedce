package keystore

import (
	"archive/zip"
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"unicode"

	"github.com/caronboard/caronboard/internal/safefile"
)

// Limits of ReadBundle and ReadBundleFile. A real bundle from Freja partner
// support is a few kilobytes with four or five entries.
const (
	// MaxBundleSize is the largest ZIP file ReadBundleFile reads.
	MaxBundleSize = 16 << 20
	// MaxBundleEntries is the largest number of entries (files and folders)
	// a bundle may have.
	MaxBundleEntries = 100
	// MaxBundleUncompressed is the largest total uncompressed size of all
	// entries.
	MaxBundleUncompressed = 8 << 20
	// maxCompressionRatio is the largest uncompressed:compressed ratio
	// accepted for entries of at least ratioMinSize bytes. PEM and DER
	// certificates compress less than 2:1.
	maxCompressionRatio = 100
	ratioMinSize        = 4 << 10
)

// BundleEntry is one certificate file found in a ZIP bundle.
type BundleEntry struct {
	// Name is the entry's path inside the ZIP, such as
	// "ACME AB/Freja eID Test Root.cer".
	Name string
	// Certs are the certificates in the entry, in file order.
	Certs []*x509.Certificate
}

// ReadBundle reads the certificates in a ZIP file such as the one Freja
// partner support sends (the relying party's certificate, the root and
// issuing CA .cer files and a chain .pem, usually in a folder). It never
// writes anything to disk.
//
// Every entry whose name ends in .cer, .crt, .pem or .der (in any case, in
// any folder) is read with ParseCertificates, so PEM and DER both work; an
// entry that fails to parse is an error naming it. Other entries (a
// README.txt) are ignored, as are macOS resource forks ("__MACOSX/",
// "._name"). The first result lists the certificate entries in ZIP order;
// the second, every certificate once (deduplicated by DER), in order of
// first appearance.
//
// The whole ZIP is refused with an error wrapping ErrUnsafeBundle, naming the
// entry, when any entry has a ".." path element, an absolute path (leading
// "/", a drive letter) or a backslash, is a symbolic link or other special
// file, duplicates another entry's name (ignoring case), or when there are
// more than MaxBundleEntries entries, an entry is larger than MaxInputSize
// (declared or actual: the content is read through a limit, the header is
// never trusted alone), the declared size differs from the content, the
// total exceeds MaxBundleUncompressed, or an entry's compression ratio is
// above 100:1. A damaged or encrypted ZIP gives ErrMalformedBundle; a ZIP
// without certificate files, ErrNotCertificate.
func ReadBundle(zipData []byte) ([]BundleEntry, []*x509.Certificate, error) {
	if n, ok := declaredEntries(zipData); ok && n > MaxBundleEntries {
		return nil, nil, newError(ErrUnsafeBundle, "the ZIP file has %d entries; a certificate bundle has a handful (at most %d accepted)", n, MaxBundleEntries)
	}
	r, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, nil, newError(ErrMalformedBundle, "the data is not a ZIP file, or it is damaged or truncated")
	}
	if len(r.File) > MaxBundleEntries {
		return nil, nil, newError(ErrUnsafeBundle, "the ZIP file has %d entries; a certificate bundle has a handful (at most %d accepted)", len(r.File), MaxBundleEntries)
	}
	if err := checkEntries(r.File); err != nil {
		return nil, nil, err
	}
	var entries []BundleEntry
	var all []*x509.Certificate
	seen := map[string]bool{}
	for _, f := range r.File {
		if !isCertificateEntry(f) {
			continue
		}
		data, err := readEntry(f)
		if err != nil {
			return nil, nil, err
		}
		certs, err := ParseCertificates(data)
		if err != nil {
			return nil, nil, &keyError{kind: err, msg: fmt.Sprintf("%q in the ZIP file: %v", f.Name, err)}
		}
		entries = append(entries, BundleEntry{Name: f.Name, Certs: certs})
		for _, c := range certs {
			if !seen[string(c.Raw)] {
				seen[string(c.Raw)] = true
				all = append(all, c)
			}
		}
	}
	if len(entries) == 0 {
		return nil, nil, newError(ErrNotCertificate, "the ZIP file holds no certificate files (.cer, .crt, .pem or .der)")
	}
	return entries, all, nil
}

// ReadBundleFile reads the ZIP file at path (at most MaxBundleSize bytes)
// with ReadBundle. Errors name the path.
func ReadBundleFile(path string) ([]BundleEntry, []*x509.Certificate, error) {
	data, err := safefile.ReadFile(path, MaxBundleSize)
	if err != nil {
		return nil, nil, err
	}
	entries, certs, err := ReadBundle(data)
	if err != nil {
		return nil, nil, withPath(path, err)
	}
	return entries, certs, nil
}

// declaredEntries reads the entry count of the end of central directory
// record, so that a ZIP claiming millions of entries is refused before
// archive/zip allocates them.
func declaredEntries(data []byte) (int, bool) {
	const eocdLen = 22
	sig := []byte{'P', 'K', 5, 6}
	start := max(0, len(data)-eocdLen-0xffff)
	i := bytes.LastIndex(data[start:], sig)
	if i < 0 || start+i+eocdLen > len(data) {
		return 0, false
	}
	n := binary.LittleEndian.Uint16(data[start+i+10:])
	if n == 0xffff { // ZIP64: the real count is elsewhere
		return 0, false
	}
	return int(n), true
}

// checkEntries refuses unsafe names, types, sizes and ratios.
func checkEntries(files []*zip.File) error {
	names := map[string]bool{}
	var total uint64
	for _, f := range files {
		if reason := unsafeName(f.Name); reason != "" {
			return newError(ErrUnsafeBundle, "the ZIP entry %q %s; refusing the ZIP file", f.Name, reason)
		}
		if m := f.Mode(); m&fs.ModeType&^fs.ModeDir != 0 {
			return newError(ErrUnsafeBundle, "the ZIP entry %q is %s, not a regular file; refusing the ZIP file", f.Name, safefile.KindOf(m))
		}
		key := strings.ToLower(path.Clean(f.Name))
		if names[key] {
			return newError(ErrUnsafeBundle, "the ZIP file has two entries named %q; refusing it, since it is unclear which one is meant", f.Name)
		}
		names[key] = true
		size := f.UncompressedSize64
		if size > MaxInputSize {
			return newError(ErrUnsafeBundle, "the ZIP entry %q is %d bytes uncompressed, more than the %s a certificate file may have; refusing the ZIP file", f.Name, size, safefile.ByteSize(MaxInputSize))
		}
		if size >= ratioMinSize && (f.CompressedSize64 == 0 || size/f.CompressedSize64 > maxCompressionRatio) {
			return newError(ErrUnsafeBundle, "the ZIP entry %q is compressed more than %d:1, as a ZIP bomb is; refusing the ZIP file", f.Name, maxCompressionRatio)
		}
		if total += size; total > MaxBundleUncompressed {
			return newError(ErrUnsafeBundle, "the ZIP file's entries add up to more than %s uncompressed; refusing it", safefile.ByteSize(MaxBundleUncompressed))
		}
	}
	return nil
}

// unsafeName says why an entry name is unsafe, or returns "".
func unsafeName(name string) string {
	switch {
	case name == "":
		return "has an empty name"
	case strings.ContainsRune(name, '\\'):
		return "has a backslash in its path"
	case strings.HasPrefix(name, "/"):
		return "has an absolute path"
	case len(name) >= 2 && name[1] == ':' && unicode.IsLetter(rune(name[0])):
		return "has an absolute path with a drive letter"
	case strings.ContainsFunc(name, unicode.IsControl):
		return "has control characters in its name"
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return `has a ".." element that escapes its folder`
		}
	}
	return ""
}

// isCertificateEntry reports whether an entry is a certificate file to read.
func isCertificateEntry(f *zip.File) bool {
	if strings.HasSuffix(f.Name, "/") || f.Mode().IsDir() {
		return false
	}
	base := path.Base(f.Name)
	if strings.HasPrefix(base, "._") || strings.HasPrefix(f.Name, "__MACOSX/") || strings.Contains(f.Name, "/__MACOSX/") {
		return false
	}
	switch strings.ToLower(path.Ext(base)) {
	case ".cer", ".crt", ".pem", ".der":
		return true
	}
	return false
}

// readEntry reads one entry through a size limit; archive/zip checks the
// content against the declared size and the CRC.
func readEntry(f *zip.File) ([]byte, error) {
	if f.Flags&0x1 != 0 {
		return nil, newError(ErrMalformedBundle, "the ZIP entry %q is encrypted; password-protected ZIP files are not supported, unzip it first", f.Name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, newError(ErrMalformedBundle, "the ZIP entry %q cannot be read (unknown compression method or damaged)", f.Name)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxInputSize+1))
	switch {
	case len(data) > MaxInputSize:
		return nil, newError(ErrUnsafeBundle, "the ZIP entry %q is larger than %s uncompressed; refusing the ZIP file", f.Name, safefile.ByteSize(MaxInputSize))
	case errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF):
		return nil, newError(ErrUnsafeBundle, "the ZIP entry %q does not have the size its header declares; refusing the ZIP file", f.Name)
	case errors.Is(err, zip.ErrChecksum):
		return nil, newError(ErrMalformedBundle, "the ZIP entry %q is damaged (its checksum does not match)", f.Name)
	case err != nil:
		return nil, newError(ErrMalformedBundle, "the ZIP entry %q is damaged and cannot be decompressed", f.Name)
	}
	return data, nil
}
