package jsontime

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimeReadsStoreShapes(t *testing.T) {
	riyadh, _ := Zone("Asia/Riyadh")
	cases := []struct {
		name string
		in   string
		want string // RFC 3339 in UTC after In(riyadh); "" unset; "error"
	}{
		{"PHP DateTime in Riyadh", `{"date":"2024-02-15 08:23:05.000000","timezone_type":3,"timezone":"Asia/Riyadh"}`, "2024-02-15T05:23:05Z"},
		{"PHP DateTime with an offset", `{"date":"2024-02-15 08:23:05.000000","timezone_type":1,"timezone":"+02:00"}`, "2024-02-15T06:23:05Z"},
		{"PHP DateTime in UTC", `{"date":"2024-02-15 08:23:05.000000","timezone_type":3,"timezone":"UTC"}`, "2024-02-15T08:23:05Z"},
		{"PHP DateTime with an abbreviation", `{"date":"2024-02-15 08:23:05","timezone_type":2,"timezone":"AST"}`, "2024-02-15T05:23:05Z"},
		{"plain string in the store's zone", `"2024-02-15 08:23:05"`, "2024-02-15T05:23:05Z"},
		{"date only", `"2024-02-15"`, "2024-02-14T21:00:00Z"},
		{"RFC 3339 keeps its zone", `"2024-02-15T08:23:05+03:00"`, "2024-02-15T05:23:05Z"},
		{"RFC 3339 UTC", `"2024-02-15T08:23:05Z"`, "2024-02-15T08:23:05Z"},
		{"unix seconds", `1707985385`, "2024-02-15T08:23:05Z"},
		{"null", `null`, ""},
		{"empty", `""`, ""},
		{"zero date", `"0000-00-00 00:00:00"`, ""},
		{"garbage", `"yesterday"`, "error"},
		{"unknown zone", `{"date":"2024-02-15 08:23:05","timezone_type":3,"timezone":"Mars/Olympus"}`, "error"},
		{"an array", `[1]`, "error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v Time
			err := json.Unmarshal([]byte(tc.in), &v)
			if tc.want == "error" {
				if err == nil {
					t.Fatalf("read %v, want an error", v)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if v.Valid {
				got = v.In(riyadh).Format(time.RFC3339)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOrderNumber(t *testing.T) {
	for in, want := range map[string]string{"#1001": "1001", " 1001 ": "1001", "# 1001": "1001", "1001": "1001", "": ""} {
		if got := OrderNumber(in); got != want {
			t.Errorf("OrderNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUTC: a time without a zone is UTC, one with a zone is honoured, and an absent one is zero.
func TestUTC(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{`"2026-03-01T10:00:00"`, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), false},
		{`"2026-03-01 10:00:00"`, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), false},
		{`"2026-03-01T13:00:00+03:00"`, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), false},
		{`"2026-03-01T10:00:00.25Z"`, time.Date(2026, 3, 1, 10, 0, 0, 250e6, time.UTC), false},
		{`null`, time.Time{}, false},
		{`""`, time.Time{}, false},
		{`"yesterday"`, time.Time{}, true},
	} {
		var v UTC
		err := json.Unmarshal([]byte(tc.in), &v)
		if (err != nil) != tc.bad {
			t.Errorf("%s: error %v, want error %v", tc.in, err, tc.bad)
			continue
		}
		if !v.Time.Equal(tc.want) || v.Location() != time.UTC {
			t.Errorf("%s: got %v, want %v in UTC", tc.in, v.Time, tc.want)
		}
	}
}
