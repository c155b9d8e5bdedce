package clientgen

import (
	"errors"
	"strings"
	"testing"
)

func input(runtime string) Input {
	return Input{Runtime: runtime, Env: "freja-test", Host: "services.test.frejaeid.com", Port: 443,
		ServerName: "services.test.frejaeid.com",
		Request: Request{Method: "POST", Path: "/authentication/1.0/getResults",
			ContentType: "application/x-www-form-urlencoded", Body: "getAuthResultsRequest=eyJ9=="},
		P12: []byte("p12"), CertPEM: []byte("cert"), KeyPEM: []byte("key"), TrustPEM: []byte("ca"), TrustP12: []byte("ts")}
}

func TestGenerateFiles(t *testing.T) {
	tests := []struct {
		runtime string
		files   []string
		source  []string // must appear in the source file
	}{
		{"java", []string{"Main.java", FileP12, FileTrustP12, FileRun, FileReadme}, []string{`KeyStore.getInstance("PKCS12")`, `System.getenv("KEYSTORE_PASSPHRASE")`, `setEndpointIdentificationAlgorithm("HTTPS")`}},
		{"python", []string{"client.py", FileCert, FileKey, FileTrustPEM, FileRun, FileReadme}, []string{`load_cert_chain("client.pem", "client.key"`, `os.environ.get("KEYSTORE_PASSPHRASE")`, `PROTOCOL_TLS_CLIENT`}},
		{"node", []string{"client.js", FileP12, FileTrustPEM, FileRun, FileReadme}, []string{`pfx:`, `process.env.KEYSTORE_PASSPHRASE`, `ca: fs.readFileSync`}},
		{"go", []string{"main.go", FileCert, FileKey, FileTrustPEM, FileRun, FileReadme}, []string{`RootCAs: roots`, `os.LookupEnv("KEYSTORE_PASSPHRASE")`, `crypto/pbkdf2`}},
		{"curl", []string{"client.sh", FileCert, FileKey, FileTrustPEM, FileRun, FileReadme}, []string{`curl -K -`, `--cacert truststore.pem`, `--data-raw 'getAuthResultsRequest=eyJ9=='`}},
		{"openssl", []string{"client.sh", FileCert, FileKey, FileTrustPEM, FileRun, FileReadme}, []string{`-pass env:KEYSTORE_PASSPHRASE`, `-verify_return_error`, `-verify_hostname 'services.test.frejaeid.com'`}},
	}
	for _, tt := range tests {
		t.Run(tt.runtime, func(t *testing.T) {
			out, err := Generate(input(tt.runtime))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range out.Files {
				names = append(names, f.Name)
				secret := f.Name == FileKey || f.Name == FileP12
				if secret != (f.Mode == 0o600) {
					t.Errorf("%s: mode %04o", f.Name, f.Mode)
				}
			}
			if strings.Join(names, " ") != strings.Join(tt.files, " ") {
				t.Fatalf("files %v, want %v", names, tt.files)
			}
			src := string(out.Files[0].Data)
			for _, want := range tt.source {
				if !strings.Contains(src, want) {
					t.Errorf("%s lacks %q", tt.files[0], want)
				}
			}
			for _, bad := range []string{"InsecureSkipVerify", "rejectUnauthorized: false", "CERT_NONE", "--insecure", " -k "} {
				if strings.Contains(src, bad) {
					t.Errorf("%s contains %q", tt.files[0], bad)
				}
			}
			readme := string(out.Files[len(out.Files)-1].Data)
			for _, want := range []string{"Use it in your application", "KEYSTORE_PASSPHRASE", "Proxies", "POST /authentication/1.0/getResults"} {
				if !strings.Contains(readme, want) {
					t.Errorf("README.md lacks %q", want)
				}
			}
			if !strings.Contains(string(out.Files[len(out.Files)-2].Data), "exec "+specs[tt.runtime].Run) {
				t.Errorf("run.sh does not run %q", specs[tt.runtime].Run)
			}
		})
	}
}

func TestGenerateRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Input)
		want   error
	}{
		{"unknown runtime", func(in *Input) { in.Runtime = "ruby" }, ErrUnknownRuntime},
		{"quote in path", func(in *Input) { in.Request.Path = `/a"b` }, ErrBadInput},
		{"newline in host", func(in *Input) { in.Host = "a\nb" }, ErrBadInput},
		{"shell quote in body", func(in *Input) { in.Request.Body = "a'b" }, ErrBadInput},
		{"backslash in server name", func(in *Input) { in.ServerName = `a\b` }, ErrBadInput},
		{"relative path", func(in *Input) { in.Request.Path = "x" }, ErrBadInput},
		{"empty host", func(in *Input) { in.Host = "" }, ErrBadInput},
		{"lowercase method", func(in *Input) { in.Request.Method = "get" }, ErrBadInput},
		{"port", func(in *Input) { in.Port = 70000 }, ErrBadInput},
		{"no credential", func(in *Input) { in.KeyPEM = nil }, ErrBadInput},
		{"no trust", func(in *Input) { in.TrustPEM = nil }, ErrBadInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input("python")
			tt.change(&in)
			if _, err := Generate(in); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAddrOverride(t *testing.T) {
	in := input("curl")
	in.Host, in.Port, in.ServerName = "127.0.0.1", 8443, "localhost"
	out, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	src := string(out.Files[0].Data)
	if !strings.Contains(src, "CONNECT_TO='localhost:8443:127.0.0.1:8443'") || !strings.Contains(src, "URL='https://localhost:8443/") {
		t.Fatalf("curl does not connect to the address while checking the name:\n%s", src)
	}
}

// TestAddrOverrideIPv6: curl's --connect-to needs an IPv6 address in
// brackets (without them curl reads "::1" as empty host and port fields).
func TestAddrOverrideIPv6(t *testing.T) {
	in := input("curl")
	in.Host, in.Port, in.ServerName = "::1", 8444, "localhost"
	out, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	if src := string(out.Files[0].Data); !strings.Contains(src, "CONNECT_TO='localhost:8444:[::1]:8444'") {
		t.Fatalf("curl --connect-to with an IPv6 address:\n%s", src)
	}
}
