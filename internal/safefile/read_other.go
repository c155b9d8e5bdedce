//go:build !unix

package safefile

// openNonBlock is not needed where named pipes cannot block an open.
const openNonBlock = 0
