package keystore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// MaxInputSize is the default size limit for keys, CSRs and certificates
// read with ReadFile: 1 MiB, far above any real one.
const MaxInputSize = 1 << 20

// ReadFile reads the regular file at path, which must not be larger than max
// bytes (max <= 0 means MaxInputSize).
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
		max = MaxInputSize
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
		return newError(ErrNotRegular, "%s is %s, not a regular file", path, kindOf(st.Mode()))
	case st.Size() > max:
		return tooLarge(path, max)
	}
	return nil
}

func tooLarge(path string, max int64) error {
	return newError(ErrTooLarge, "%s is larger than %s; is it the right file?", path, byteSize(max))
}

func readError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return &keyError{kind: err, msg: path + " does not exist"}
	}
	return pathError("cannot read", path, err)
}

// byteSize prints a limit in words: "1 MiB", "512 KiB", "100 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// PermissionWarning returns a warning when the private key file at path can
// be read or changed by users other than its owner, and "" when it cannot,
// when path cannot be examined, or on Windows (which has no Unix mode bits),
// for example:
//
//	key.pem can be read by group/others (mode 0644); run chmod 600 key.pem
func PermissionWarning(path string) string {
	if runtime.GOOS == "windows" {
		return ""
	}
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	perm := st.Mode().Perm()
	if perm&0o077 == 0 {
		return ""
	}
	what, bits := "read", perm&0o044
	switch {
	case bits != 0:
	case perm&0o022 != 0:
		what, bits = "changed", perm&0o022
	default:
		what, bits = "executed", perm&0o011
	}
	return fmt.Sprintf("%s can be %s by %s (mode %04o); run chmod 600 %s", path, what, who(bits), perm, shellQuote(path))
}

// who names the classes whose bits are set in a group/other mask.
func who(bits fs.FileMode) string {
	g, o := bits&0o070 != 0, bits&0o007 != 0
	switch {
	case g && o:
		return "group/others"
	case g:
		return "group"
	}
	return "others"
}

// shellQuote quotes a path for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+,:@%=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
