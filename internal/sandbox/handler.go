package sandbox

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/caronboard/caronboard/pkg/csr"
)

// ServiceName is what the probe answers in its "service" member.
const ServiceName = "caronboard sandbox"

// route is one endpoint: the method it takes and its handler.
type route struct {
	method string
	h      http.HandlerFunc
}

func (srv *Server) makeRoutes() map[string]route {
	r := map[string]route{"/": {http.MethodGet, srv.probe}}
	for path, h := range srv.frejaRoutes() {
		r[path] = route{http.MethodPost, h}
	}
	return r
}

// ServeHTTP dispatches a request that came through the mTLS handshake:
// unknown paths get 404 and wrong methods 405, both with a Freja-style
// JSON error body.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	defer srv.logRequest(r, sw)
	rt, ok := srv.routes[r.URL.Path]
	switch {
	case !ok:
		writeError(sw, http.StatusNotFound, errNotFound)
	case r.Method != rt.method && !(rt.method == http.MethodGet && r.Method == http.MethodHead):
		sw.Header().Set("Allow", rt.method)
		writeError(sw, http.StatusMethodNotAllowed, errMethod)
	default:
		rt.h(sw, r)
	}
}

// ProbeResponse is the body of GET /.
type ProbeResponse struct {
	Status  string      `json:"status"`
	Service string      `json:"service"`
	Client  ProbeClient `json:"client"`
	TLS     ProbeTLS    `json:"tls"`
}

// ProbeClient describes the client certificate the server accepted.
type ProbeClient struct {
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	Serial   string    `json:"serial"`
	NotAfter time.Time `json:"not_after"`
}

// ProbeTLS describes the connection.
type ProbeTLS struct {
	Version     string `json:"version"`
	CipherSuite string `json:"cipher_suite"`
}

// probe answers GET / with the client's identity.
func (srv *Server) probe(w http.ResponseWriter, r *http.Request) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		writeError(w, http.StatusForbidden, errNoClientCert)
		return
	}
	c := r.TLS.PeerCertificates[0]
	writeJSON(w, http.StatusOK, ProbeResponse{
		Status:  "ok",
		Service: ServiceName,
		Client: ProbeClient{
			Subject:  csr.FormatName(c.RawSubject),
			Issuer:   csr.FormatName(c.RawIssuer),
			Serial:   fmt.Sprintf("%X", c.SerialNumber),
			NotAfter: c.NotAfter.UTC(),
		},
		TLS: ProbeTLS{Version: tls.VersionName(r.TLS.Version), CipherSuite: tls.CipherSuiteName(r.TLS.CipherSuite)},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"code":0,"message":"Internal error."}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func writeError(w http.ResponseWriter, status int, e *FrejaError) { writeJSON(w, status, e) }

// statusWriter remembers the status code for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// logRequest writes one line: time, method, path, status and the client
// certificate's subject. Bodies, query strings and tokens are never logged.
func (srv *Server) logRequest(r *http.Request, w *statusWriter) {
	if srv.Log == nil {
		return
	}
	client := "-"
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		client = csr.FormatName(r.TLS.PeerCertificates[0].RawSubject)
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	srv.logLine("%s %s %s %d client=%q", srv.stamp(), clean(r.Method, 16), clean(r.URL.Path, 200), status, client)
}

func (srv *Server) stamp() string { return srv.now().UTC().Format(time.RFC3339) }

func (srv *Server) logLine(format string, args ...any) {
	line := strings.TrimRight(fmt.Sprintf(format, args...), "\n") + "\n"
	srv.logMu.Lock()
	defer srv.logMu.Unlock()
	_, _ = io.WriteString(srv.Log, line)
}

// clean makes text safe for one log line: control and invisible
// characters become '?', and it is cut to max bytes.
func clean(s string, max int) string {
	s = strings.TrimRight(s, "\n")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || (unicode.IsGraphic(r) && !unicode.Is(unicode.Bidi_Control, r)) {
			return r
		}
		return '?'
	}, s)
}
