package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// DefaultLimit is the size limit ReadFile applies when given none: 1 MiB.
const DefaultLimit = 1 << 20

// ReadFile reads the regular file at path, which must not be larger than max
// bytes (max <= 0 means DefaultLimit).
//
// It refuses directories, named pipes, devices and sockets with an error
// wrapping ErrNotRegular, without ever blocking on or reading them: the type
// is checked before opening, the file is opened non-blocking, and checked
// again on the open descriptor. A symbolic link is followed, so a link to a
// key file works and a link to /dev/zero is refused. A file larger than max
// gives an error wrapping ErrTooLarge, after reading at most max+1 bytes. A
// missing file gives an error wrapping fs.ErrNotExist that names the path.
func ReadFile(path string, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultLimit
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, readError(path, err)
	}
	if err := checkReadable(path, st, max); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, readError(path, err)
	}
	defer f.Close()
	// The path may have been swapped between Stat and Open.
	if st, err = f.Stat(); err != nil {
		return nil, readError(path, err)
	}
	if err := checkReadable(path, st, max); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, readError(path, err)
	}
	if int64(len(data)) > max {
		return nil, tooLarge(path, max)
	}
	return data, nil
}

func checkReadable(path string, st fs.FileInfo, max int64) error {
	switch {
	case st.IsDir():
		return newError(ErrNotRegular, "%s is a folder, not a file", path)
	case !st.Mode().IsRegular():
		return newError(ErrNotRegular, "%s is %s, not a regular file", path, KindOf(st.Mode()))
	case st.Size() > max:
		return tooLarge(path, max)
	}
	return nil
}

func tooLarge(path string, max int64) error {
	return newError(ErrTooLarge, "%s is larger than %s; is it the right file?", path, ByteSize(max))
}

func readError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return &pathErr{kind: err, msg: path + " does not exist"}
	}
	return pathError("cannot read", path, err)
}

// ByteSize prints a limit in words: "1 MiB", "512 KiB", "100 bytes".
func ByteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
