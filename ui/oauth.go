package ui

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/core"
)

// OAuthPanel is the connection form's "connect in the browser" part, for a platform whose stores
// connect with OAuth: the app's client ID and secret are typed in the credential entries, the
// redirect address here; "Connect in browser" opens the store's approval page; the browser's
// return is received on a loopback redirect address, or the merchant pastes the address the
// browser ended on. The tokens obtained fill the form's token entries (the "I already have
// tokens" ones), and Save then asks the store who it is before anything is kept.
type OAuthPanel struct {
	Redirect *widget.Entry
	Connect  *widget.Button
	// Address is the approval page's address, to copy where no browser opens.
	Address   *widget.Entry
	Pasted    *widget.Entry
	UsePasted *widget.Button
	Status    *widget.Label
	// rows are the panel's label and field pairs, laid out in the form's credentials grid so
	// that every label of the section lines up.
	rows []fyne.CanvasObject

	f       *ConnectionForm
	oc      *core.OAuthConnect
	attempt *core.OAuthAttempt // the attempt under way; UI goroutine only, as is ctx
	ctx     context.Context
	mu      sync.Mutex // guards cancel, which Close may call from another goroutine
	cancel  context.CancelFunc
}

func newOAuthPanel(f *ConnectionForm, oc *core.OAuthConnect) *OAuthPanel {
	o := &OAuthPanel{f: f, oc: oc}
	o.Redirect = widget.NewEntry()
	o.Redirect.SetText(oc.RedirectHint)
	o.Connect = widget.NewButtonWithIcon(tr("oauth.connect", "Connect in browser"), theme.LoginIcon(), o.start)
	o.Connect.Importance = widget.HighImportance
	o.Address = widget.NewEntry()
	o.Address.SetPlaceHolder(tr("oauth.address_hint", "The approval page's address appears here, to copy if no browser opens"))
	o.Pasted = widget.NewEntry()
	o.Pasted.SetPlaceHolder(tr("oauth.pasted_hint", "After approving, paste the address your browser ended on"))
	o.UsePasted = widget.NewButton(tr("oauth.use_pasted", "Use this address"), o.usePasted)
	o.UsePasted.Disable()
	o.Status = widget.NewLabel(tr("oauth.intro", "Enter the app's client ID and secret above and the redirect address you registered for it, then connect in the browser."))
	o.Status.Wrapping = fyne.TextWrapWord
	o.rows = []fyne.CanvasObject{
		keyLabel(tr("oauth.redirect", "Redirect address")), o.Redirect,
		keyLabel(tr("oauth.address", "Approval page")), o.Address,
		keyLabel(tr("oauth.pasted", "Address after approving")), container.NewBorder(nil, nil, nil, o.UsePasted, o.Pasted),
		layout.NewSpacer(), container.NewHBox(o.Connect),
		layout.NewSpacer(), o.Status,
	}
	return o
}

// stopOAuth ends the form's attempt to connect in the browser, if any. UI goroutine.
func (s *ConnectionsScreen) stopOAuth() {
	if s.Form != nil && s.Form.OAuth != nil {
		s.Form.OAuth.stop()
	}
}

// cancelOAuth cancels the form's attempt to connect in the browser, if any, so that nothing waits
// for the browser any more; any goroutine (the window's Close).
func (s *ConnectionsScreen) cancelOAuth() {
	if s.Form != nil && s.Form.OAuth != nil {
		s.Form.OAuth.mu.Lock()
		if s.Form.OAuth.cancel != nil {
			s.Form.OAuth.cancel()
		}
		s.Form.OAuth.mu.Unlock()
	}
}

// stop ends the attempt under way, if any. UI goroutine.
func (o *OAuthPanel) stop() {
	o.mu.Lock()
	if o.cancel != nil {
		o.cancel()
		o.cancel = nil
	}
	o.mu.Unlock()
	if o.attempt != nil {
		o.attempt.Close()
		o.attempt = nil
	}
	o.UsePasted.Disable()
}

func (o *OAuthPanel) say(text string, imp widget.Importance) {
	o.Status.Importance = imp
	o.Status.SetText(text)
}

// start begins an attempt: it listens on a loopback redirect address, opens the browser and,
// for a loopback redirect, waits for its return. UI goroutine.
func (o *OAuthPanel) start() {
	o.stop()
	entry := func(key string) string {
		if e := o.f.Credentials[key]; e != nil {
			return strings.TrimSpace(e.Text)
		}
		return ""
	}
	req := core.OAuthRequest{StoreURL: strings.TrimSpace(o.f.StoreURL.Text), ClientID: entry(o.oc.ClientIDKey),
		ClientSecret: entry(o.oc.ClientSecretKey), Redirect: strings.TrimSpace(o.Redirect.Text),
		HTTPClient: o.f.s.m.engine.HTTPClient}
	if req.ClientID == "" || req.ClientSecret == "" {
		if o.f.editing != nil {
			o.say(tr("oauth.need_app_again", "Enter the app's client ID and client secret again: Mizan keeps them in the keyring and does not show them."), widget.DangerImportance)
		} else {
			o.say(tr("oauth.need_app", "Enter the app's client ID and client secret first."), widget.DangerImportance)
		}
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	o.mu.Lock()
	o.ctx, o.cancel = ctx, cancel
	o.mu.Unlock()
	o.Connect.Disable()
	o.say(tr("oauth.starting", "Opening the store's approval page…"), widget.MediumImportance)
	open := o.f.s.m.deps.OpenBrowser
	if open == nil {
		open = func(addr string) error {
			u, err := url.Parse(addr)
			if err != nil {
				return err
			}
			return o.f.s.m.app.OpenURL(u)
		}
	}
	o.f.s.m.tasks.Go(func() {
		att, err := o.oc.Start(ctx, req)
		if err != nil {
			uiDo(func() { o.finished(ctx, nil, err) })
			return
		}
		uiDo(func() {
			if ctx.Err() != nil {
				att.Close()
				return
			}
			o.attempt = att
			o.Address.SetText(att.URL)
			if att.Loopback {
				o.say(tr("oauth.waiting", "Approve the app in your browser. Mizan is waiting for it to come back (up to 5 minutes)."), widget.MediumImportance)
			} else {
				o.UsePasted.Enable()
				o.say(tr("oauth.paste", "Approve the app in your browser, then paste below the address it ended on."), widget.MediumImportance)
			}
		})
		if ctx.Err() != nil {
			return
		}
		if err := open(att.URL); err != nil {
			uiDo(func() {
				o.say(tr("oauth.no_browser", "The browser could not be opened: copy the approval page's address into it yourself."), widget.WarningImportance)
			})
		}
		if !att.Loopback {
			uiDo(func() { o.Connect.Enable() })
			return
		}
		creds, err := att.Wait(ctx)
		uiDo(func() { o.finished(ctx, creds, err) })
	})
}

// usePasted takes the code from the pasted address and exchanges it. UI goroutine.
func (o *OAuthPanel) usePasted() {
	att, ctx := o.attempt, o.ctx
	if att == nil {
		return
	}
	pasted := o.Pasted.Text
	o.UsePasted.Disable()
	o.say(tr("oauth.exchanging", "Asking the store for the tokens…"), widget.MediumImportance)
	o.f.s.m.tasks.Go(func() {
		creds, err := att.Paste(ctx, pasted)
		uiDo(func() {
			if err != nil && ctx.Err() == nil {
				o.UsePasted.Enable() // another address may be pasted
			}
			o.finished(ctx, creds, err)
		})
	})
}

// finished shows an attempt's outcome and, on success, fills the token entries. UI goroutine.
func (o *OAuthPanel) finished(ctx context.Context, creds map[string]string, err error) {
	if ctx.Err() != nil {
		return // stopped: the form moved on
	}
	o.Connect.Enable()
	if err != nil {
		o.say(tr("oauth.failed", "Connecting in the browser failed: {{.Error}}", map[string]any{"Error": err.Error()}), widget.DangerImportance)
		return
	}
	o.UsePasted.Disable()
	for key, v := range creds {
		e := o.f.Credentials[key]
		if e == nil {
			continue
		}
		if key == o.oc.ExpiresAtKey {
			if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
				v = time.Unix(secs, 0).In(time.Local).Format(time.RFC3339)
			}
		}
		e.SetText(v)
	}
	o.say(tr("oauth.approved", "The store approved the app and gave its tokens (filled in below). Press Save: Mizan asks the store who it is before keeping them."), widget.SuccessImportance)
}

// oauthExpiry turns the token expiry entry's text (a date, a date and time, Unix seconds, days
// from now) into the Unix seconds kept. UI goroutine.
func oauthExpiry(text string) (string, error) {
	t, err := core.ParseTokenExpiry(text, time.Now(), time.Local)
	if err != nil {
		return "", errors.New(tr("oauth.bad_expiry", "The token expiry is not a date: write it as 2026-12-17, or as days from now such as 14d."))
	}
	if t.IsZero() {
		return "", nil
	}
	return strconv.FormatInt(t.Unix(), 10), nil
}

// layOutOAuth lays out the credentials of a platform that connects with OAuth: the app's client
// ID and secret with the "connect in the browser" panel, then the tokens, for a merchant who
// already has them. It returns the platform's other credentials, for the usual layout. UI
// goroutine.
func (f *ConnectionForm) layOutOAuth(p core.Platform) []core.CredentialField {
	oc := p.OAuth
	fields := map[string]core.CredentialField{}
	var rest []core.CredentialField
	for _, c := range p.Credentials {
		switch c.Key {
		case oc.ClientIDKey, oc.ClientSecretKey, oc.AccessTokenKey, oc.RefreshTokenKey, oc.ExpiresAtKey:
			fields[c.Key] = c
		default:
			rest = append(rest, c)
		}
	}
	// One grid for the whole section, so that its labels line up.
	g := container.New(layout.NewFormLayout())
	rows := func(keys ...string) {
		for _, key := range keys {
			c, ok := fields[key]
			if !ok {
				c = core.CredentialField{Key: key, Label: key}
			}
			label, help := credentialText(p.Name, c)
			e := widget.NewPasswordEntry()
			if key == oc.ExpiresAtKey {
				e = widget.NewEntry()
			}
			switch {
			case f.editing != nil && containsString(f.editing.SecretKeys, key):
				e.SetPlaceHolder(tr("connections.unchanged", "unchanged — type to replace"))
			case key == oc.ExpiresAtKey:
				e.SetPlaceHolder(tr("oauth.expiry_hint", "e.g. 2026-12-17, or 14d for 14 days from now"))
			default:
				e.SetPlaceHolder(help)
			}
			f.Credentials[key] = e
			g.Add(keyLabel(label))
			g.Add(e)
		}
	}
	f.OAuth = newOAuthPanel(f, oc)
	rows(oc.ClientIDKey, oc.ClientSecretKey)
	for _, o := range f.OAuth.rows {
		g.Add(o)
	}
	g.Add(layout.NewSpacer())
	g.Add(widget.NewLabelWithStyle(tr("oauth.have_tokens", "Or, if you already have tokens:"), fyne.TextAlignLeading,
		fyne.TextStyle{Italic: true}))
	rows(oc.AccessTokenKey, oc.RefreshTokenKey, oc.ExpiresAtKey)
	f.creds.Add(g)
	return rest
}

// oauthInput turns the token expiry typed in creds into the Unix seconds kept. UI goroutine.
func (f *ConnectionForm) oauthInput(creds map[string]string) error {
	oc := f.platform.OAuth
	if oc == nil {
		return nil
	}
	v, ok := creds[oc.ExpiresAtKey]
	if !ok {
		return nil
	}
	secs, err := oauthExpiry(v)
	if err != nil {
		return err
	}
	if secs == "" {
		delete(creds, oc.ExpiresAtKey)
	} else {
		creds[oc.ExpiresAtKey] = secs
	}
	return nil
}
