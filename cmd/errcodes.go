package cmd

// JSON error codes: the stable `error.code` of `-o json`, a contract that
// scripts match on. Every code the command layer reports is declared here,
// one line each (a new code is one new line here and one row in README.md's
// "Error codes" table; TestErrorCodes checks both), and its class decides the
// exit code (see exitFor): the usage class exits 2, every other code exits 1.
// Codes of pkg/jws (jws.Error.Code) and of ping's probe are listed in their
// README sections.
const (
	codeUsage              = "usage"                    // usage: bad flags or arguments
	codeBadConfig          = "bad_config"               // usage: the config file or an environment in it is wrong
	codeConfigInvalid      = "config_invalid"           // usage: the config file (or a CARONBOARD_* value) names an unknown key or gives a wrong type or value
	codeFailed             = "failed"                   // an error nothing more specific is known about
	codeInterrupted        = "interrupted"              // Ctrl-C or SIGTERM: nothing was written
	codeExists             = "exists"                   // the output file exists and --force was not given
	codeWrongPassphrase    = "wrong_passphrase"         // the passphrase does not open the key or keystore
	codeKeyEncrypted       = "key_encrypted"            // --no-passphrase says the key has none, but it is encrypted
	codePassphraseRequired = "passphrase_required"      // a passphrase is needed and there is no way to ask
	codePassphraseFile     = "passphrase_file"          // the passphrase file cannot be read
	codeEmptyPassphrase    = "empty_passphrase"         // the passphrase given is empty
	codePassphraseMismatch = "passphrase_mismatch"      // the two passphrases typed differ
	codeInvalidPassphrase  = "invalid_passphrase"       // a PKCS#12 passphrase holds characters it cannot encode
	codeInputEnded         = "input_ended"              // stdin ended while a prompt waited
	codeBadProxy           = "bad_proxy"                // usage: the proxy setting (--proxy, CARONBOARD_PROXY, config) cannot be used
	codeProxyCredsInURL    = "proxy_credentials_in_url" // usage: the proxy setting holds a password in its URL
	codeNoTerminal         = "no_terminal"              // usage: init needs a terminal to ask its questions (the hint gives the flags)
	codeUnsupportedKey     = "unsupported_key"          // the key is not RSA
	codeKeySize            = "key_size"                 // the RSA key size is not accepted
	codeNoPrivateKey       = "no_private_key"           // the file holds no private key
	codeMultipleKeys       = "multiple_keys"            // the file holds more than one private key
	codeMalformedKey       = "malformed_key"            // the key file is damaged or in no known format
	codeUnsupportedFormat  = "unsupported_format"       // a key or keystore format this tool does not read
	codeKeyMismatch        = "key_mismatch"             // the key does not belong to the CSR or certificate
	codeKeyMissing         = "key_missing"              // init found a CSR or certificate but not its key
	codeKeyPolicy          = "key_policy"               // the key does not meet the profile's key policy
	codeFileTooLarge       = "file_too_large"           // an input file is larger than any real one
	codeNotAFile           = "not_a_file"               // a path names a folder, pipe or device, not a file
	codeFileNotFound       = "file_not_found"           // a file does not exist
	codePermissionDenied   = "permission_denied"        // a file cannot be read or written for its permissions
	codeBadPath            = "bad_path"                 // a path is impossible (a file used as a folder, a link loop, too long)
	codeDiskFull           = "disk_full"                // no space left on the disk
	codeReadOnly           = "read_only"                // the folder is on a read-only file system
	codeDir                = "dir"                      // a folder cannot be created or written
	codeBadState           = "bad_state"                // init's state file is damaged
	codeDemoFailed         = "demo_failed"              // a demo step failed
	codeInvalidSubject     = "invalid_subject"          // the subject fields break the profile's rules
	codeUnknownProfile     = "unknown_profile"          // --profile is neither car nor freja
	codeMalformedCSR       = "malformed_csr"            // the CSR file is not a readable CSR
	codeBadSignature       = "bad_signature"            // the CSR's signature does not verify
	codeCSRRejected        = "csr_rejected"             // the CSR would be refused by the CA (csr inspect, sandbox sign)
	codeNotACertificate    = "not_a_certificate"        // the file holds no certificate
	codeMalformedCert      = "malformed_certificate"    // the certificate file is damaged
	codeCertRejected       = "cert_rejected"            // cert verify found problems
	codeChain              = "chain"                    // the certificate chain does not verify to the CA
	codeNoLeaf             = "no_leaf"                  // no certificate for the key was found
	codeNotACA             = "not_a_ca"                 // a certificate given as a CA is not a CA
	codeNoCA               = "no_ca"                    // the environment has no pinned CA
	codeUnencryptedKey     = "unencrypted_key"          // client: the key file is not encrypted, so it cannot be copied into the client folder
	codeUnusableValue      = "unusable_value"           // client: a config value cannot be quoted safely in generated code
	codeBadOutDir          = "bad_out_dir"              // client: the output folder cannot be used
	codeNoCertificate      = "no_certificate"           // the keystore holds no certificate for its key
	codeFileAltered        = "file_altered"             // the keystore was changed after it was written
	codeMalformedPKCS12    = "malformed_pkcs12"         // the file is not a readable PKCS#12 keystore
	codeNoSuchAlias        = "no_such_alias"            // the keystore holds no entry with the --alias given
	codeInvalidAlias       = "invalid_alias"            // the keystore's friendly name is not accepted
	codeMalformedBundle    = "malformed_bundle"         // the Freja bundle is not a readable ZIP
	codeUnsafeBundle       = "unsafe_bundle"            // the Freja bundle holds entries no real one has
	codeTrustStore         = "trust_store"              // the JWS signer store cannot be read or written
	codeNoConfigDir        = "no_config_dir"            // there is no user config folder
	codeBatchFailed        = "batch_failed"             // some tokens of jws verify --batch were refused
	codePingFailed         = "ping_failed"              // ping --all found environments that do not work
	codeNothingToProbe     = "nothing_to_probe"         // ping --all skipped every environment (the hints say what each lacks)
	codeFrejaRPRejected    = "freja_rp_rejected"        // the Freja relying-party details are not accepted
	codeNoSandbox          = "no_sandbox"               // there is no sandbox (run sandbox init)
	codeSandboxDamaged     = "sandbox_damaged"          // the sandbox's files are damaged
	codeSandboxExpired     = "sandbox_expired"          // the sandbox's certificates expired
	codeNotLoopback        = "not_loopback"             // the sandbox was asked to listen beyond loopback
	codeExpiring           = "expiring"                 // expiry: a certificate expires within --warn or is not yet valid
	codeExpired            = "expired"                  // expiry: a certificate has expired
	codeUnreadable         = "unreadable"               // expiry: a file could not be read
	codeAddressInUse       = "address_in_use"           // sandbox serve's port is taken (the hint gives --addr and how ping finds it)
)

// usageClass holds the codes that mean "the command line or configuration is
// wrong": they exit 2.
var usageClass = map[string]bool{codeUsage: true, codeBadConfig: true, codeConfigInvalid: true, codeNoTerminal: true, codeBadProxy: true, codeProxyCredsInURL: true}

// exitFor is the exit code of an error with this code: 2 for the usage class,
// 1 for every other failure. report uses it; construction sites never set one.
func exitFor(code string) int {
	if usageClass[code] {
		return exitUsage
	}
	return exitFailed
}
