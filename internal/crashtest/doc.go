// Package crashtest holds the crash harness: it builds the caronboard binary
// and interrupts the commands that replace files (key, csr and pkcs12 with
// --force) with SIGKILL and SIGINT at random moments, then checks that the
// file is either untouched or completely replaced by a valid new one, and
// what temporary files an interrupted run may leave. It also checks the
// permissions of written key material under umask 000. It has no code
// outside its tests.
package crashtest
