package core

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestArgsJSONIsEncodingJSON: a log entry's arguments are stored as encoding/json writes them,
// whatever their text: HTML characters, control characters, U+2028, bytes that are not UTF-8,
// Arabic, nested phrases and empty fields.
func TestArgsJSONIsEncodingJSON(t *testing.T) {
	texts := []string{"", "#1001", "قهوة عربية 250g", `a "quoted" \ path`, "<b>&amp;</b>", "tab\there\nnew\rline\b\f",
		"\x00\x01\x1f\x7f", "line\u2028para\u2029end", "bad \xff\xfe byte", "\xe2\x80", "emoji 🧾", "SAR 12.50",
		"mixed English وعربي 123"}
	cases := [][]Phrase{
		{{Text: "x"}},
		{{}},
		{{Code: "order.invoiced"}, {Text: "INV-000001"}, {List: "semicolon", Args: []Phrase{{Text: "a"}, {Code: "c", Args: []Phrase{{}}}}}},
	}
	for _, s := range texts {
		cases = append(cases, []Phrase{{Text: s}, {Code: s, List: s, Text: s, Args: []Phrase{{Text: s}}}})
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	var phrase func(depth int) Phrase
	phrase = func(depth int) Phrase {
		word := func() string {
			if rnd.IntN(3) == 0 {
				return ""
			}
			if rnd.IntN(2) == 0 {
				return texts[rnd.IntN(len(texts))]
			}
			b := make([]byte, rnd.IntN(12))
			for i := range b {
				b[i] = byte(rnd.IntN(256))
			}
			return string(b)
		}
		p := Phrase{Code: word(), List: word(), Text: word()}
		if depth < 3 {
			for range rnd.IntN(3) {
				p.Args = append(p.Args, phrase(depth+1))
			}
		}
		return p
	}
	for range 2000 {
		var ps []Phrase
		for range 1 + rnd.IntN(4) {
			ps = append(ps, phrase(0))
		}
		cases = append(cases, ps)
	}
	for _, ps := range cases {
		want, err := json.Marshal(ps)
		if err != nil {
			t.Fatal(err)
		}
		if got := argsJSON(ps); got != string(want) {
			t.Fatalf("%#v:\n got %s\nwant %s", ps, got, want)
		}
	}
}
