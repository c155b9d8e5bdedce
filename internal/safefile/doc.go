// Package safefile reads input files safely and writes output files
// atomically.
//
// ReadFile reads only regular files, with a size limit, without ever blocking
// on a named pipe or device. WriteFile and WriteFileContext write through a
// temporary file next to the target (see TempGlob) with an exact mode, fsync,
// and an exclusive link or an atomic rename, so a reader or a crash never sees
// a partial file; Write also sweeps the temporary files a killed earlier run
// left beside the same target (see Sweep). CheckWritable is the pre-flight
// check to run before expensive work.
//
// It knows nothing of keys: size limits and permission policy for key files
// belong to the callers (pkg/keystore).
package safefile
