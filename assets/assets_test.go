package assets

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

func TestAssetsAreEmbedded(t *testing.T) {
	if _, err := png.Decode(bytes.NewReader(Icon.Content())); err != nil {
		t.Fatalf("icon is not a PNG: %v", err)
	}
	for _, f := range []interface{ Content() []byte }{ArabicRegular, ArabicBold} {
		c := f.Content()
		// TrueType fonts start with the sfnt version 0x00010000.
		if len(c) < 100_000 || !bytes.HasPrefix(c, []byte{0, 1, 0, 0}) {
			t.Fatalf("font is not a TrueType file (%d bytes)", len(c))
		}
	}
	if !strings.Contains(string(FontLicence.Content()), "SIL OPEN FONT LICENSE Version 1.1") {
		t.Fatal("the font licence is missing")
	}
}
