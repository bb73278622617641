package check

import "testing"

func TestIsRelease(t *testing.T) {
	for v, want := range map[string]bool{
		"v1.37.0":                   true,
		"1.30.2":                    true,
		"v1.38.0-alpha.1":           true,
		"v0.0.0-master+$Format:%H$": false,
		"latest":                    false,
		"":                          false,
	} {
		if IsRelease(v) != want {
			t.Errorf("IsRelease(%q) = %v", v, !want)
		}
	}
	// A component whose image names no release runs the server's version.
	c := Component{Kind: APIServer, Version: "v0.0.0-master+$Format:%H$"}
	if v := componentVersion(c, "v1.33.1"); v == nil || v.String() != "1.33.1" {
		t.Errorf("componentVersion %v, want the server's 1.33.1", v)
	}
}
