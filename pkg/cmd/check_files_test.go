package cmd

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

const filesDir = "../../testdata/files"

// `check --from-file` needs no cluster: these run the command on the
// acceptance fixtures and check exit codes and each output format.
func TestCheckFromFileExitCodes(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		code int
		err  string // a fragment of stderr
	}{
		{"healthy IPv4-primary set", []string{"--from-file", filesDir + "/healthy/dual-ipv4"}, ExitOK, ""},
		{"healthy IPv6-primary set, JSON", []string{"--from-file", filesDir + "/healthy/dual-ipv6", "-o", "json"}, ExitOK, ""},
		{"a set with an error", []string{"--from-file", filesDir + "/broken/kcm-node-cidr-mask-size-dual"}, ExitCheckFailed, ""},
		{"a set with an error, --fail-on=never", []string{"--from-file", filesDir + "/broken/kcm-node-cidr-mask-size-dual", "--fail-on=never"}, ExitOK, ""},
		{"a set with a warning", []string{"--from-file", filesDir + "/broken/kcm-service-range-differs"}, ExitOK, ""},
		{"a set with a warning, --fail-on=warning", []string{"--from-file", filesDir + "/broken/kcm-service-range-differs", "--fail-on=warning"}, ExitCheckFailed, ""},
		{"healthy k3s cluster", []string{"--from-file", filesDir + "/healthy/k3s-dual"}, ExitOK, ""},
		{"k3s refuses the set", []string{"--from-file", filesDir + "/broken/k3s-service-cidr-family"}, ExitCheckFailed, ""},
		{"nothing readable", []string{"--from-file", "does/not/exist"}, ExitCheckError, "does/not/exist"},
		{"--live needs --from-file", []string{"--live"}, ExitCheckError, "--live adds a cluster to a --from-file audit"},
		{"--probe needs a cluster", []string{"--from-file", filesDir + "/healthy/dual-ipv4", "--probe"}, ExitCheckError, "--probe asks a cluster"},
		{"bad --kubernetes-version", []string{"--from-file", filesDir + "/healthy/dual-ipv4", "--kubernetes-version", "latest"}, ExitCheckError, `--kubernetes-version "latest"`},
		{"unknown output", []string{"--from-file", filesDir + "/healthy/dual-ipv4", "-o", "html"}, ExitCheckError, "--output must be one of"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := execute(t, append([]string{"check"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.err) {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr containing %q", code, errOut, tt.code, tt.err)
			}
			if tt.err != "" && strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
				t.Errorf("stderr is more than a line and a hint:\n%s", errOut)
			}
		})
	}
}

func TestCheckFromFileOutputs(t *testing.T) {
	set := filesDir + "/broken/kube-proxy-cluster-cidr-missing-family"
	out, _, code := execute(t, "check", "--from-file", set, "-o", "sarif", "--fail-on=warning")
	if code != ExitCheckFailed {
		t.Errorf("sarif: exit %d, want 1", code)
	}
	var sarif struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Version string
					Rules   []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
		t.Fatalf("not SARIF 2.1.0 (%v):\n%s", err, out)
	}
	run := sarif.Runs[0]
	if run.Tool.Driver.Version != "v1.2.3" || len(run.Tool.Driver.Rules) != len(check.Rules()) {
		t.Errorf("driver version %q with %d rules", run.Tool.Driver.Version, len(run.Tool.Driver.Rules))
	}
	if len(run.Results) == 0 {
		t.Fatal("no results")
	}
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		if !strings.Contains(loc.ArtifactLocation.URI, "kube-proxy-cluster-cidr-missing-family/") || loc.Region.StartLine == 0 {
			t.Errorf("result %s at %q line %d: want a file of the set and a line", r.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine)
		}
	}

	out, _, code = execute(t, "check", "--from-file", set, "-o", "junit")
	var junit struct {
		XMLName xml.Name `xml:"testsuites"`
		Tests   int      `xml:"tests,attr"`
		Fail    int      `xml:"failures,attr"`
	}
	if err := xml.Unmarshal([]byte(out), &junit); err != nil || junit.Tests == 0 || junit.Fail == 0 || code != ExitOK {
		t.Errorf("junit: exit %d (want 0: warnings only), %+v, %v", code, junit, err)
	}
}

// `--from-file -` reads stdin.
func TestCheckFromFileStdin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(filesDir, "broken", "kubelet-node-ip-two-ipv4", "kubelet", "kubeadm-flags.env"))
	if err != nil {
		t.Fatal(err)
	}
	streams, in, out, errOut := genericiooptions.NewTestIOStreams()
	in.Write(data)
	root := NewRootCmd(streams, BuildInfo{})
	root.SetArgs([]string{"check", "--from-file", "-", "-o", "json"})
	code := ExitOK
	if err := root.Execute(); err != nil {
		code = PrintError(errOut, err)
	}
	var got report.Report
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s %s", err, out, errOut)
	}
	found := false
	for _, f := range got.Findings {
		if f.ID == "kubelet-node-ip" && f.Result == check.Fail {
			found = f.File == "<stdin>" && f.Line > 0
		}
	}
	if !found || code != ExitCheckFailed {
		t.Errorf("exit %d; want kubelet-node-ip failing at <stdin>:line:\n%s", code, out)
	}
}
