package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/termtest"
)

func TestWriteText(t *testing.T) {
	r := smallReport()
	out := string(write(t, textWriter{}, r, Options{}))
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing space in %q", line)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour without Color")
	}
	if strings.Contains(out, "PASS   nodes") || !strings.Contains(out, "bad range") || !strings.HasSuffix(out, "FAIL: 1 error(s), 1 warning(s), 0 info, 1 passed, 1 skipped\n") {
		t.Errorf("text report:\n%s", out)
	}
	if !strings.Contains(out, "  source: pod kube-system/a, arg --x") || !strings.Contains(out, "  fix:    do y") {
		t.Errorf("details missing:\n%s", out)
	}
	if !regexp.MustCompile(`\nSkipped .*\n  \S.*\n    [a-z-]+\n`).MatchString(out) {
		t.Errorf("skips not grouped by reason after the table:\n%s", out)
	}
	if colored := string(write(t, textWriter{}, r, Options{Color: true})); !strings.Contains(colored, "\x1b[31m") {
		t.Error("no red for errors with Color")
	}
}

func TestWriteTextEscapes(t *testing.T) {
	r := hostileReport()
	for _, verbose := range []bool{false, true} {
		out := string(write(t, textWriter{}, r, Options{Verbose: verbose}))
		if bad := termtest.RawControls(out, "\n"); len(bad) > 0 {
			t.Errorf("verbose=%v: raw control characters %v in:\n%q", verbose, bad, out)
		}
		// The escaped forms, on the table's one row (newline and tab too).
		row := strings.Split(out, "\n")[1]
		for _, want := range []string{"pod/a^[[31mred^[]52;c;aGk=^G\\rfake^Jline^Ix^H^[[2J\uFFFD\uFFFD", "KubernetesDefaultServiceCIDRInconsistent: a^[[31mred^[]52;c;aGk=^G fake line x^H^[[2J\uFFFD\uFFFD"} {
			if !strings.Contains(row, want) {
				t.Errorf("verbose=%v: the row %q does not hold %q", verbose, row, want)
			}
		}
		if !strings.Contains(out, "  source: dir/a^[[31mred") || !strings.Contains(out, "  fix:    fix a^[[31mred") {
			t.Errorf("verbose=%v: details not escaped:\n%s", verbose, out)
		}
		if !verbose && !strings.Contains(out, "  cannot read: a^[[31mred") {
			t.Errorf("the skip reason is not escaped:\n%s", out)
		}
	}
}
