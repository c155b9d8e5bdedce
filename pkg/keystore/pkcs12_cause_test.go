package keystore

import (
	"errors"
	"fmt"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// decodeError keeps go-pkcs12's error as the cause, so errors.Is/As reach it
// beside the sentinel (and --debug shows it).
func TestDecodeErrorKeepsCause(t *testing.T) {
	t.Parallel()
	notImpl := pkcs12.NotImplementedError("RC2-64")
	tests := []struct {
		cause error
		kind  error
	}{
		{pkcs12.ErrDecryption, ErrWrongPassphrase},
		{notImpl, ErrUnsupportedFormat},
		{errors.New("pkcs12: private key missing"), ErrNoPrivateKey},
		{fmt.Errorf("pkcs12: x509: malformed certificate"), ErrMalformedPKCS12},
		{errors.New("something else"), ErrMalformedPKCS12},
	}
	for _, tt := range tests {
		err := decodeError(tt.cause)
		if !errors.Is(err, tt.kind) || !errors.Is(err, tt.cause) {
			t.Errorf("decodeError(%v) = %v: want both %v and the cause", tt.cause, err, tt.kind)
		}
	}
	var ni pkcs12.NotImplementedError
	if !errors.As(decodeError(notImpl), &ni) || ni != notImpl {
		t.Error("errors.As does not reach go-pkcs12's NotImplementedError")
	}
}
