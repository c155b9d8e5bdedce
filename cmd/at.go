package cmd

import "time"

// parseAt reads an --at flag (RFC 3339), defaulting to the App's clock.
func parseAt(s string, now func() time.Time) (time.Time, error) {
	if s == "" {
		return now(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usageErr("write it as RFC 3339, e.g. 2026-11-22T12:00:00Z", "--at %q is not an RFC 3339 time", s)
	}
	return t, nil
}
