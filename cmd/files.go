package cmd

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/caronboard/caronboard/internal/safefile"
)

// fileBatch writes the several files of one command and, when a later write
// fails, removes the ones this run created, so a failed run leaves nothing new
// behind. (A file replaced with --force cannot be brought back; every check
// runs before the first write to make that case a disk failure only.)
type fileBatch struct {
	// ctx stops the batch before a file is published once the run is
	// interrupted (nil: never).
	ctx   context.Context
	app   *App
	fresh []string
}

// created records a file written by this run that did not exist before.
func (b *fileBatch) created(path string, existed bool) {
	if !existed {
		b.fresh = append(b.fresh, path)
	}
}

// write writes one file through App.writeFile and records it.
func (b *fileBatch) write(path string, data []byte, perm fs.FileMode, force bool) error {
	ctx := b.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	existed := exists(path)
	if err := b.app.writeFile(ctx, path, data, perm, force); err != nil {
		return err
	}
	b.created(path, existed)
	return nil
}

// writeFile is how every command writes an output file: safely and
// atomically (safefile.Write), removing the leftovers a killed earlier run
// left beside the same target and saying so in one warning line.
func (a *App) writeFile(ctx context.Context, path string, data []byte, perm fs.FileMode, force bool) error {
	now := time.Now
	if a != nil && a.Now != nil {
		now = a.Now
	}
	swept, err := safefile.Write(ctx, path, data, perm, force, now())
	if msg := swept.String(); msg != "" && a != nil {
		a.Warn(msg)
	}
	return err
}

// undo removes the files this run created and returns err.
func (b *fileBatch) undo(err error) error {
	var errs []error
	for _, p := range b.fresh {
		if rmErr := os.Remove(p); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			errs = append(errs, rmErr)
		}
	}
	b.fresh = nil
	return errors.Join(append([]error{err}, errs...)...)
}

// zipOne returns a ZIP archive holding one file.
func zipOne(name string, data []byte, modified time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified.UTC()})
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// exists reports whether anything is at path (a dangling link counts).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
