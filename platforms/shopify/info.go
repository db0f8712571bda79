package shopify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"mizan/core"
)

type shopData struct {
	Shop struct {
		ID              string `json:"id"`
		Name            string `json:"name"`
		CurrencyCode    string `json:"currencyCode"`
		MyshopifyDomain string `json:"myshopifyDomain"`
		IanaTimezone    string `json:"ianaTimezone"`
	} `json:"shop"`
	Location *locationData `json:"location"`
}

type locationData struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	IsActive bool   `json:"isActive"`
}

// Info checks the credentials and describes the store and its stock location.
func (s *Store) Info(ctx context.Context) (core.StoreInfo, error) {
	const op = "read the shop"
	var d shopData
	rep, err := s.call(ctx, op, docShop, map[string]any{"location": nullable(s.set.locationID)}, &d)
	if err != nil {
		return core.StoreInfo{}, err
	}
	loc, err := s.rememberLocation(op, d.Location)
	if err != nil {
		return core.StoreInfo{}, err
	}
	auth := "Admin API access token"
	if s.tokens.granted() {
		auth = "Dev Dashboard app (client credentials)"
	}
	details := fmt.Sprintf("%s · time zone %s · %s", d.Shop.MyshopifyDomain, d.Shop.IanaTimezone, auth)
	if d.Location != nil && !d.Location.IsActive {
		details += " · the stock location is inactive"
	}
	return core.StoreInfo{
		Name: d.Shop.Name, Platform: "shopify", Version: s.set.version, Currency: d.Shop.CurrencyCode,
		Location: loc.Name, LocationID: loc.ID, Details: details, Now: rep.Date, StoreID: d.Shop.ID,
	}, nil
}

// rememberLocation keeps the stock location a query returned.
func (s *Store) rememberLocation(op string, l *locationData) (locationRef, error) {
	if l == nil || l.ID == "" {
		what := "the shop has no primary location"
		if s.set.locationID != "" {
			what = "location " + s.set.locationID + " does not exist in the store (check the stock location setting)"
		}
		return locationRef{}, &core.StoreError{Op: op, Message: what, Err: core.ErrNotFound}
	}
	ref := locationRef{ID: l.ID, Name: l.Name}
	s.setLocation(ref)
	return ref, nil
}

func (s *Store) setLocation(ref locationRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.location = &ref
}

// locationID returns the stock location's id: the configured one, or the primary location,
// looked up once.
func (s *Store) locationID(ctx context.Context) (string, error) {
	if s.set.locationID != "" {
		return s.set.locationID, nil
	}
	s.mu.Lock()
	loc := s.location
	s.mu.Unlock()
	if loc != nil {
		return loc.ID, nil
	}
	const op = "find the primary location"
	var d shopData
	if _, err := s.call(ctx, op, docShop, map[string]any{"location": nil}, &d); err != nil {
		return "", err
	}
	ref, err := s.rememberLocation(op, d.Location)
	if err != nil {
		return "", err
	}
	s.log.Debug("stock location", slog.String("id", ref.ID), slog.String("name", ref.Name))
	return ref.ID, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// callSized runs a paged document, shrinking the page sizes picked by pick and asking again when
// the store finds the query too expensive.
func (s *Store) callSized(ctx context.Context, op, doc string, vars func(pageSizes) map[string]any, pick func(*pageSizes) []*int, out func() any) (reply, error) {
	for {
		rep, err := s.call(ctx, op, doc, vars(s.pageSizes()), out())
		var ce *costExceeded
		if !errors.As(err, &ce) {
			return rep, err
		}
		if !s.shrink(ce, doc, pick) {
			return rep, &core.StoreError{Op: op, Message: ce.Error()}
		}
		s.log.Warn("query too expensive for the store; asking for smaller pages", slog.String("op", op),
			slog.Int("cost", ce.cost), slog.Int("max", ce.max))
	}
}
