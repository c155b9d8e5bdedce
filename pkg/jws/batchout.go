package jws

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// Batch output: one JSON object per line, per token, in input order:
//
//	{"line":3,"ok":true,"x5t":"…","env":"freja-prod","status":"APPROVED","ref":"…","signing_time":"2022-07-28T07:16:22.017Z","warnings":["…"]}
//	{"line":4,"ok":false,"x5t":"…","env":"freja-prod","error":{"code":"bad_signature","message":"…"}}
//	{"line":5,"index":0,"ok":true,…}
//
// line is the 1-based line number in the input (blank lines count but
// produce no output); index is present only for a line holding a list of
// results, one output line per result; x5t, env (the signer's environment:
// freja-test, freja-prod, or untagged for a certificate the caller named
// or an untagged one allowed), status, ref, signing_time and warnings are
// present when known (status and ref only on success); error is present exactly when ok is
// false. status and ref come from the signed payload, never from the
// unsigned result object around it.

// process verifies every line of a chunk and writes their output lines.
func (v *verifier) process(c *chunk, maxLine int) {
	for _, it := range c.items {
		if it.tooLarge > 0 {
			c.emit(it.line, -1, nil, tooLarge("line", it.tooLarge, maxLine))
			continue
		}
		line := bytes.TrimSpace(c.data[it.off:it.end])
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		if len(line) > 0 && line[0] == '{' {
			v.processResult(c, it.line, line)
			continue
		}
		res, err := v.verify(line, false)
		c.emit(it.line, -1, res, err)
	}
}

// processResult handles a line holding a Freja result object or list.
func (v *verifier) processResult(c *chunk, lineNo int, line []byte) {
	inputs, err := ParseInput(line)
	if err != nil {
		c.emit(lineNo, -1, nil, err)
		return
	}
	for _, in := range inputs {
		res, err := v.verifyInput(in, false)
		c.emit(lineNo, in.Index, res, err)
	}
}

// emit appends one output line and counts it.
func (c *chunk) emit(lineNo, index int, res *Result, err error) {
	c.sum.Inputs++
	b := append(c.out, `{"line":`...)
	b = strconv.AppendInt(b, int64(lineNo), 10)
	if index >= 0 {
		b = append(b, `,"index":`...)
		b = strconv.AppendInt(b, int64(index), 10)
	}
	if err == nil {
		b = append(b, `,"ok":true`...)
	} else {
		b = append(b, `,"ok":false`...)
	}
	if res != nil && res.Header != nil && res.Header.X5T != "" {
		b = appendField(b, "x5t", res.Header.X5T)
	}
	if res != nil && res.Signer != nil {
		b = appendField(b, "env", res.Signer.EnvironmentName())
	}
	if res != nil && res.Status != "" {
		b = appendField(b, "status", res.Status)
	}
	if res != nil && res.Ref != "" {
		b = appendField(b, "ref", res.Ref)
	}
	if res != nil && !res.SigningTime.IsZero() {
		b = append(b, `,"signing_time":"`...)
		b = res.SigningTime.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	if err == nil && res != nil && len(res.Warnings) > 0 {
		b = append(b, `,"warnings":[`...)
		for i, w := range res.Warnings {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, w)
		}
		b = append(b, ']')
		c.sum.Warned++
	}
	if err != nil {
		code := CodeOf(err)
		if code == "" {
			code = CodeMalformed
		}
		b = append(b, `,"error":{"code":`...)
		b = appendString(b, code)
		b = appendField(b, "message", err.Error())
		b = append(b, '}')
		c.sum.Failed++
		if c.sum.ByCode == nil {
			c.sum.ByCode = make(map[string]int)
		}
		c.sum.ByCode[code]++
	} else {
		c.sum.OK++
	}
	c.out = append(b, "}\n"...)
}

// appendField appends ,"name":"value".
func appendField(b []byte, name, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

// appendString appends s as a JSON string: plain ASCII directly, anything
// else through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
