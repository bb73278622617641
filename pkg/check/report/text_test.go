package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/termtest"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
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
	if strings.Contains(out, "PASS   nodes") || !strings.Contains(out, "bad range") || !strings.HasSuffix(out, "FAIL: 1 error(s), 1 warning(s), 0 info, 1 passed, 1 skipped, 1 exempt\n") {
		t.Errorf("text report:\n%s", out)
	}
	if !strings.Contains(out, "  source: pod kube-system/a, arg --x") || !strings.Contains(out, "  fix:    do y") {
		t.Errorf("details missing:\n%s", out)
	}
	if !regexp.MustCompile(`\nSkipped .*\n  \S.*\n    [a-z-]+\n`).MatchString(out) {
		t.Errorf("skips not grouped by reason after the table:\n%s", out)
	}
	// The exempt finding is no row of the table: its own section, after
	// the failures' details and before the skips.
	if strings.Contains(out, "EXEMPT") || strings.Contains(out, "only IPv4") ||
		!strings.Contains(out, "  fix:    do y\n\nExempt (1, not counted as failures):\n  legacy app, IPv4 only\n    x pod/demo/legacy status.podIPs\n\nSkipped") {
		t.Errorf("exempt section:\n%s", out)
	}
	colored := string(write(t, textWriter{}, r, Options{Color: true}))
	if !strings.Contains(colored, "\x1b[31m") {
		t.Error("no red for errors with Color")
	}
	if !strings.Contains(colored, "\x1b[35mExempt\x1b[0m (1, not counted as failures)") {
		t.Errorf("the exempt section's heading is not coloured:\n%q", colored)
	}
}

// Only exempt findings left: nothing failed, the section lists them by
// reason (a namespace's reason covers several objects), and the summary
// passes with them counted.
func TestWriteTextOnlyExempt(t *testing.T) {
	ns := "the lab runs IPv4 only (namespace lab)"
	r := New([]check.Finding{
		{ID: "pods-dual-stack-ips", Area: "pods", Severity: check.Error, Result: check.Exempt, Subject: "pod/lab/a status.podIPs", Exemption: ns},
		{ID: "pods-dual-stack-ips", Area: "pods", Severity: check.Error, Result: check.Pass, Subject: "pods", Message: "ok"},
		{ID: "services-prefer-dual-stack-single-family", Area: "services", Severity: check.Warning, Result: check.Exempt, Subject: "service/shop/api spec.ipFamilies", Exemption: "partner firewall"},
		{ID: "pods-dual-stack-ips", Area: "pods", Severity: check.Error, Result: check.Exempt, Subject: "pod/lab/b status.podIPs", Exemption: ns},
		{ID: "nodes-pod-cidrs-valid", Area: "nodes", Severity: check.Error, Result: check.Pass, Subject: "nodes", Message: "ok"},
	})
	out := string(write(t, textWriter{}, r, Options{}))
	want := "Nothing failed: 3 rules ran and passed, apart from 3 exempt findings (below).\n\n" +
		"Exempt (3, not counted as failures):\n" +
		"  the lab runs IPv4 only (namespace lab)\n" +
		"    pods-dual-stack-ips pod/lab/a status.podIPs\n" +
		"    pods-dual-stack-ips pod/lab/b status.podIPs\n" +
		"  partner firewall\n" +
		"    services-prefer-dual-stack-single-family service/shop/api spec.ipFamilies\n" +
		"\nPASS: 0 error(s), 0 warning(s), 0 info, 2 passed, 0 skipped, 3 exempt\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	// --show-passed puts the passes in the table, never the exempt findings.
	verbose := string(write(t, textWriter{}, r, Options{Verbose: true}))
	if !strings.HasPrefix(verbose, "AREA") || strings.Contains(verbose, "EXEMPT") || !strings.Contains(verbose, "\nExempt (3, not counted as failures):\n") {
		t.Errorf("--show-passed:\n%s", verbose)
	}
}

// invisibleEscaped is how the text report shows the end of hostile: the
// right-to-left override and isolate, the zero-width space and the tag
// character as escapes, never raw.
const invisibleEscaped = `\u202eRLO\u2066\u200b\U000e0041`

func TestWriteTextEscapes(t *testing.T) {
	r := hostileReport()
	for _, verbose := range []bool{false, true} {
		out := string(write(t, textWriter{}, r, Options{Verbose: verbose}))
		if bad := termtest.RawControls(out, "\n"); len(bad) > 0 {
			t.Errorf("verbose=%v: raw control characters %v in:\n%q", verbose, bad, out)
		}
		// The escaped forms, on the table's one row (newline and tab too).
		row := strings.Split(out, "\n")[1]
		for _, want := range []string{"pod/a^[[31mred^[]52;c;aGk=^G\\rfake^Jline^Ix^H^[[2J\uFFFD\uFFFD" + invisibleEscaped, "KubernetesDefaultServiceCIDRInconsistent: a^[[31mred^[]52;c;aGk=^G fake line x^H^[[2J\uFFFD\uFFFD" + invisibleEscaped} {
			if !strings.Contains(row, want) {
				t.Errorf("verbose=%v: the row %q does not hold %q", verbose, row, want)
			}
		}
		if !strings.Contains(out, "  source: dir/a^[[31mred") || !strings.Contains(out, "  fix:    fix a^[[31mred") {
			t.Errorf("verbose=%v: details not escaped:\n%s", verbose, out)
		}
		if !strings.Contains(out, "\n  reason a^[[31mred^[]52;c;aGk=^G fake line x^H^[[2J\uFFFD\uFFFD"+invisibleEscaped+"\n    pods-dual-stack-ips pod/xa^[[31mred") {
			t.Errorf("verbose=%v: the exempt section is not escaped:\n%s", verbose, out)
		}
		if !verbose && !strings.Contains(out, "  cannot read: a^[[31mred") {
			t.Errorf("the skip reason is not escaped:\n%s", out)
		}
	}
}
