// Package clientgen writes small, runnable mutual-TLS clients, one per
// runtime (Java, Python, Node.js, Go, curl, OpenSSL), that an integrator
// pastes into their own application.
//
// Each generated client trusts only the trust anchors it is given (never the
// system's roots, never an "insecure" switch), presents the client
// certificate it is given, sends one HTTP request, prints the status line and
// the first bytes of the body, and exits 0 on any HTTP answer over an
// accepted mutual-TLS connection and non-zero otherwise. The passphrase of
// the credential is read at run time from the environment variable
// KEYSTORE_PASSPHRASE: it is never an input of this package and never
// written into a generated file.
//
// The package only renders text: the caller supplies the credential and the
// trust anchors already encoded in the form Credential says the runtime
// loads, and writes the returned files itself.
package clientgen

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"slices"
	"strconv"
	"strings"
	"text/template"
)

// PassphraseEnv is the environment variable every generated client reads
// the credential's passphrase from.
const PassphraseEnv = "KEYSTORE_PASSPHRASE"

// Runtimes are the runtimes a client can be generated for.
var Runtimes = []string{"java", "python", "node", "go", "curl", "openssl"}

// ErrUnknownRuntime means the runtime is not one of Runtimes.
var ErrUnknownRuntime = errors.New("unknown runtime")

// ErrBadInput means a value cannot be put into generated source safely.
var ErrBadInput = errors.New("value not usable in a generated client")

// Form is how a runtime loads the client credential.
type Form int

const (
	// FormPKCS12 is one PKCS#12 file (client.p12) holding key and chain.
	FormPKCS12 Form = iota
	// FormPEM is the certificate chain as PEM (client.pem) and the
	// encrypted private key (client.key).
	FormPEM
)

// File names in a generated folder.
const (
	FileP12        = "client.p12"
	FileCert       = "client.pem"
	FileKey        = "client.key"
	FileTrustPEM   = "truststore.pem"
	FileTrustP12   = "truststore.p12"
	FileRun        = "run.sh"
	FileReadme     = "README.md"
	runtimeJava    = "java"
	runtimeGo      = "go"
	runtimePython  = "python"
	runtimeNode    = "node"
	runtimeCurl    = "curl"
	runtimeOpenSSL = "openssl"
)

// Spec describes one runtime.
type Spec struct {
	Runtime string
	// Source is the client's source file.
	Source string
	// Run is the command run.sh runs, from the generated folder.
	Run string
	// Form is the credential form the runtime loads best.
	Form Form
	// KeyPBES2 is true when the key must be encrypted PKCS#8 with PBES2,
	// PBKDF2 and AES-CBC (what the Go client decrypts with the standard
	// library), so the caller re-encrypts it in that scheme.
	KeyPBES2 bool
	// TrustPKCS12 is true when the trust anchors are a password-less
	// PKCS#12 trust store (Java); otherwise a PEM bundle.
	TrustPKCS12 bool
	// Summary says in words what the generated client does.
	Summary string
}

var specs = map[string]Spec{
	runtimeJava: {Runtime: runtimeJava, Source: "Main.java", Run: "java Main.java", Form: FormPKCS12, TrustPKCS12: true,
		Summary: "Main.java (JDK 11+ single-file launcher, standard library only): loads client.p12 into a KeyManagerFactory and the password-less PKCS#12 trust store truststore.p12 into a TrustManagerFactory, builds one SSLContext from both (so only the environment's CA is trusted), connects, checks the server's name, sends the request and prints the status line and the start of the body."},
	runtimePython: {Runtime: runtimePython, Source: "client.py", Run: "python3 client.py", Form: FormPEM,
		Summary: "client.py (Python 3 standard library: ssl and http.client): an SSLContext that trusts only truststore.pem, presents client.pem with the encrypted client.key (load_cert_chain decrypts it in memory), sends the request and prints the status line and the start of the body."},
	runtimeNode: {Runtime: runtimeNode, Source: "client.js", Run: "node client.js", Form: FormPKCS12,
		Summary: "client.js (Node.js built-in https): an https request with pfx client.p12 and its passphrase, ca truststore.pem (which replaces Node's built-in roots), checking the server's name, printing the status line and the start of the body."},
	runtimeGo: {Runtime: runtimeGo, Source: "main.go", Run: "go run main.go", Form: FormPEM, KeyPBES2: true,
		Summary: "main.go (Go standard library only): decrypts client.key (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) in memory, makes an http.Client whose tls.Config trusts only truststore.pem and presents client.pem, sends the request and prints the status line and the start of the body."},
	runtimeCurl: {Runtime: runtimeCurl, Source: "client.sh", Run: "sh client.sh", Form: FormPEM,
		Summary: "client.sh (curl): --cacert truststore.pem (only that CA), --cert client.pem --key client.key with the key's passphrase fed to curl on stdin as a config file (-K -), never in its arguments; prints the status line and the start of the body."},
	runtimeOpenSSL: {Runtime: runtimeOpenSSL, Source: "client.sh", Run: "sh client.sh", Form: FormPEM,
		Summary: "client.sh (openssl s_client): -CAfile truststore.pem with -verify_return_error and -verify_hostname, -cert client.pem -key client.key -pass env:KEYSTORE_PASSPHRASE, writes the HTTP request by hand and prints the status line and the start of the body."},
}

// Lookup returns the spec of a runtime.
func Lookup(runtime string) (Spec, error) {
	s, ok := specs[runtime]
	if !ok {
		return Spec{}, fmt.Errorf("%w %q (valid: %s)", ErrUnknownRuntime, runtime, strings.Join(Runtimes, ", "))
	}
	return s, nil
}

// Request is the HTTP request the client sends.
type Request struct {
	Method, Path, ContentType, Body string
}

// Input is what a client is generated from.
type Input struct {
	Runtime string
	// Env is the environment's name, for comments.
	Env string
	// Host and Port are where the client connects.
	Host string
	Port int
	// ServerName is the name the server certificate must carry (and SNI).
	ServerName string
	Request    Request
	// Credential files in the runtime's Form: P12 for FormPKCS12, CertPEM
	// and KeyPEM (encrypted) for FormPEM.
	P12, CertPEM, KeyPEM []byte
	// Trust anchors: TrustP12 when the spec says TrustPKCS12, else TrustPEM.
	TrustPEM, TrustP12 []byte
	// Subject is the client certificate's subject, for the README.
	Subject string
}

// File is one generated file.
type File struct {
	Name string
	Data []byte
	Mode fs.FileMode
}

// Output is a generated client.
type Output struct {
	Files []File
	// Run is the command that runs the client (./run.sh runs it).
	Run string
}

//go:embed templates
var templates embed.FS

// Generate renders the client for in.Runtime.
func Generate(in Input) (*Output, error) {
	s, err := Lookup(in.Runtime)
	if err != nil {
		return nil, err
	}
	if err := in.check(s); err != nil {
		return nil, err
	}
	d := newData(in, s)
	out := &Output{Run: "./" + FileRun}
	add := func(name string, data []byte, mode fs.FileMode) {
		out.Files = append(out.Files, File{Name: name, Data: data, Mode: mode})
	}
	src, err := render(in.Runtime+"/"+s.Source+".tmpl", d)
	if err != nil {
		return nil, err
	}
	mode := fs.FileMode(0o644)
	if strings.HasSuffix(s.Source, ".sh") {
		mode = 0o755
	}
	add(s.Source, src, mode)
	if s.Form == FormPKCS12 {
		add(FileP12, in.P12, 0o600)
	} else {
		add(FileCert, in.CertPEM, 0o644)
		add(FileKey, in.KeyPEM, 0o600)
	}
	if s.TrustPKCS12 {
		add(FileTrustP12, in.TrustP12, 0o644)
	} else {
		add(FileTrustPEM, in.TrustPEM, 0o644)
	}
	run, err := render("run.sh.tmpl", d)
	if err != nil {
		return nil, err
	}
	add(FileRun, run, 0o755)
	readme, err := render(in.Runtime+"/README.md.tmpl", d)
	if err != nil {
		return nil, err
	}
	common, err := render("README.common.md.tmpl", d)
	if err != nil {
		return nil, err
	}
	add(FileReadme, append(readme, common...), 0o644)
	return out, nil
}

// check refuses inputs that are missing or that could not be placed in
// source code and shell scripts verbatim.
func (in Input) check(s Spec) error {
	switch {
	case s.Form == FormPKCS12 && len(in.P12) == 0:
		return fmt.Errorf("%w: the %s client needs a PKCS#12 credential", ErrBadInput, s.Runtime)
	case s.Form == FormPEM && (len(in.CertPEM) == 0 || len(in.KeyPEM) == 0):
		return fmt.Errorf("%w: the %s client needs a certificate and a key", ErrBadInput, s.Runtime)
	case s.TrustPKCS12 && len(in.TrustP12) == 0, !s.TrustPKCS12 && len(in.TrustPEM) == 0:
		return fmt.Errorf("%w: no trust anchors", ErrBadInput)
	case in.Port < 1 || in.Port > 65535:
		return fmt.Errorf("%w: port %d", ErrBadInput, in.Port)
	}
	fields := []struct{ name, value, allowed string }{
		{"host", in.Host, hostChars},
		{"server name", in.ServerName, hostChars},
		{"request method", in.Request.Method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"request path", in.Request.Path, uriChars},
		{"content type", in.Request.ContentType, uriChars + " "},
		{"request body", in.Request.Body, uriChars + " "},
		{"environment name", in.Env, hostChars + "_"},
	}
	for _, f := range fields {
		if f.name != "content type" && f.name != "request body" && f.value == "" {
			return fmt.Errorf("%w: empty %s", ErrBadInput, f.name)
		}
		if i := strings.IndexFunc(f.value, func(r rune) bool { return !strings.ContainsRune(f.allowed, r) }); i >= 0 {
			return fmt.Errorf("%w: the %s %q has a character (%q) the generated code does not quote", ErrBadInput, f.name, f.value, f.value[i])
		}
	}
	if !strings.HasPrefix(in.Request.Path, "/") {
		return fmt.Errorf("%w: the request path %q does not start with /", ErrBadInput, in.Request.Path)
	}
	return nil
}

const (
	hostChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:"
	uriChars  = hostChars + "/_~?#[]@!$&()*+,;=%"
)

// data is what the templates see.
type data struct {
	Input
	Spec          Spec
	PassphraseEnv string
	// HostPort is host:port for connecting (IPv6 bracketed).
	HostPort string
	// URL is https://SERVERNAME:PORT/PATH, the URL a user's HTTP library uses.
	URL string
	// Direct is true when the client connects to the server name itself
	// (no --addr override).
	Direct bool
}

func newData(in Input, s Spec) data {
	d := data{Input: in, Spec: s, PassphraseEnv: PassphraseEnv,
		HostPort: net.JoinHostPort(in.Host, strconv.Itoa(in.Port)),
		URL:      "https://" + net.JoinHostPort(in.ServerName, strconv.Itoa(in.Port)) + in.Request.Path,
		Direct:   in.Host == in.ServerName}
	return d
}

var funcs = template.FuncMap{
	// q quotes a string for Java, JavaScript, Go and Python source alike.
	"q": func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	},
	// sh quotes a string for a POSIX shell.
	"sh": func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" },
	// bracket writes an IPv6 address as [::1], as curl's --connect-to needs.
	"bracket": func(s string) string {
		if strings.Contains(s, ":") {
			return "[" + s + "]"
		}
		return s
	},
}

func render(name string, d data) ([]byte, error) {
	t, err := template.New(name[strings.LastIndex(name, "/")+1:]).Funcs(funcs).Option("missingkey=error").ParseFS(templates, "templates/"+name)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// Names returns the runtimes, for completion.
func Names() []string { return slices.Clone(Runtimes) }
