package expiry

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteText writes one aligned line per entry (state, days left, expiry
// date, role, file and alias, subject), the read errors, and the summary.
func WriteText(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tDAYS\tNOT AFTER\tROLE\tFILE\tSUBJECT")
	for _, e := range r.Certificates {
		file := e.File
		if e.Alias != "" {
			file += " (" + e.Alias + ")"
		}
		days, date := "-", "-"
		if !e.NotAfter.IsZero() {
			days, date = strconv.Itoa(e.DaysLeft), e.NotAfter.Format("2006-01-02")
		}
		subj := e.Subject
		if subj == "" {
			subj = e.Note
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.State, days, date, e.Role, clean(file), clean(subj))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "unreadable: %s: %s\n", clean(e.File), clean(e.Message))
	}
	_, err := fmt.Fprintf(w, "\n%s (judged at %s)\n", r.Summary(), r.At.UTC().Format("2006-01-02 15:04:05 UTC"))
	return err
}

// clean keeps one entry on one line whatever a file name or subject holds.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return '?'
		}
		return r
	}, s)
}

// Metric names, as enix/x509-certificate-exporter exports them.
const (
	MetricNotAfter   = "x509_cert_not_after"
	MetricNotBefore  = "x509_cert_not_before"
	MetricExpired    = "x509_cert_expired"
	MetricReadErrors = "x509_read_errors"
)

// WritePrometheus writes the report in the Prometheus text exposition
// format (version 0.0.4), as node_exporter's textfile collector reads it:
// x509_cert_not_after and x509_cert_not_before (seconds since the epoch) and
// x509_cert_expired (1 or 0) per certificate, labelled filepath, subject_CN,
// issuer_CN, serial_number and role, then x509_read_errors (files that could
// not be read). Archived JWS signers and keystores unreadable without a
// passphrase have no dates to export and are left out (as comments).
func WritePrometheus(w io.Writer, r *Report) error {
	var b strings.Builder
	var rows []Entry
	skipped := 0
	for _, e := range r.Certificates {
		if e.State == StateArchived || e.State == StateNeedsPassphr || e.NotAfter.IsZero() {
			skipped++
			continue
		}
		rows = append(rows, e)
	}
	metric := func(name, help string, value func(Entry) string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
		for _, e := range rows {
			fmt.Fprintf(&b, "%s{%s} %s\n", name, labels(e), value(e))
		}
	}
	metric(MetricNotAfter, "X.509 certificate not-after timestamp (seconds since the epoch)",
		func(e Entry) string { return strconv.FormatInt(e.NotAfter.Unix(), 10) })
	metric(MetricNotBefore, "X.509 certificate not-before timestamp (seconds since the epoch)",
		func(e Entry) string { return strconv.FormatInt(e.NotBefore.Unix(), 10) })
	metric(MetricExpired, "Whether the X.509 certificate has expired (1) or not (0)",
		func(e Entry) string {
			if e.State == StateExpired {
				return "1"
			}
			return "0"
		})
	fmt.Fprintf(&b, "# HELP %s Files that could not be read as certificates\n# TYPE %s gauge\n%s %d\n",
		MetricReadErrors, MetricReadErrors, MetricReadErrors, len(r.Errors))
	if skipped > 0 {
		fmt.Fprintf(&b, "# caronboard: %d entries without exportable dates (archived JWS signers, keystores needing a passphrase)\n", skipped)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// labels writes an entry's label set, values escaped as the format asks.
func labels(e Entry) string {
	file := e.File
	if e.Alias != "" {
		file += "#" + e.Alias
	}
	pairs := [][2]string{
		{"filepath", file}, {"subject_CN", e.SubjectCN}, {"issuer_CN", e.IssuerCN},
		{"serial_number", e.Serial}, {"role", string(e.Role)},
	}
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p[0] + `="` + escapeLabel(p[1]) + `"`
	}
	return strings.Join(parts, ",")
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(v string) string { return labelEscaper.Replace(strings.ToValidUTF8(v, "\uFFFD")) }
