package safefile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LeftoverAge is how old a temporary file beside a target must be before
// Sweep takes it for the leftover of a killed run: a write in progress never
// takes that long (the data is in memory before the file is created).
const LeftoverAge = time.Minute

// Swept is what Sweep removed beside one target.
type Swept struct {
	Target  string
	Removed []string // base names, in folder order
}

// String is the one line a caller prints, or "" when nothing was removed:
//
//	removed 2 leftover temporary files of key.pem from an interrupted run (.key.pem.tmp-…, …)
func (s Swept) String() string {
	switch len(s.Removed) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("removed %s, a temporary file an interrupted run left beside %s", s.Removed[0], s.Target)
	}
	return fmt.Sprintf("removed %d temporary files interrupted runs left beside %s (%s)", len(s.Removed), s.Target, strings.Join(s.Removed, ", "))
}

// Sweep removes the temporary files an earlier, killed write to path left in
// its folder: names ".<base>.tmp-" followed by exactly 16 hex digits (see
// TempGlob) of this target only, last modified at least LeftoverAge before
// now, that are regular files owned by the current user. It never follows a
// symbolic link (it examines each name with Lstat) and never touches anything
// else: other targets' temporary files, links, folders, other users' files,
// young files that may belong to a write in progress. Failures to read the
// folder or remove a file are ignored: sweeping is housekeeping.
func Sweep(path string, now time.Time) Swept {
	dir, base := filepath.Dir(path), filepath.Base(path)
	out := Swept{Target: path}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	prefix := "." + base + ".tmp-"
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !isTempSuffix(name[len(prefix):]) {
			continue
		}
		full := filepath.Join(dir, name)
		st, err := os.Lstat(full)
		if err != nil || !st.Mode().IsRegular() || !ownedByUser(st) || now.Sub(st.ModTime()) < LeftoverAge {
			continue
		}
		if err := os.Remove(full); err == nil || errors.Is(err, fs.ErrNotExist) {
			out.Removed = append(out.Removed, name)
		}
	}
	return out
}

// isTempSuffix reports whether s is the 16 lowercase hex digits tempName uses.
func isTempSuffix(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Write is WriteFileContext that first sweeps the leftovers of earlier,
// killed writes to path (see Sweep, with now as the clock) once path has
// passed the checks, and returns what it removed for the caller to report
// (Swept.String), also when the write itself fails.
func Write(ctx context.Context, path string, data []byte, perm os.FileMode, overwrite bool, now time.Time) (Swept, error) {
	if err := ctx.Err(); err != nil {
		return Swept{Target: path}, err
	}
	if err := checkFolder(path, filepath.Dir(path)); err != nil {
		return Swept{Target: path}, err
	}
	if err := checkTarget(path, overwrite); err != nil {
		return Swept{Target: path}, err
	}
	swept := Sweep(path, now)
	return swept, WriteFileContext(ctx, path, data, perm, overwrite)
}
