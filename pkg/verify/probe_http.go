package verify

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// MaxHTTPBody is how much of the response body a probe keeps.
const MaxHTTPBody = 2 << 10

// MaxHTTPHeader bounds the response's status line and header fields: a
// server that sends more is not answering, and is not read further.
const MaxHTTPHeader = 64 << 10

// aLongTimeAgo is a deadline in the past, to interrupt blocked I/O.
var aLongTimeAgo = time.Unix(1, 0)

// exchange sends one HTTP/1.1 request over the connection and reads the
// response: only that read proves that a TLS 1.3 server accepted the
// client certificate.
func (p *prober) exchange(ctx context.Context, tc *tls.Conn) {
	start := time.Now()
	if dl, ok := ctx.Deadline(); ok {
		_ = tc.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = tc.SetDeadline(aLongTimeAgo) })
	defer stop()
	req, err := p.request(ctx)
	if err != nil {
		p.fail(StepHTTP, 0, &ProbeError{Code: CodeHTTP, Err: err,
			Message: "the probe request cannot be made: " + err.Error(),
			Hint:    "check the environment's request method, path and headers"})
		return
	}
	// A failed write still leaves the server's alert, if it sent one, to
	// be read.
	werr := req.Write(tc)
	// Everything read from the server goes through lr: at most
	// MaxHTTPHeader bytes of header, then MaxHTTPBody of body (a chunked
	// body's framing included). The body is never drained: the connection
	// is closed instead, so a hostile server can make the probe neither
	// use memory nor outlive its budget.
	lr := &io.LimitedReader{R: tc, N: MaxHTTPHeader}
	resp, err := http.ReadResponse(bufio.NewReaderSize(lr, 4<<10), req)
	if err != nil {
		if lr.N == 0 {
			p.fail(StepHTTP, time.Since(start), &ProbeError{Code: CodeHTTP, Err: err,
				Message: fmt.Sprintf("the server's answer has more than %d KiB of header: it was not read further", MaxHTTPHeader>>10),
				Hint:    "the server does not answer like an HTTP API: check that --addr is the API's port, and tell the API operator"})
			return
		}
		p.fail(StepHTTP, time.Since(start), p.readError(ctx, err, werr))
		return
	}
	lr.N = MaxHTTPBody + 1<<10
	body, berr := io.ReadAll(io.LimitReader(resp.Body, MaxHTTPBody))
	// No resp.Body.Close: it would read the rest of the body to its end.
	d := time.Since(start)
	if berr != nil {
		p.warn("the response body could not be read completely: " + berr.Error())
	}
	r := p.res
	r.HTTPStatus = resp.StatusCode
	r.HTTPBody = strings.ToValidUTF8(string(body), "\uFFFD")
	msg := fmt.Sprintf("%s %s", resp.Proto, resp.Status)
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		r.FrejaError = decodeFrejaError(body)
	}
	if fe := r.FrejaError; fe != nil {
		msg += fmt.Sprintf(": Freja error %d: %s", fe.Code, fe.Message)
	}
	msg += " (any answer proves the connection works)"
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		p.warn(fmt.Sprintf("the server accepted the connection but answered %s: the certificate may not be registered for this API yet", resp.Status))
	}
	p.step(StepHTTP, d, Pass, msg)
}

// request builds the probe request; the Host header is the server name,
// with the port unless it is 443.
func (p *prober) request(ctx context.Context) (*http.Request, error) {
	rq := p.t.Request
	method, path := rq.Method, rq.Path
	if method == "" {
		method = http.MethodGet
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	host := p.serverName
	if p.port != "443" {
		host = net.JoinHostPort(host, p.port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	var body io.Reader
	if rq.Body != "" {
		body = strings.NewReader(rq.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "https://"+host+path, body)
	if err != nil {
		return nil, err
	}
	req.Close = true
	req.Header.Set("User-Agent", "caronboard")
	for k, v := range rq.Header {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	return req, nil
}

// decodeFrejaError decodes a Freja error body {"code":…,"message":…}; nil
// when the body is not one.
func decodeFrejaError(body []byte) *FrejaError {
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		return nil
	}
	var v struct {
		Code    *int    `json:"code"`
		Message *string `json:"message"`
	}
	if json.Unmarshal(body, &v) != nil || v.Code == nil || v.Message == nil {
		return nil
	}
	return &FrejaError{Code: *v.Code, Message: *v.Message}
}
