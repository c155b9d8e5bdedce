package safefile

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// TempGlob matches the temporary files WriteFile and CheckWritable create
// next to their target, named ".<base>.tmp-<16 hex digits>" (for key.pem:
// ".key.pem.tmp-3f9a…"). Such a file exists only while a write is in
// progress; one left behind by a crash (power loss, SIGKILL) holds no
// published data and is safe to delete; list them with
// filepath.Glob(filepath.Join(dir, TempGlob)).
const TempGlob = ".*.tmp-*"

func tempName(dir, base string) string {
	var r [8]byte
	_, _ = rand.Read(r[:])
	return filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(r[:]))
}

// WriteFile writes data to path with exactly the permission bits perm,
// without ever leaving a partial, half-written or lost file.
//
// The data goes to a temporary file in the same folder (see TempGlob),
// which is given mode perm with an explicit chmod (so the umask does not
// matter), written, fsynced and closed. Then:
//
//   - with overwrite false, the temporary file is hard-linked to path, which
//     atomically fails with an *ExistsError (wrapping ErrExists) when path
//     exists, and then removed. Only on file systems without hard links
//     (EPERM, ENOTSUP) does WriteFile fall back to creating path with
//     O_CREATE|O_EXCL and writing it directly; an error there removes the
//     file it created, but a crash in that window can leave it partial.
//   - with overwrite true, the temporary file is renamed over path, so a
//     reader sees either the old or the new content, never a mix.
//
// Finally the folder is fsynced so the new name survives a crash. On any
// error the temporary file is removed. WriteFile refuses a path that is an
// existing directory, and with overwrite true an existing path that is not a
// regular file (a symbolic link, device or pipe).
func WriteFile(path string, data []byte, perm os.FileMode, overwrite bool) error {
	return WriteFileContext(context.Background(), path, data, perm, overwrite)
}

// WriteFileContext is WriteFile that gives up when ctx is done (an
// interrupt) before the point of no return: it checks ctx before starting
// and again after the temporary file is complete, just before publishing it
// under path. Then it removes the temporary file and returns ctx.Err(),
// having changed nothing. Once publishing has begun, it completes.
func WriteFileContext(ctx context.Context, path string, data []byte, perm os.FileMode, overwrite bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := checkFolder(path, dir); err != nil {
		return err
	}
	if err := checkTarget(path, overwrite); err != nil {
		return err
	}
	tmp, err := writeTemp(dir, filepath.Base(path), data, perm)
	if err != nil {
		return pathError("cannot write", path, err)
	}
	if err := ctx.Err(); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if overwrite {
		if err := os.Rename(tmp, path); err != nil {
			_ = os.Remove(tmp)
			return pathError("cannot replace", path, err)
		}
	} else if err := publishExclusive(tmp, path, data, perm); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return pathError("wrote "+path+" but cannot flush its folder", dir, err)
	}
	return nil
}

// publishExclusive links tmp to path (atomic create-if-absent) and removes
// tmp, whatever happens.
func publishExclusive(tmp, path string, data []byte, perm os.FileMode) error {
	err := os.Link(tmp, path)
	_ = os.Remove(tmp)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return &ExistsError{Path: path}
	case errors.Is(err, errors.ErrUnsupported) || errors.Is(err, syscall.EPERM):
		return writeExclusive(path, data, perm)
	}
	return pathError("cannot write", path, err)
}

// writeExclusive is the fallback for file systems without hard links.
func writeExclusive(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return &ExistsError{Path: path}
	}
	if err != nil {
		return pathError("cannot write", path, err)
	}
	if err := fillAndClose(f, data, perm); err != nil {
		_ = os.Remove(path)
		return pathError("cannot write", path, err)
	}
	return nil
}

// writeTemp creates ".<base>.tmp-<random>" in dir holding data with mode
// perm, synced and closed, and returns its path.
func writeTemp(dir, base string, data []byte, perm os.FileMode) (string, error) {
	f, err := createTemp(dir, base)
	if err != nil {
		return "", err
	}
	if err := fillAndClose(f, data, perm); err != nil {
		_ = os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// createTemp creates a new, empty, owner-only temporary file next to base.
func createTemp(dir, base string) (*os.File, error) {
	for range 10 {
		name := tempName(dir, base)
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, errors.New("cannot find a free temporary file name")
}

// fillAndClose sets the exact mode, writes, fsyncs and closes f.
func fillAndClose(f *os.File, data []byte, perm os.FileMode) error {
	err := f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a new or renamed directory entry durable. Windows cannot
// fsync a directory (and needs not), and some file systems refuse it.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}

// checkTarget refuses a path that must not be written.
func checkTarget(path string, overwrite bool) error {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return pathError("cannot check", path, err)
	case st.IsDir():
		return newError(ErrNotRegular, "%s is a folder; give a file name", path)
	case !overwrite:
		return &ExistsError{Path: path}
	case !st.Mode().IsRegular():
		return newError(ErrNotRegular, "%s is %s, not a regular file; refusing to replace it", path, KindOf(st.Mode()))
	}
	return nil
}

// CheckWritable is the pre-flight check for WriteFile, meant to run before
// expensive work such as key generation. It returns an *ExistsError when path
// exists and overwrite is false, and an error when path is a directory (or,
// with overwrite, another non-regular file), when its folder does not exist,
// or when a file cannot be created in that folder (it creates and removes a
// temporary file to find out).
func CheckWritable(path string, overwrite bool) error {
	dir := filepath.Dir(path)
	if err := checkFolder(path, dir); err != nil {
		return err
	}
	if err := checkTarget(path, overwrite); err != nil {
		return err
	}
	f, err := createTemp(dir, filepath.Base(path))
	if err != nil {
		return pathError("cannot write in", dir, err)
	}
	_ = f.Close()
	_ = os.Remove(f.Name())
	return nil
}

// checkFolder makes sure the folder dir that is to hold path exists.
func checkFolder(path, dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &pathErr{kind: err, msg: fmt.Sprintf("cannot write %s: the folder %s does not exist", path, dir)}
	case errors.Is(err, syscall.ENOTDIR) || (err == nil && !st.IsDir()):
		return newError(syscall.ENOTDIR, "cannot write %s: %s is not a folder", path, dir)
	case err != nil:
		return pathError("cannot write in", dir, err)
	}
	return nil
}

// pathError wraps err with plain words: "cannot write key.pem: permission
// denied" instead of "open key.pem: permission denied".
func pathError(action, path string, err error) error {
	reason := err.Error()
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		reason = pe.Err.Error()
	case errors.As(err, &le):
		reason = le.Err.Error()
	}
	return &pathErr{kind: err, msg: fmt.Sprintf("%s %s: %s", action, path, reason)}
}

// KindOf names a non-regular file type in words.
func KindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
