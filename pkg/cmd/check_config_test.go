package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/config"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

const configHeader = "apiVersion: dualstack.kubectl.io/v1alpha1\nkind: CheckConfig\n"

// writeConfig writes a configuration file and returns its path.
func writeConfig(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(configHeader+body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCheckConfigPrecedence: the file's fields apply, and a flag given
// replaces its field, on a set of files with one error
// (controller-manager-node-cidr-mask) and a healthy set.
func TestCheckConfigPrecedence(t *testing.T) {
	broken := []string{"--from-file", filesDir + "/broken/kcm-node-cidr-mask-size-dual"}
	healthy := []string{"--from-file", filesDir + "/healthy/dual-ipv4"}
	const toWarning = "rules:\n  severity:\n    controller-manager-node-cidr-mask: warning\n"
	for _, tt := range []struct {
		name, config string
		args         []string
		code         int
	}{
		{"no configuration", "", broken, ExitCheckFailed},
		{"severity override", toWarning, broken, ExitOK},
		{"severity override, failOn warning", toWarning + "failOn: warning\n", broken, ExitCheckFailed},
		{"--fail-on overrides failOn", toWarning + "failOn: warning\n", append([]string{"--fail-on=error"}, broken...), ExitOK},
		{"failOn never", "failOn: never\n", broken, ExitOK},
		{"skip", "rules:\n  skip: [controller-manager-node-cidr-mask]\n", broken, ExitOK},
		{"--skip replaces skip", "rules:\n  skip: [controller-manager-node-cidr-mask]\n", append([]string{"--skip=cluster-stack"}, broken...), ExitCheckFailed},
		{"only", "rules:\n  only: [cluster-stack]\n", broken, ExitOK},
		{"--only replaces only", "rules:\n  only: [cluster-stack]\n", append([]string{"--only=controller-manager-node-cidr-mask"}, broken...), ExitCheckFailed},
		{"expect", "expect: ipv4\n", healthy, ExitCheckFailed},
		{"--expect overrides expect", "expect: ipv4\n", append([]string{"--expect=dual"}, healthy...), ExitOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"check", "-o", "json"}, tt.args...)
			path := ""
			if tt.config != "" {
				path = writeConfig(t, t.TempDir(), "ci.yaml", tt.config)
				args = append(args, "--config", path)
			}
			out, errOut, code := execute(t, args...)
			var r report.Report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("no JSON report (exit %d): %v\n%s", code, err, errOut)
			}
			if code != tt.code || r.Config != path {
				t.Errorf("exit %d, config %q; want exit %d, config %q\n%+v", code, r.Config, tt.code, path, r.Summary)
			}
		})
	}
}

// TestCheckConfigSeverityAndExemption: the finding carries the file's
// severity; an exempted object's finding is exempt, with the reason and
// where the exemption was declared, and fails nothing.
func TestCheckConfigSeverityAndExemption(t *testing.T) {
	dir := t.TempDir()
	set := []string{"--from-file", filesDir + "/broken/networkpolicy-ipv4-only-ipblock", "-o", "json", "--fail-on=warning"}
	severity := writeConfig(t, dir, "severity.yaml", "rules:\n  severity:\n    networkpolicies-ipblock-families: error\n")
	out, _, code := execute(t, append([]string{"check", "--config", severity}, set...)...)
	r := decodeReport(t, out)
	if f := findingOf(r, "networkpolicies-ipblock-families"); code != ExitCheckFailed || f.Result != check.Fail || f.Severity != check.Error || r.Summary.Error != 1 {
		t.Errorf("severity override: exit %d, finding %+v, summary %+v", code, f, r.Summary)
	}

	exempt := writeConfig(t, dir, "exempt.yaml", `exemptions:
- rules: [networkpolicies-ipblock-families]
  namespaces: [ingress-nginx]
  reason: the load balancer in front is IPv4 only
`)
	out, _, code = execute(t, append([]string{"check", "--config", exempt}, set...)...)
	r = decodeReport(t, out)
	f := findingOf(r, "networkpolicies-ipblock-families")
	if code != ExitOK || f.Result != check.Exempt || f.Exemption != "the load balancer in front is IPv4 only ("+exempt+":4)" || r.Summary.Warning != 0 {
		t.Errorf("exemption: exit %d, finding %+v, summary %+v", code, f, r.Summary)
	}
}

func decodeReport(t *testing.T, out string) report.Report {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("no JSON report: %v\n%s", err, out)
	}
	return r
}

// findingOf is the rule's first finding that is not a pass.
func findingOf(r report.Report, id string) check.Finding {
	for _, f := range r.Findings {
		if f.ID == id && f.Result != check.Pass {
			return f
		}
	}
	return check.Finding{}
}

// TestCheckConfigFound: without --config, the working directory's file
// is used and the report names it, at the top of the text report.
func TestCheckConfigFound(t *testing.T) {
	set, err := filepath.Abs(filesDir + "/broken/kcm-node-cidr-mask-size-dual")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	writeConfig(t, ".", config.WorkingDirFile, "failOn: never\n")
	out, _, code := execute(t, "check", "--from-file", set)
	if code != ExitOK || !strings.HasPrefix(out, "Configuration: "+config.WorkingDirFile+"\n\n") {
		t.Errorf("exit %d, want 0 (failOn: never); report:\n%s", code, out)
	}
}

// TestCheckConfigErrors: a bad file is one line on stderr with its
// position, and exit 2, before anything is read; --list-rules ignores it.
func TestCheckConfigErrors(t *testing.T) {
	dir := t.TempDir()
	typo := writeConfig(t, dir, "typo.yaml", "exemptions:\n- rules: [\"*\"]\n  namespaces: [legacy]\n  reasn: legacy\n")
	_, errOut, code := execute(t, "check", "--config", typo, "--from-file", filesDir+"/healthy/dual-ipv4")
	want := "error: " + typo + `:6:3: unknown key "reasn" in exemptions[0] (did you mean "reason"?)` + "\n"
	if code != ExitCheckError || errOut != want {
		t.Errorf("exit %d, stderr %q; want exit 2, stderr %q", code, errOut, want)
	}
	missing := filepath.Join(dir, "missing.yaml")
	_, errOut, code = execute(t, "check", "--config", missing, "--from-file", filesDir+"/healthy/dual-ipv4")
	if want := "error: " + missing + ": cannot read the configuration file: no such file or directory\n"; code != ExitCheckError || errOut != want {
		t.Errorf("exit %d, stderr %q; want exit 2, stderr %q", code, errOut, want)
	}
	out, errOut, code := execute(t, "check", "--config", typo, "--list-rules")
	if code != ExitOK || errOut != "" || !strings.Contains(out, "pods-dual-stack-ips") {
		t.Errorf("--list-rules: exit %d, stderr %q", code, errOut)
	}
}

func TestCompleteConfigFlag(t *testing.T) {
	comps, directive := complete(t, "check", "--config", "")
	if strings.Join(comps, ",") != "yaml,yml" || directive != ":8" { // ShellCompDirectiveFilterFileExt
		t.Errorf("check --config <TAB>: %q %s, want YAML files", comps, directive)
	}
}
