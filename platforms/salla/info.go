package salla

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"mizan/core"
	"mizan/platforms/options"
)

// userInfo is the OAuth server's /oauth2/user/info answer (with or without a data envelope).
type userInfo struct {
	ID       sid  `json:"id"`
	Name     text `json:"name"`
	Email    text `json:"email"`
	Merchant struct {
		ID       sid  `json:"id"`
		Username text `json:"username"`
		Name     text `json:"name"`
		Domain   text `json:"domain"`
		Plan     text `json:"plan"`
	} `json:"merchant"`
}

// Info checks the tokens and describes the store: the merchant (its id is the store's identity),
// and the branch whose stock the connection uses.
func (s *Store) Info(ctx context.Context) (core.StoreInfo, error) {
	ctx = context.WithValue(ctx, checking{}, true)
	var u userInfo
	rep, err := s.call(ctx, "read the store's details", http.MethodGet, s.ep.UserInfo, nil, nil, &u)
	if err != nil {
		return core.StoreInfo{}, err
	}
	if u.Merchant.ID == "" {
		return core.StoreInfo{}, &core.StoreError{Op: "read the store's details", Message: "Salla's answer names no store (merchant id)"}
	}
	id, name, err := s.stockBranch(ctx)
	if err != nil {
		return core.StoreInfo{}, err
	}
	info := core.StoreInfo{
		Name:       string(u.Merchant.Name),
		Platform:   "salla",
		Version:    "Merchant API v2",
		Currency:   "SAR",
		Location:   name,
		LocationID: id,
		StoreID:    u.Merchant.ID.String(),
		Now:        rep.Date,
	}
	if info.Name == "" {
		info.Name = string(u.Merchant.Username)
	}
	var details []string
	if u.Merchant.Domain != "" {
		details = append(details, "address "+string(u.Merchant.Domain))
	}
	if u.Merchant.Plan != "" {
		details = append(details, "plan "+string(u.Merchant.Plan))
	}
	if p := s.http.Pacer; p != nil && p.Stats().Limit > 0 {
		st := p.Stats()
		details = append(details, fmt.Sprintf("%d API requests a minute", st.Limit))
	}
	info.Details = strings.Join(details, ", ")
	return info, nil
}

// stockBranch resolves the branch option: a branch's id or name, or the store's default branch.
func (s *Store) stockBranch(ctx context.Context) (id, name string, err error) {
	s.mu.Lock()
	id, name = s.branchID, s.branchNm
	s.mu.Unlock()
	if id != "" {
		return id, name, nil
	}
	var branches []branch
	if _, err := s.call(ctx, "list the store's branches", http.MethodGet, "/branches", nil, nil, &branches); err != nil {
		return "", "", err
	}
	places := make([]options.Place, len(branches))
	for i, b := range branches {
		places[i] = options.Place{ID: b.ID.String(), Names: []string{string(b.Name)}, Default: bool(b.IsDefault)}
	}
	i, err := options.Choose(s.branchO, places, "choose the stock branch", "branch")
	if err != nil {
		return "", "", err
	}
	if i < 0 {
		return "", "", nil // a store without branches keeps one stock
	}
	chosen := &branches[i]
	s.mu.Lock()
	s.branchID, s.branchNm = chosen.ID.String(), string(chosen.Name)
	s.mu.Unlock()
	return chosen.ID.String(), string(chosen.Name), nil
}
