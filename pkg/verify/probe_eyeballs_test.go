package verify

import (
	"context"
	"net"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// fakeDNS is a *net.Resolver whose every query is answered in process:
// A 127.0.0.1 and AAAA ::1 for any name, so the standard dialer's Happy
// Eyeballs runs on loopback without a DNS server.
func fakeDNS(t *testing.T) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		c, s := net.Pipe()
		go func() {
			defer s.Close()
			buf := make([]byte, 1500)
			for {
				n, err := s.Read(buf)
				if err != nil {
					return
				}
				msg := buf[:n]
				// A net.Pipe is no PacketConn, so the resolver frames
				// messages as over TCP: a two-byte length first.
				if len(msg) < 2 {
					return
				}
				msg = msg[2:]
				var q dnsmessage.Message
				if q.Unpack(msg) != nil || len(q.Questions) != 1 {
					return
				}
				qq := q.Questions[0]
				r := dnsmessage.Message{Header: dnsmessage.Header{ID: q.ID, Response: true, Authoritative: true, RecursionAvailable: true},
					Questions: q.Questions}
				h := dnsmessage.ResourceHeader{Name: qq.Name, Type: qq.Type, Class: dnsmessage.ClassINET, TTL: 60}
				switch qq.Type {
				case dnsmessage.TypeA:
					r.Answers = []dnsmessage.Resource{{Header: h, Body: &dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}}}}
				case dnsmessage.TypeAAAA:
					r.Answers = []dnsmessage.Resource{{Header: h, Body: &dnsmessage.AAAAResource{AAAA: [16]byte{15: 1}}}}
				}
				out, err := r.Pack()
				if err != nil {
					t.Error(err)
					return
				}
				out = append([]byte{byte(len(out) >> 8), byte(len(out))}, out...)
				if _, err := s.Write(out); err != nil {
					return
				}
			}
		}()
		return c, nil
	}}
}

// TestProbeHappyEyeballs: a name with an A and an AAAA record, dialled by
// the standard dialer; the server listens on one family only, and the
// address actually used is reported.
func TestProbeHappyEyeballs(t *testing.T) {
	if l, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("this machine has no ::1: ", err)
	} else {
		l.Close()
	}
	p := loadPKI(t)
	for _, listen := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(listen, func(t *testing.T) {
			addr := server{listen: listen}.start(t)
			_, port, _ := net.SplitHostPort(addr)
			o := opts(clientCert(p.CARBank))
			o.Resolver = fakeDNS(t)
			r := Probe(t.Context(), target("dual.caronboard.test:"+port, p.CARCA.Cert), o)
			wantResult(t, r, "", "", "")
			if len(r.Addresses) != 2 || r.RemoteAddr != addr {
				t.Errorf("addresses %q, remote %q, want %q", r.Addresses, r.RemoteAddr, addr)
			}
			s, _ := r.Step(StepResolve)
			if !strings.Contains(s.Message, "127.0.0.1") || !strings.Contains(s.Message, "::1") {
				t.Errorf("resolve %q", s.Message)
			}
		})
	}
}
