package options

import (
	"errors"
	"strings"
	"testing"

	"mizan/core"
)

func TestYesNo(t *testing.T) {
	for _, tc := range []struct {
		value   string
		want    bool
		wantErr bool
	}{
		{"yes", true, false}, {"TRUE", true, false}, {"1", true, false}, {" on ", true, false},
		{"no", false, false}, {"False", false, false}, {"0", false, false}, {"off", false, false},
		{"", false, true}, {"maybe", false, true}, {"نعم", false, true},
	} {
		got, err := YesNo("salla", "restock_credit_notes", tc.value)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("YesNo(%q) = %v, %v", tc.value, got, err)
		}
		if err != nil && err.Error() != `salla: option restock_credit_notes must be yes or no, not "`+tc.value+`"` {
			t.Errorf("the error says %q", err)
		}
	}
}

func TestChoose(t *testing.T) {
	places := []Place{
		{ID: "11", Names: []string{"الرياض", "Riyadh"}},
		{ID: "12", Names: []string{"", "Jeddah"}, Default: true},
		{ID: "13", Names: []string{"jeddah"}},
	}
	for _, tc := range []struct {
		desc, option string
		places       []Place
		want         int
		err          string
	}{
		{"none: the default", "", places, 1, ""},
		{"none and no default: the first", "", places[:1], 0, ""},
		{"no places", "", nil, -1, ""},
		{"by id", "13", places, 2, ""},
		{"by name, letter case aside", " RIYADH ", places, 0, ""},
		{"by Arabic name", "الرياض", places, 0, ""},
		{"the first of two names alike", "JEDDAH", places, 1, ""},
		{"unknown", "Dammam", places, -1, `the store has no branch "Dammam" (it has: الرياض (11), Jeddah (12), jeddah (13))`},
		{"unknown, with no places", "Dammam", nil, -1, `the store has no branch "Dammam" (it has: )`},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			got, err := Choose(tc.option, tc.places, "choose the stock branch", "branch")
			if got != tc.want || (err == nil) != (tc.err == "") {
				t.Fatalf("Choose(%q) = %d, %v; want %d", tc.option, got, err, tc.want)
			}
			if err != nil && (!errors.Is(err, core.ErrNotFound) || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "choose the stock branch")) {
				t.Errorf("the error: %v", err)
			}
		})
	}
}
