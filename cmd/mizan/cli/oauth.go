package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"mizan/core"
)

// readAppCredentials reads the app's credentials, a JSON object, from standard input, and
// returns what follows it there (where a pasted address may come).
func readAppCredentials(env *Env) (map[string]string, io.Reader, error) {
	var creds map[string]string
	dec := json.NewDecoder(io.LimitReader(env.Stdin, 1<<20))
	if err := dec.Decode(&creds); err != nil {
		return nil, nil, Usagef("with --oauth, standard input starts with the app's credentials as a JSON object, such as "+
			"{\"client_id\": \"…\", \"client_secret\": \"…\"} (%s)", jsonProblem(err))
	}
	return creds, io.MultiReader(dec.Buffered(), env.Stdin), nil
}

// connectInBrowser runs OAuth's authorization-code flow for a new connection: it opens the
// browser at the store's approval page (and prints the address, for a computer where no
// browser opens), then receives the browser's return on a loopback redirect address, or reads
// the address the browser ended on from rest. It returns the credentials to save.
func connectInBrowser(ctx context.Context, env *Env, p core.Platform, storeURL, redirect string, app map[string]string, rest io.Reader) (map[string]string, error) {
	oc := p.OAuth
	if strings.TrimSpace(redirect) == "" {
		redirect = oc.RedirectHint
	}
	att, err := oc.Start(ctx, core.OAuthRequest{StoreURL: storeURL, ClientID: app[oc.ClientIDKey],
		ClientSecret: app[oc.ClientSecretKey], Redirect: redirect, HTTPClient: wiring.HTTPClient, Log: wiring.Log})
	if err != nil {
		return nil, fmt.Errorf("connect %s in the browser: %w", p.Title, err)
	}
	defer att.Close()
	fmt.Fprintf(env.Stdout, "Open this address in your browser, sign in to %s and approve the app:\n  %s\n", p.Title, att.URL)
	if wiring.OpenBrowser != nil {
		if err := wiring.OpenBrowser(att.URL); err != nil {
			fmt.Fprintf(env.Stderr, "The browser could not be opened (%v): open the address above yourself.\n", err)
		}
	}
	var creds map[string]string
	if att.Loopback {
		fmt.Fprintf(env.Stdout, "Waiting for the browser to come back to %s (up to 5 minutes; Ctrl-C stops)…\n", redirect)
		creds, err = att.Wait(ctx)
	} else {
		fmt.Fprintf(env.Stdout, "Once approved, the browser goes to %s. Paste here the whole address it shows, then press Enter:\n", redirect)
		var line string
		if line, err = readLine(ctx, rest); err == nil {
			creds, err = att.Paste(ctx, line)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("connect %s in the browser: %w", p.Title, err)
	}
	fmt.Fprintf(env.Stdout, "%s approved the app; asking the store who it is…\n", p.Title)
	return creds, nil
}

// oauthCredentials completes in's credentials for a platform that connects with OAuth: with
// withOAuth, the app's credentials in in.Credentials become the tokens the browser flow gives;
// without, a token expiry typed by hand becomes Unix seconds.
func oauthCredentials(ctx context.Context, env *Env, eng *core.Engine, in *core.ConnectionInput, withOAuth bool, redirect string, rest io.Reader) error {
	p, err := eng.Platforms().Get(in.Platform)
	switch {
	case err == nil && p.OAuth != nil && withOAuth:
		creds, err := connectInBrowser(ctx, env, p, in.StoreURL, redirect, in.Credentials, rest)
		if err != nil {
			return err
		}
		in.Credentials = creds
		return nil
	case err == nil && p.OAuth != nil:
		return normaliseExpiry(env, p.OAuth, in.Credentials)
	case withOAuth:
		return Usagef("%s stores do not connect with --oauth: give their credentials as JSON on standard input", in.Platform)
	}
	return nil
}

// readLine reads the first line from r that is not blank, or gives up when ctx ends.
func readLine(ctx context.Context, r io.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if strings.TrimSpace(line) != "" || err != nil {
				if err == io.EOF && strings.TrimSpace(line) != "" {
					err = nil
				}
				got <- result{line, err}
				return
			}
		}
	}()
	select {
	case res := <-got:
		if res.err != nil {
			return "", Usagef("no address was pasted on standard input: paste the address the browser ended on, as one line after the JSON")
		}
		return strings.TrimSpace(res.line), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// normaliseExpiry turns the token expiry of "I already have tokens" credentials, as a merchant
// writes it (a date, Unix seconds, days from now), into the Unix seconds the platform keeps.
func normaliseExpiry(env *Env, oc *core.OAuthConnect, creds map[string]string) error {
	v, ok := creds[oc.ExpiresAtKey]
	if !ok || strings.TrimSpace(v) == "" {
		return nil
	}
	t, err := core.ParseTokenExpiry(v, time.Now(), env.loc())
	if err != nil {
		return Usagef("%s: %v", oc.ExpiresAtKey, err)
	}
	creds[oc.ExpiresAtKey] = strconv.FormatInt(t.Unix(), 10)
	return nil
}
