package safefile

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error of this package for a condition a user can fix
// wraps one of these (or an fs/syscall error such as fs.ErrNotExist), so
// callers test with errors.Is; the messages are plain words naming the path.
var (
	// ErrExists means the output file already exists and overwriting was not
	// asked for. Returned through *ExistsError.
	ErrExists = errors.New("file already exists")

	// ErrTooLarge means an input is larger than the limit given to ReadFile
	// (callers with in-memory limits of their own wrap it too).
	ErrTooLarge = errors.New("file is too large")

	// ErrNotRegular means a path names a directory, a named pipe, a device or
	// a socket where a regular file is needed.
	ErrNotRegular = errors.New("not a regular file")
)

// ExistsError reports that an output file already exists. It wraps ErrExists.
type ExistsError struct {
	Path string
}

func (e *ExistsError) Error() string {
	return e.Path + " already exists"
}

// Unwrap returns ErrExists.
func (e *ExistsError) Unwrap() error { return ErrExists }

// pathErr is a sentinel or an underlying fs error with a specific message:
// Error() is the message alone, errors.Is/As reach kind.
type pathErr struct {
	kind error
	msg  string
}

func (e *pathErr) Error() string { return e.msg }
func (e *pathErr) Unwrap() error { return e.kind }

func newError(kind error, format string, args ...any) error {
	return &pathErr{kind: kind, msg: fmt.Sprintf(format, args...)}
}
