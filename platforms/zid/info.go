package zid

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"mizan/core"
	"mizan/platforms/options"
)

// Info checks the tokens and describes the store: its profile (its id is the store's identity)
// and the location whose stock the connection uses. A store id given with the tokens must be
// the one Zid names: the tokens would otherwise be sent as another store's.
func (s *Store) Info(ctx context.Context) (core.StoreInfo, error) {
	p, rep, err := s.profile(ctx)
	if err != nil {
		return core.StoreInfo{}, err
	}
	id := p.User.Store.ID.String()
	if id == "" {
		return core.StoreInfo{}, &core.StoreError{Op: "read the store's profile", Message: "Zid's answer names no store (user.store.id)"}
	}
	s.mu.Lock()
	given := s.storeID
	if given == "" {
		s.storeID = id
	}
	s.mu.Unlock()
	if given != "" && given != id {
		return core.StoreInfo{}, &core.StoreError{Op: "read the store's profile", Err: core.ErrUnauthorized,
			Message: fmt.Sprintf("the tokens are for store %s, not for the store id in the settings (%s)", id, given)}
	}
	locID, locName, err := s.stockLocation(ctx)
	if err != nil {
		return core.StoreInfo{}, err
	}
	info := core.StoreInfo{
		Name:       strings.TrimSpace(p.User.Store.Title),
		Platform:   "zid",
		Version:    "Merchant API v1",
		Currency:   "SAR",
		Location:   locName,
		LocationID: locID,
		StoreID:    id,
		Now:        rep.Date,
	}
	if c := p.User.Store.Currency; c != nil && strings.TrimSpace(c.Code) != "" {
		info.Currency = strings.ToUpper(strings.TrimSpace(c.Code))
	}
	if info.Name == "" {
		info.Name = p.User.Store.Username
	}
	var details []string
	if u := strings.TrimSpace(p.User.Store.URL); u != "" {
		details = append(details, "address "+u)
	}
	details = append(details, fmt.Sprintf("product requests paced to %d a minute", ProductLimit))
	info.Details = strings.Join(details, ", ")
	return info, nil
}

// profile reads the manager's profile, which names the store.
func (s *Store) profile(ctx context.Context) (profile, reply, error) {
	var p profile
	rep, err := s.do(ctx, request{op: "read the store's profile", scheme: manager, method: http.MethodGet, path: "/managers/account/profile"}, &p)
	if err == nil {
		s.mu.Lock()
		s.keepsCancelled = p.User.Store.RestockCancelled != nil && !*p.User.Store.RestockCancelled
		s.mu.Unlock()
	}
	return p, rep, err
}

// storeIdentity is the store's id, for the Store-Id header: as the settings give it, or asked of
// Zid once.
func (s *Store) storeIdentity(ctx context.Context) (string, error) {
	s.mu.Lock()
	id := s.storeID
	s.mu.Unlock()
	if id != "" {
		return id, nil
	}
	p, _, err := s.profile(ctx)
	if err != nil {
		return "", err
	}
	if id = p.User.Store.ID.String(); id == "" {
		return "", &core.StoreError{Op: "read the store's profile", Message: "Zid's answer names no store (user.store.id)"}
	}
	s.mu.Lock()
	s.storeID = id
	s.mu.Unlock()
	return id, nil
}

// listOf reads a list Zid sends bare or inside a DRF page ({results: […]}).
func listOf(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	var out []json.RawMessage
	if len(raw) > 0 && raw[0] == '[' {
		err := json.Unmarshal(raw, &out)
		return out, err
	}
	var page struct {
		Results   []json.RawMessage `json:"results"`
		Locations []json.RawMessage `json:"locations"`
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		return nil, err
	}
	if page.Results != nil {
		return page.Results, nil
	}
	return page.Locations, nil
}

// stockLocation resolves the location option: a location's id or name (Arabic or English), or
// the store's first location.
func (s *Store) stockLocation(ctx context.Context) (id, name string, err error) {
	s.mu.Lock()
	id, name = s.locID, s.locName
	s.mu.Unlock()
	if id != "" {
		return id, name, nil
	}
	var locs []location
	next := "/locations/"
	for page := 1; next != "" && page <= 20; page++ {
		var raw json.RawMessage
		if _, err := s.do(ctx, request{op: "list the store's locations", scheme: catalog, method: http.MethodGet, path: next}, &raw); err != nil {
			return "", "", err
		}
		items, err := listOf(raw)
		if err != nil {
			return "", "", s.storeErr("list the store's locations", 0, "unexpected answer: "+err.Error(), nil)
		}
		for _, it := range items {
			var l location
			if json.Unmarshal(it, &l) == nil && l.ID != "" {
				locs = append(locs, l)
			}
		}
		var p productPage
		_ = json.Unmarshal(raw, &p)
		next = ""
		if p.Next != nil && *p.Next != "" {
			if next, err = s.follow(*p.Next); err != nil {
				return "", "", err
			}
		}
	}
	places := make([]options.Place, len(locs))
	for i, l := range locs {
		places[i] = options.Place{ID: l.ID.String(), Names: []string{l.Name.Ar, l.Name.En}}
	}
	i, err := options.Choose(s.locO, places, "choose the stock location", "location")
	if err != nil {
		return "", "", err
	}
	if i < 0 {
		return "", "", &core.StoreError{Op: "choose the stock location", Err: core.ErrNotFound,
			Message: "the store has no inventory location: add one in Zid (Settings › Inventory locations)"}
	}
	chosen := &locs[i]
	s.mu.Lock()
	s.locID, s.locName = chosen.ID.String(), chosen.Name.String()
	s.mu.Unlock()
	return s.locID, s.locName, nil
}
