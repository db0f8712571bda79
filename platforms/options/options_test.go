package options

import "testing"

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
