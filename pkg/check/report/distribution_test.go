package report

import (
	"strings"
	"testing"
)

// The distribution the gatherer told is named in the JSON and YAML
// reports and on one line of the text report, with what told it.
func TestDistributionReported(t *testing.T) {
	r := New(nil)
	r.Distribution, r.DistributionSource = "k3s", "node node-1 annotation k3s.io/node-args"
	for name, want := range map[string]string{
		"json": `"distribution": "k3s",
  "distributionSource": "node node-1 annotation k3s.io/node-args"`,
		"yaml": "distribution: k3s\ndistributionSource: node node-1 annotation k3s.io/node-args\n",
		"text": "\nDistribution: k3s (node node-1 annotation k3s.io/node-args)\n",
	} {
		writer, _ := Get(name)
		if out := string(write(t, writer, r, Options{})); !strings.Contains(out, want) {
			t.Errorf("%s report lacks %q:\n%s", name, want, out)
		}
	}
	if out := string(write(t, textWriter{}, New(nil), Options{})); strings.Contains(out, "Distribution") {
		t.Errorf("a text report names no distribution when none was told:\n%s", out)
	}
}
