package cmd

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync"

	"github.com/caronboard/caronboard/pkg/verify"
)

// clientCredentials gives each target its client credential: the one of the
// flags (--p12, --cert/--key) for every target, else the environment's from
// the config file. Under --all an environment with neither is skipped (not
// failed), naming the flag and config key that supply one; for one --env it
// is probed without a certificate, which ping then diagnoses.
//
// files are the credential files, one per kept target ("" for none).
func (a *App) clientCredentials(ctx context.Context, opts *PingOptions, envs []*Environment, targets []verify.Target, skipped []pingSkip) (clients []*tls.Certificate, files []string, kept []verify.Target, _ []pingSkip, _ error) {
	if !opts.All || opts.P12 != "" || opts.Cert != "" {
		client, err := a.clientCredential(ctx, opts, envs)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		file := opts.P12 + opts.Cert
		if file == "" && len(envs) == 1 {
			file = expandHome(envs[0].P12 + envs[0].Cert)
		}
		for range targets {
			clients, files = append(clients, client), append(files, file)
		}
		return clients, files, targets, skipped, nil
	}
	for i, e := range envs {
		if e.P12 == "" && e.Cert == "" {
			hint := fmt.Sprintf("pass --p12 FILE (or --cert and --key), or set environments.%s.p12 (or cert and key) in the config file", e.Name)
			skipped = append(skipped, pingSkip{Env: e.Name, Reason: "no client certificate: " + hint, Hint: hint})
			continue
		}
		client, err := a.clientCredential(ctx, opts, []*Environment{e})
		if err != nil {
			ce := classify(err)
			skipped = append(skipped, pingSkip{Env: e.Name, Reason: "the configured client credential cannot be used: " + ce.Message, Hint: ce.Hint})
			continue
		}
		clients = append(clients, client)
		files = append(files, expandHome(e.P12+e.Cert))
		kept = append(kept, targets[i])
	}
	return clients, files, kept, skipped, nil
}

// probeEach probes every target at once, each with its own client
// credential (nil sends none).
func probeEach(ctx context.Context, targets []verify.Target, clients []*tls.Certificate, o verify.ProbeOptions) []*verify.ProbeResult {
	out := make([]*verify.ProbeResult, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		po := o
		po.Client = clients[i]
		wg.Go(func() { out[i] = verify.ProbeAll(ctx, []verify.Target{t}, po)[0] })
	}
	wg.Wait()
	return out
}
