package report

import (
	"bytes"
	"slices"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// write prints r with w, failing the test on an error.
func write(t *testing.T, w Writer, r Report, opts Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := w.Write(&b, r, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// smallReport has one finding of each result, and a failure of each of
// two severities.
func smallReport() Report {
	return New([]check.Finding{
		{ID: "x", Area: "pods", Severity: check.Error, Result: check.Exempt, Subject: "pod/demo/legacy status.podIPs", Message: "only IPv4",
			Exemption: "legacy app, IPv4 only", ExemptBy: check.ExemptByAnnotation},
		{ID: "p", Area: "nodes", Severity: check.Error, Result: check.Pass, Message: "ok"},
		{ID: "w", Area: "pods", Severity: check.Warning, Result: check.Fail, Subject: "pod/x", Message: "m", Fix: "do y"},
		{ID: "s", Area: "kubelet", Severity: check.Error, Result: check.Skip, Message: "forbidden"},
		{ID: "e", Area: "apiserver", Severity: check.Error, Result: check.Fail, Subject: "flag", Message: "bad\nrange", Source: "pod kube-system/a, arg --x"},
	})
}

// hostile holds what an event message, an object name or a file can carry:
// colour and clipboard (OSC 52) escapes, a carriage return that rewrites
// the line, a newline that would make a row of its own, a bell, a C1 CSI,
// invalid UTF-8, a right-to-left override and isolate (Trojan Source), a
// zero-width space and a tag character.
const hostile = "a\x1b[31mred\x1b]52;c;aGk=\a\rfake\nline\tx\x08\u009b2J\xff\xfe\u202eRLO\u2066\u200b\U000e0041"

func hostileReport() Report {
	return New([]check.Finding{{
		ID: "servicecidr-default-events", Title: "t", Severity: check.Warning, Result: check.Fail, Area: "objects",
		Subject: "pod/" + hostile, Source: "events " + hostile, Message: "KubernetesDefaultServiceCIDRInconsistent: " + hostile,
		Fix: "fix " + hostile, File: "dir/" + hostile + ".yaml", Line: 3, Column: 1,
	}, {
		ID: "pods-dual-stack-ips", Title: "t", Severity: check.Error, Result: check.Exempt, Area: "pods",
		Subject: "pod/x" + hostile, Message: "only IPv4: " + hostile, Exemption: "reason " + hostile, ExemptBy: check.ExemptByAnnotation,
	}, {
		ID: "cluster-stack", Title: "t", Severity: check.Info, Result: check.Skip, Area: "cluster", Subject: "cluster", Message: "cannot read: " + hostile,
	}})
}

// ciFinding is a finding of a registry rule (title, area, reference and
// fix from it), or of an unknown rule with no area.
func ciFinding(t *testing.T, id string, result check.Result, sev check.Severity, subject, message string, at check.Setting) check.Finding {
	t.Helper()
	f := check.Finding{ID: id, Severity: sev, Result: result, Subject: subject, Message: message,
		Source: at.Source, File: at.File, Line: at.Line, Column: at.Column}
	if i := slices.IndexFunc(check.Rules(), func(r check.Rule) bool { return r.ID == id }); i >= 0 {
		r := check.Rules()[i]
		f.Title, f.Area, f.Reference, f.Fix = r.Title, string(r.Area), r.Reference, r.Fix
	} else if id != "not-in-registry" {
		t.Fatalf("no rule %s", id)
	}
	return f
}

const ciAPISubject = "kube-apiserver-cp1 --service-cluster-ip-range"

// ciReport has every severity, findings with a file (relative with line
// and column, relative without a line, absolute, with a space) and without
// (live cluster), two failures and an info about one subject, a rule
// outside the registry, a skip and a pass, an exempt finding of each
// origin (annotation, configuration), and text that XML must escape.
func ciReport(t *testing.T) Report {
	manifest := check.Setting{Source: "static pod kube-apiserver", File: "manifests/kube-apiserver.yaml", Line: 12, Column: 7}
	return New([]check.Finding{
		ciFinding(t, "nodes-pod-cidrs-valid", check.Pass, check.Error, "nodes", "ok", check.Setting{}),
		ciFinding(t, "pods-dual-stack-ips", check.Skip, check.Error, "pods", "listing pods failed: forbidden", check.Setting{}),
		ciFinding(t, "apiserver-service-range-syntax", check.Fail, check.Error, ciAPISubject,
			"--service-cluster-ip-range must not contain more than two entries (3 given: 10.96.0.0/16,fd00::/108,10.97.0.0/16)", manifest),
		ciFinding(t, "apiserver-service-range-syntax", check.Fail, check.Error, ciAPISubject,
			"service-cluster-ip-range[1] is not an ip net (\"fd00::/1080\")", manifest),
		ciFinding(t, "apiserver-service-range-syntax", check.Fail, check.Info, ciAPISubject,
			"service-cluster-ip-range[0] \"10.96.0.1/16\" is read as 10.96.0.0/16", manifest),
		ciFinding(t, "services-cluster-ip-in-range", check.Fail, check.Warning, "service/<dry run> & \"web\"",
			"clusterIP 10.0.0.5 lies in no service range\nof its family", check.Setting{Source: "Service default/web"}),
		ciFinding(t, "cluster-stack", check.Fail, check.Info, "cluster", "the cluster is single-stack IPv4", check.Setting{Source: "kube-apiserver flags"}),
		ciFinding(t, "kubeadm-pod-subnet", check.Fail, check.Error, "ClusterConfiguration networking.podSubnet",
			"podSubnet 10.244.0.0/33 is not a valid CIDR", check.Setting{File: "cluster configs/kubeadm.yaml"}),
		ciFinding(t, "kube-proxy-cluster-cidr", check.Fail, check.Error, "kube-proxy clusterCIDR",
			"clusterCIDR has three entries", check.Setting{File: "/etc/kubernetes/kube-proxy.yaml", Line: 4}),
		ciFinding(t, "not-in-registry", check.Fail, check.Warning, "something", "a rule the registry does not know", check.Setting{}),
		ciExempt(ciFinding(t, "pods-dual-stack-ips", check.Exempt, check.Error, "pod/shop/legacy status.podIPs",
			"only an IPv4 address (10.244.1.5) on dual-stack node node-1", check.Setting{Source: "API object pod/shop/legacy status.podIPs"}),
			"legacy app <binds> 0.0.0.0 & nothing else", check.ExemptByAnnotation),
		ciExempt(ciFinding(t, "services-prefer-dual-stack-single-family", check.Exempt, check.Warning, "service/lab/db spec.ipFamilies",
			"ipFamilyPolicy PreferDualStack but only IPv4 on a dual-stack cluster", check.Setting{}),
			"lab namespace (.kubectl-dualstack.yaml:7)", check.ExemptByConfig),
	})
}

// ciExempt is f exempt for reason, declared by by.
func ciExempt(f check.Finding, reason, by string) check.Finding {
	f.Exemption, f.ExemptBy = reason, by
	return f
}
func TestNew(t *testing.T) {
	r := smallReport()
	if want := (Summary{Error: 1, Warning: 1, Pass: 1, Skip: 1, Exempt: 1}); r.Summary != want {
		t.Errorf("summary %+v, want %+v", r.Summary, want)
	}
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID)
	}
	if want := []string{"e", "w", "x", "s", "p"}; !slices.Equal(ids, want) {
		t.Errorf("order %v, want %v: failures first, errors before warnings, then exempt findings, skips and passes", ids, want)
	}
	if New(nil).Findings == nil {
		t.Error("no findings must be [] in JSON, not null")
	}
}

func TestFailing(t *testing.T) {
	r := smallReport()
	for threshold, want := range map[string]bool{"error": true, "warning": true, "never": false} {
		if r.Failing(threshold) != want {
			t.Errorf("Failing(%s) = %v", threshold, !want)
		}
	}
	if New([]check.Finding{{Severity: check.Warning, Result: check.Fail}}).Failing("error") {
		t.Error("a warning fails --fail-on=error")
	}
	// Exempt findings fail nothing, whatever their severity and --fail-on.
	exempt := New([]check.Finding{
		{Severity: check.Error, Result: check.Exempt, Exemption: "a"},
		{Severity: check.Warning, Result: check.Exempt, Exemption: "b"},
		{Severity: check.Info, Result: check.Exempt, Exemption: "c"},
		{Severity: check.Error, Result: check.Pass},
	})
	for _, threshold := range []string{"error", "warning", "never"} {
		if exempt.Failing(threshold) {
			t.Errorf("exempt findings fail --fail-on=%s", threshold)
		}
	}
	if want := (Summary{Pass: 1, Exempt: 3}); exempt.Summary != want {
		t.Errorf("summary %+v, want %+v: exempt findings are counted apart from the failures", exempt.Summary, want)
	}
}
