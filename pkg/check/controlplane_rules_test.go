package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Instance names (and so finding subjects) of the test components.
const (
	cpAPI1  = "kube-apiserver-cp1"
	cpAPI2  = "kube-apiserver-cp2"
	cpKCM1  = "kube-controller-manager-cp1"
	cpProxy = "kube-proxy"
	cpNode1 = "node1"
)

// cpComp builds a component whose settings came from a pod's command line.
func cpComp(kind, name string, flags map[string]string) Component {
	where := "pod kube-system/" + name
	c := Component{Kind: kind, Instance: name, Source: where, Settings: map[string]Setting{}}
	for k, v := range flags {
		c.Settings[k] = Setting{Value: v, Source: where + ", arg --" + k}
	}
	return c
}

func cpAPIServer(flags map[string]string) Component { return cpComp(APIServer, cpAPI1, flags) }
func cpKCM(flags map[string]string) Component       { return cpComp(ControllerManager, cpKCM1, flags) }
func cpKubeProxy(flags map[string]string) Component { return cpComp(KubeProxy, cpProxy, flags) }
func cpKubelet(node string, flags map[string]string) Component {
	return cpComp(Kubelet, node, flags)
}

func cpService(ns, name string, ips ...string) corev1.Service {
	return corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.ServiceSpec{ClusterIP: ips[0], ClusterIPs: ips},
	}
}

func cpKubeadmConfig(podSubnet, serviceSubnet string, kcmArgs map[string]string) *Kubeadm {
	const where = "ConfigMap kube-system/kubeadm-config ClusterConfiguration"
	k := &Kubeadm{Source: where, ExtraArgs: map[string]map[string]Setting{}}
	if podSubnet != "" {
		k.PodSubnet = &Setting{Value: podSubnet, Source: where + " networking.podSubnet"}
	}
	if serviceSubnet != "" {
		k.ServiceSubnet = &Setting{Value: serviceSubnet, Source: where + " networking.serviceSubnet"}
	}
	for name, v := range kcmArgs {
		if k.ExtraArgs["controllerManager"] == nil {
			k.ExtraArgs["controllerManager"] = map[string]Setting{}
		}
		k.ExtraArgs["controllerManager"][name] = Setting{Value: v, Source: where + " controllerManager.extraArgs " + name}
	}
	return k
}

// cpCluster is a consistent, healthy cluster: "dual4" (dual-stack
// IPv4-primary), "dual6" (dual-stack IPv6-primary) or "single4".
func cpCluster(stack string) *Facts {
	var svc, pods, advertise, nodeIP, apiIP, dnsIP string
	switch stack {
	case "dual4":
		svc, pods, advertise, nodeIP, apiIP, dnsIP = "10.96.0.0/16,fd00:10:96::/112", "10.244.0.0/16,fd00:10:244::/56", "192.168.0.10", "192.168.0.11,fd00:1::11", "10.96.0.1", "10.96.0.10"
	case "dual6":
		svc, pods, advertise, nodeIP, apiIP, dnsIP = "fd00:10:96::/112,10.96.0.0/16", "fd00:10:244::/56,10.244.0.0/16", "fd00:1::10", "fd00:1::11,192.168.0.11", "fd00:10:96::1", "fd00:10:96::a"
	case "single4":
		svc, pods, advertise, nodeIP, apiIP, dnsIP = "10.96.0.0/12", "10.244.0.0/16", "192.168.0.10", "192.168.0.11", "10.96.0.1", "10.96.0.10"
	default:
		panic(stack)
	}
	return &Facts{
		ServerVersion: "v1.37.0",
		Components: []Component{
			cpAPIServer(map[string]string{"service-cluster-ip-range": svc, "advertise-address": advertise}),
			cpKCM(map[string]string{"allocate-node-cidrs": "true", "cluster-cidr": pods, "service-cluster-ip-range": svc}),
			cpKubeProxy(map[string]string{"cluster-cidr": pods, "nodeport-addresses": "primary"}),
			cpKubelet(cpNode1, map[string]string{"node-ip": nodeIP, "cluster-dns": dnsIP}),
		},
		Kubeadm:  cpKubeadmConfig(pods, svc, nil),
		Services: []corev1.Service{cpService("default", "kubernetes", apiIP), cpService("kube-system", "kube-dns", dnsIP)},
	}
}

// cpSet sets a flag on every instance of kind ("" value: unset).
func cpSet(f *Facts, kind, flag, value string) {
	for i := range f.Components {
		c := &f.Components[i]
		if c.Kind != kind {
			continue
		}
		if value == "" {
			delete(c.Settings, flag)
			continue
		}
		c.Settings[flag] = Setting{Value: value, Source: c.Source + ", arg --" + flag}
	}
}

// cpWithout drops every instance of kind.
func cpWithout(f *Facts, kind string) {
	f.Components = slices.DeleteFunc(f.Components, func(c Component) bool { return c.Kind == kind })
}

func cpRule(t *testing.T, id string) Rule {
	t.Helper()
	for _, r := range controlPlaneRules {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no control-plane rule %q", id)
	return Rule{}
}

// cpWant is one expected finding. A pass always has the rule's severity;
// text, when not empty, must be contained in the message.
type cpWant struct {
	res     Result
	sev     Severity
	subject string
	text    string
}

func cpFail(sev Severity, subject, text string) cpWant { return cpWant{Fail, sev, subject, text} }
func cpPass(subject, text string) cpWant               { return cpWant{Pass, "", subject, text} }
func cpSkip(subject, text string) cpWant               { return cpWant{Skip, "", subject, text} }

// cpOK is the engine's pass when a rule found nothing.
func cpOK(area string) cpWant { return cpWant{Pass, "", area, "ok"} }

// cpCase is one table row: facts, and the exact set of findings.
type cpCase struct {
	name  string
	facts *Facts
	want  []cpWant
}

// cpMut is a healthy cluster changed by fn.
func cpMut(stack string, fn func(f *Facts)) *Facts {
	f := cpCluster(stack)
	fn(f)
	return f
}

func cpRunCases(t *testing.T, id string, cases []cpCase) {
	t.Helper()
	rule := cpRule(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings, err := Run(tc.facts, []Rule{rule}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			key := func(res Result, sev Severity, subject string) string {
				return fmt.Sprintf("%s/%s/%s", res, sev, subject)
			}
			var got, want []string
			for _, fd := range findings {
				got = append(got, key(fd.Result, fd.Severity, fd.Subject))
				if fd.ID != rule.ID || fd.Reference != rule.Reference {
					t.Errorf("finding %+v does not carry the rule's ID and reference", fd)
				}
			}
			for i := range tc.want {
				if tc.want[i].res != Fail {
					tc.want[i].sev = rule.Severity
				}
				w := tc.want[i]
				want = append(want, key(w.res, w.sev, w.subject))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings:\n  got  %q\n  want %q", got, want)
				for _, fd := range findings {
					t.Logf("  %s %s %s: %s", fd.Result, fd.Severity, fd.Subject, fd.Message)
				}
				return
			}
			for _, w := range tc.want {
				if w.text == "" {
					continue
				}
				if !slices.ContainsFunc(findings, func(fd Finding) bool {
					return key(fd.Result, fd.Severity, fd.Subject) == key(w.res, w.sev, w.subject) && strings.Contains(fd.Message, w.text)
				}) {
					t.Errorf("no %s finding about %s contains %q; messages:", w.res, w.subject, w.text)
					for _, fd := range findings {
						t.Logf("  %s", fd.Message)
					}
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------

func TestControlPlaneRuleRegistry(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range Rules() {
		if ids[r.ID] {
			t.Errorf("duplicate rule ID %q", r.ID)
		}
		ids[r.ID] = true
	}
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)
	sources := []string{SourceControlPlane, SourceKubeadm, SourceKubeProxy, SourceKubelet, SourceServiceCIDRs, SourceEvents, SourceNodes, SourcePods, SourceServices, SourceSlices, SourceServerVersion, SourceProbe}
	areas := []string{"apiserver", "controller-manager", "kube-proxy", "kubeadm", "kubelet"}
	if len(controlPlaneRules) == 0 {
		t.Fatal("no control-plane rules")
	}
	for _, r := range controlPlaneRules {
		if !kebab.MatchString(r.ID) || !strings.HasPrefix(r.ID, r.Area+"-") || !slices.Contains(areas, r.Area) {
			t.Errorf("rule %q: ID must be kebab-case <area>-<what> with a control-plane area (area %q)", r.ID, r.Area)
		}
		if r.Title == "" || r.Fix == "" || strings.Contains(r.Fix, "\n") || r.Check == nil || r.CheckPod != nil {
			t.Errorf("rule %q: needs a title, a one-line fix and a Check", r.ID)
		}
		if !slices.Contains([]Severity{Error, Warning, Info}, r.Severity) {
			t.Errorf("rule %q: severity %q", r.ID, r.Severity)
		}
		if !strings.HasPrefix(r.Reference, "RULES.md §") || !strings.Contains(r.Reference, "; ") {
			t.Errorf("rule %q: reference %q must cite the RULES.md section and the upstream source", r.ID, r.Reference)
		}
		for _, n := range r.Needs {
			if !slices.Contains(sources, n) {
				t.Errorf("rule %q needs unknown source %q", r.ID, n)
			}
		}
	}
}

// Healthy clusters pass every control-plane rule, with nothing skipped.
func TestControlPlaneSubjects(t *testing.T) {
	for _, tc := range []struct {
		c    Component
		want string
	}{
		{cpAPIServer(nil), "kube-apiserver-cp1 --advertise-address"},
		{cpKubelet("node1", nil), "kubelet node1 --advertise-address"},
		{Component{Kind: KubeProxy, Instance: "ConfigMap kube-system/kube-proxy config.conf"}, "kube-proxy --advertise-address"},
		{Component{Kind: Kubelet}, "kubelet --advertise-address"},
	} {
		if got := cpSubject(tc.c, "advertise-address"); got != tc.want {
			t.Errorf("subject %q, want %q", got, tc.want)
		}
	}
	// The source of an unset flag names the component.
	if at := cpAt(cpAPIServer(nil), "advertise-address", ""); at.Source != "pod kube-system/kube-apiserver-cp1 (--advertise-address unset)" {
		t.Errorf("source %q", at.Source)
	}
}

func TestControlPlaneRulesHealthy(t *testing.T) {
	for _, stack := range []string{"dual4", "dual6", "single4"} {
		findings, err := Run(cpCluster(stack), controlPlaneRules, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range findings {
			if fd.Result != Pass {
				t.Errorf("%s: %s %s %s %s: %s", stack, fd.ID, fd.Result, fd.Severity, fd.Subject, fd.Message)
			}
		}
	}
}

// Rules whose inputs are absent pass with "nothing to check", and rules
// whose sources are unavailable are skipped: never a failure.
func TestControlPlaneRulesNothingToCheck(t *testing.T) {
	empty := &Facts{}
	findings, _ := Run(empty, controlPlaneRules, Options{})
	for _, fd := range findings {
		if fd.Result != Pass {
			t.Errorf("empty facts: %s %s: %s", fd.ID, fd.Result, fd.Message)
		}
	}
	unavailable := &Facts{}
	for _, s := range []string{SourceControlPlane, SourceKubeadm, SourceKubeProxy, SourceKubelet, SourceServices, SourceServiceCIDRs} {
		unavailable.MarkUnavailable(s, "forbidden")
	}
	findings, _ = Run(unavailable, controlPlaneRules, Options{})
	for _, fd := range findings {
		if fd.Result != Skip || !strings.Contains(fd.Message, "forbidden") {
			t.Errorf("unavailable sources: %s %s: %s", fd.ID, fd.Result, fd.Message)
		}
	}
}

// ---------------------------------------------------------------------------
// kube-apiserver

func TestAPIServerServiceRangeSyntax(t *testing.T) {
	subj := cpAPI1 + " --service-cluster-ip-range"
	set := func(v string) *Facts {
		return cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", v) })
	}
	unavailable := &Facts{}
	unavailable.MarkUnavailable(SourceControlPlane, "no static control-plane pods")
	cpRunCases(t, "apiserver-service-range-syntax", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"A2 three entries", set("10.96.0.0/16,fd00::/112,10.97.0.0/16"), []cpWant{
			cpFail(Error, subj, "--service-cluster-ip-range must not contain more than two entries"),
		}},
		{"A1 primary unparsable", set("10.96.0.0/33"), []cpWant{
			cpFail(Error, subj, "service-cluster-ip-range[0] is not a valid cidr"),
		}},
		{"A1 message", set("bogus,fd00::/112"), []cpWant{
			cpFail(Error, subj, "--service-cluster-ip-range must contain at least one valid cidr"),
		}},
		{"secondary unparsable", set("10.96.0.0/16,bogus"), []cpWant{
			cpFail(Error, subj, `service-cluster-ip-range[1] is not an ip net ("bogus")`),
		}},
		{"space after comma is not trimmed upstream", set("10.96.0.0/16, fd00::/112"), []cpWant{
			cpFail(Error, subj, "service-cluster-ip-range[1] is not an ip net"),
		}},
		{"trailing comma", set("10.96.0.0/16,"), []cpWant{
			cpFail(Error, subj, "service-cluster-ip-range[1] is not an ip net"),
		}},
		{"host bits are masked, sloppily", set("10.96.0.1/16,fd00::/112"), []cpWant{
			cpFail(Info, subj, `service-cluster-ip-range[0] "10.96.0.1/16" is read as 10.96.0.0/16`),
		}},
		{"unset is another rule's", cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", "") }), []cpWant{cpOK("apiserver")}},
		{"no apiserver", cpMut("dual4", func(f *Facts) { cpWithout(f, APIServer) }), []cpWant{cpPass(APIServer, "nothing to check")}},
		{"control plane unavailable", unavailable, []cpWant{cpSkip("apiserver", "no static control-plane pods")}},
	})
}

func TestAPIServerServiceRangeFamilies(t *testing.T) {
	subj := cpAPI1 + " --service-cluster-ip-range"
	set := func(v string) *Facts {
		return cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", v) })
	}
	const a4 = "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family"
	cpRunCases(t, "apiserver-service-range-families", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"A4 two IPv4", set("10.96.0.0/16,10.97.0.0/16"), []cpWant{cpFail(Error, subj, a4)}},
		{"A4 two IPv6", set("fd00::/112,fd01::/112"), []cpWant{cpFail(Error, subj, a4)}},
		{"IPv4-mapped counts as IPv4", set("10.96.0.0/16,::ffff:10.97.0.0/112"), []cpWant{cpFail(Error, subj, a4)}},
	})
}

func TestAPIServerServiceRangeSize(t *testing.T) {
	subj := cpAPI1 + " --service-cluster-ip-range"
	at := func(ver, ranges, gates string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.ServerVersion = ver
			cpSet(f, APIServer, "service-cluster-ip-range", ranges)
			cpSet(f, APIServer, "feature-gates", gates)
		})
	}
	imageTag := at("v1.37.0", "10.0.0.0/8", "")
	imageTag.Components[0].Version = "v1.33.2"
	cpRunCases(t, "apiserver-service-range-size", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4 /12", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"A3 1.33 IPv4 /8", at("v1.33.0", "10.0.0.0/8", ""), []cpWant{
			cpFail(Error, subj, "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"),
		}},
		{"A5 1.33 IPv6 /96", at("v1.33.0", "10.96.0.0/16,fd00::/96", ""), []cpWant{
			cpFail(Error, subj, "specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 108"),
		}},
		{"A3 IPv6 primary 1.32", at("v1.32.4", "fd00::/64,10.96.0.0/16", ""), []cpWant{
			cpFail(Error, subj, "specified --service-cluster-ip-range is too large; for 128-bit addresses, the mask must be >= 108"),
		}},
		{"1.33 with DisableAllocatorDualWrite on", at("v1.33.0", "10.0.0.0/8", "DisableAllocatorDualWrite=true"), []cpWant{cpOK("apiserver")}},
		{"1.34 default: no limit", at("v1.34.1", "10.0.0.0/8,fd00::/64", ""), []cpWant{cpOK("apiserver")}},
		{"1.34 dual write re-enabled", at("v1.34.1", "10.0.0.0/8", "DisableAllocatorDualWrite=false"), []cpWant{
			cpFail(Error, subj, "the mask must be >= 12"),
		}},
		{"1.35 gate locked", at("v1.35.0", "10.0.0.0/8", "DisableAllocatorDualWrite=false"), []cpWant{cpOK("apiserver")}},
		{"1.29 MultiCIDRServiceAllocator: 64 bits", at("v1.29.3", "fd00::/64", "MultiCIDRServiceAllocator=true"), []cpWant{cpOK("apiserver")}},
		{"1.29 MultiCIDRServiceAllocator: /60", at("v1.29.3", "fd00::/60", "MultiCIDRServiceAllocator=true"), []cpWant{
			cpFail(Error, subj, "specified --service-cluster-ip-range is too large; for 128-bit addresses, the mask must be >= 64"),
		}},
		{"IPv6 shorter than /64 on 1.37", at("v1.37.0", "10.96.0.0/16,fd00::/56", ""), []cpWant{
			cpFail(Error, subj, "shortest allowed prefix length for service CIDR is 64, got 56"),
		}},
		{"IPv6 /64 on 1.37", at("v1.37.0", "fd00::/64,10.96.0.0/16", ""), []cpWant{cpOK("apiserver")}},
		{"version unknown", at("", "10.0.0.0/8", ""), []cpWant{
			cpFail(Warning, subj, "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"),
		}},
		{"the image tag wins over the server version", imageTag, []cpWant{cpFail(Error, subj, "kube-apiserver v1.33.2")}},
		{"fewer than 8 addresses", at("v1.37.0", "10.96.0.0/30", ""), []cpWant{
			cpFail(Error, subj, "error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses"),
		}},
	})
}

func TestAPIServerServiceRangeDefault(t *testing.T) {
	cpRunCases(t, "apiserver-service-range-default", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"unset", cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", "") }), []cpWant{
			cpFail(Warning, cpAPI1+" --service-cluster-ip-range", "No CIDR for service cluster IPs specified. Default value which was 10.0.0.0/24 is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver."),
		}},
	})
}

func TestAPIServerAdvertiseAddressFamily(t *testing.T) {
	subj := cpAPI1 + " --advertise-address"
	adv := func(stack, addr string) *Facts {
		return cpMut(stack, func(f *Facts) { cpSet(f, APIServer, "advertise-address", addr) })
	}
	cpRunCases(t, "apiserver-advertise-address-family", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"IPv6 address, IPv4 primary", adv("dual4", "fd00:1::10"), []cpWant{
			cpFail(Error, subj, `service IP family "10.96.0.0/16" must match public address family "fd00:1::10"`),
		}},
		{"IPv4 address, IPv6 primary", adv("dual6", "192.168.0.10"), []cpWant{
			cpFail(Error, subj, `service IP family "fd00:10:96::/112" must match public address family "192.168.0.10"`),
		}},
		{"IPv4-mapped counts as IPv4", adv("dual4", "::ffff:192.168.0.10"), []cpWant{cpOK("apiserver")}},
		{"IPv4-mapped on IPv6 primary", adv("dual6", "::ffff:192.168.0.10"), []cpWant{
			cpFail(Error, subj, "must match public address family"),
		}},
		{"default range", cpMut("single4", func(f *Facts) {
			cpSet(f, APIServer, "service-cluster-ip-range", "")
			cpSet(f, APIServer, "advertise-address", "fd00:1::10")
		}), []cpWant{cpFail(Error, subj, `service IP family "10.0.0.0/24" must match public address family "fd00:1::10"`)}},
		{"reconciler none", cpMut("dual4", func(f *Facts) {
			cpSet(f, APIServer, "advertise-address", "fd00:1::10")
			cpSet(f, APIServer, "endpoint-reconciler-type", "none")
		}), []cpWant{cpPass(subj, "--endpoint-reconciler-type=none")}},
		{"bind address stands in", cpMut("dual4", func(f *Facts) {
			cpSet(f, APIServer, "advertise-address", "")
			cpSet(f, APIServer, "bind-address", "fd00:1::10")
		}), []cpWant{cpFail(Error, subj, `must match public address family "fd00:1::10"`)}},
		{"unset", adv("dual4", ""), []cpWant{cpPass(subj, "cannot be checked")}},
		{"unspecified", adv("dual6", "0.0.0.0"), []cpWant{cpPass(subj, "cannot be checked")}},
		{"unspecified, with a bind address", cpMut("dual6", func(f *Facts) {
			cpSet(f, APIServer, "advertise-address", "::")
			cpSet(f, APIServer, "bind-address", "192.168.0.10")
		}), []cpWant{cpFail(Error, subj, `must match public address family "192.168.0.10"`)}},
		{"unparsable", adv("dual4", "cp1.example"), []cpWant{cpFail(Error, subj, `invalid argument "cp1.example" for "--advertise-address" flag`)}},
	})
}

// Without kube-apiserver instances (a kubeadm configuration checked before
// the cluster exists) the rule checks the kube-apiserver kubeadm would
// generate: localAPIEndpoint.advertiseAddress against serviceSubnet.
func TestAPIServerAdvertiseAddressFamilyKubeadm(t *testing.T) {
	const subj = "kube-apiserver kubeadm --advertise-address"
	kubeadm := func(stack, addr string, fn func(k *Kubeadm)) *Facts {
		return cpMut(stack, func(f *Facts) {
			cpWithout(f, APIServer)
			f.Kubeadm.AdvertiseAddress = &Setting{Value: addr, Source: "file kubeadm.yaml, InitConfiguration localAPIEndpoint.advertiseAddress", File: "kubeadm.yaml", Line: 7, Column: 21}
			if fn != nil {
				fn(f.Kubeadm)
			}
		})
	}
	noControlPlane := func(f *Facts) *Facts {
		f.MarkUnavailable(SourceControlPlane, "no kube-apiserver manifest in the files")
		return f
	}
	cpRunCases(t, "apiserver-advertise-address-family", []cpCase{
		{"dual4", kubeadm("dual4", "192.168.0.10", nil), []cpWant{cpOK("apiserver")}},
		{"dual6", kubeadm("dual6", "fd00:1::10", nil), []cpWant{cpOK("apiserver")}},
		{"IPv6 address, IPv4 serviceSubnet", kubeadm("dual4", "fd00:1::10", nil), []cpWant{
			cpFail(Error, subj, `service IP family "10.96.0.0/16" must match public address family "fd00:1::10"`),
		}},
		{"serviceSubnet unset: kubeadm's default", kubeadm("dual6", "fd00:1::10", func(k *Kubeadm) { k.ServiceSubnet = nil }), []cpWant{
			cpFail(Error, subj, `service IP family "10.96.0.0/12" must match public address family "fd00:1::10"`),
		}},
		{"apiServer.extraArgs win", kubeadm("dual4", "fd00:1::10", func(k *Kubeadm) {
			k.ExtraArgs["apiServer"] = map[string]Setting{"advertise-address": {Value: "192.168.0.10", Source: "extraArgs"}}
		}), []cpWant{cpOK("apiserver")}},
		{"control plane unavailable, kubeadm known", noControlPlane(kubeadm("dual4", "fd00:1::10", nil)), []cpWant{
			cpFail(Error, subj, "must match public address family"),
		}},
		{"control plane unavailable, no kubeadm address", noControlPlane(cpMut("dual4", func(f *Facts) { cpWithout(f, APIServer) })), []cpWant{
			cpSkip("apiserver", "no kube-apiserver manifest in the files"),
		}},
		{"no kubeadm address", cpMut("dual4", func(f *Facts) { cpWithout(f, APIServer) }), []cpWant{cpPass(APIServer, "nothing to check")}},
		{"a kube-apiserver instance wins over kubeadm", cpMut("dual4", func(f *Facts) {
			f.Kubeadm.AdvertiseAddress = &Setting{Value: "fd00:1::10", Source: "kubeadm"}
		}), []cpWant{cpOK("apiserver")}},
	})
	// The finding points at the advertiseAddress in the file.
	findings, _ := Run(kubeadm("dual4", "fd00:1::10", nil), []Rule{cpRule(t, "apiserver-advertise-address-family")}, Options{})
	if len(findings) != 1 || findings[0].File != "kubeadm.yaml" || findings[0].Line != 7 || findings[0].Column != 21 {
		t.Errorf("findings %+v", findings)
	}
}

func TestAPIServerServiceRangeConsistent(t *testing.T) {
	two := func(second string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.Components = append(f.Components, cpComp(APIServer, cpAPI2, map[string]string{"service-cluster-ip-range": second}))
		})
	}
	cpRunCases(t, "apiserver-service-range-consistent", []cpCase{
		{"one instance", cpCluster("dual4"), []cpWant{cpPass(APIServer, "nothing to compare")}},
		{"same", two("10.96.0.0/16,fd00:10:96::/112"), []cpWant{cpOK("apiserver")}},
		{"same after masking host bits", two("10.96.1.0/16,fd00:10:96::/112"), []cpWant{cpOK("apiserver")}},
		{"single-stack second", two("10.96.0.0/16"), []cpWant{cpFail(Error, cpAPI2+" --service-cluster-ip-range", "kube-apiserver instances disagree")}},
		{"other order", two("fd00:10:96::/112,10.96.0.0/16"), []cpWant{cpFail(Error, cpAPI2+" --service-cluster-ip-range", "kube-apiserver instances disagree")}},
	})
}

func TestAPIServerSecondaryRangeFlag(t *testing.T) {
	cpRunCases(t, "apiserver-secondary-range-flag", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"set", cpMut("single4", func(f *Facts) { cpSet(f, APIServer, "secondary-service-cluster-ip-range", "fd00::/112") }), []cpWant{
			cpFail(Error, cpAPI1+" --secondary-service-cluster-ip-range", "unknown flag: --secondary-service-cluster-ip-range"),
		}},
	})
}

func TestAPIServerKubernetesServiceIP(t *testing.T) {
	const subj = "service/default/kubernetes"
	noServices := cpCluster("dual4")
	noServices.MarkUnavailable(SourceServices, "forbidden")
	fromServiceCIDR := cpMut("dual6", func(f *Facts) {
		cpWithout(f, APIServer)
		f.Kubeadm = nil
		f.ServiceCIDRs = []ServiceCIDR{{Name: "kubernetes", CIDRs: []string{"fd00:10:96::/112", "10.96.0.0/16"}}}
	})
	cpRunCases(t, "apiserver-kubernetes-service-ip", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"from the ServiceCIDR", fromServiceCIDR, []cpWant{cpOK("apiserver")}},
		{"wrong IP", cpMut("dual4", func(f *Facts) { f.Services[0] = cpService("default", "kubernetes", "10.96.0.2") }), []cpWant{
			cpFail(Error, subj, `has clusterIP "10.96.0.2" but the first IP of the primary service range 10.96.0.0/16`),
		}},
		{"wrong family", cpMut("dual4", func(f *Facts) { f.Services[0] = cpService("default", "kubernetes", "fd00:10:96::1") }), []cpWant{
			cpFail(Error, subj, "is 10.96.0.1"),
		}},
		{"default range", cpMut("single4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", "") }), []cpWant{
			cpFail(Error, subj, "10.0.0.0/24"),
		}},
		{"no Service", cpMut("dual4", func(f *Facts) { f.Services = f.Services[1:] }), []cpWant{cpPass(subj, "nothing to check")}},
		{"services unavailable", noServices, []cpWant{cpSkip("apiserver", "forbidden")}},
	})
}

// ---------------------------------------------------------------------------
// kube-controller-manager

func TestControllerManagerCIDRAllocatorType(t *testing.T) {
	subj := cpKCM1 + " --cidr-allocator-type"
	typ := func(v, allocate string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "cidr-allocator-type", v)
			cpSet(f, ControllerManager, "allocate-node-cidrs", allocate)
		})
	}
	cpRunCases(t, "controller-manager-cidr-allocator-type", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"RangeAllocator", typ("RangeAllocator", "true"), []cpWant{cpOK("controller-manager")}},
		{"K1 CloudAllocator", typ("CloudAllocator", "true"), []cpWant{
			cpFail(Error, subj, "--cidr-allocator-type is set to 'CloudAllocator' but cloud provider is not configured"),
		}},
		{"CloudAllocator without node IPAM", typ("CloudAllocator", "false"), []cpWant{cpOK("controller-manager")}},
		{"unknown type", typ("Foo", "true"), []cpWant{cpFail(Error, subj, "invalid CIDR allocator type: Foo")}},
		{"no controller-manager", cpMut("dual4", func(f *Facts) { cpWithout(f, ControllerManager) }), []cpWant{cpPass(ControllerManager, "nothing to check")}},
	})
}

func TestControllerManagerClusterCIDR(t *testing.T) {
	subj := cpKCM1 + " --cluster-cidr"
	cidr := func(v string) *Facts {
		return cpMut("dual4", func(f *Facts) { cpSet(f, ControllerManager, "cluster-cidr", v) })
	}
	cpRunCases(t, "controller-manager-cluster-cidr", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"K3 two IPv4", cidr("10.244.0.0/16,10.245.0.0/16"), []cpWant{
			cpFail(Error, subj, "len of ClusterCIDRs==2 and they are not configured as dual stack (at least one from each IPFamily"),
		}},
		{"K3 three IPv4", cidr("10.244.0.0/16,10.245.0.0/16,10.246.0.0/16"), []cpWant{
			cpFail(Error, subj, "len of ClusterCIDRs==3 and they are not configured as dual stack"),
		}},
		{"K4 three with both families", cidr("10.244.0.0/16,fd00::/56,10.245.0.0/16"), []cpWant{
			cpFail(Error, subj, "length of clusterCIDRs is:3 more than max allowed of 2"),
		}},
		{"K2 unparsable", cidr("10.244.0.0/16,bogus"), []cpWant{
			cpFail(Error, subj, "invalid CIDR[1]: <nil> (invalid CIDR address: bogus)"),
		}},
		{"K10 unset", cidr(""), []cpWant{
			cpFail(Error, subj, "invalid CIDR[0]: <nil> (invalid CIDR address: ); Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set"),
		}},
		{"node IPAM off", cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "allocate-node-cidrs", "")
			cpSet(f, ControllerManager, "cluster-cidr", "bogus")
		}), []cpWant{cpPass(cpKCM1+" --allocate-node-cidrs", "node IPAM is off")}},
		{"invalid bool", cpMut("dual4", func(f *Facts) { cpSet(f, ControllerManager, "allocate-node-cidrs", "yes") }), []cpWant{
			cpFail(Error, cpKCM1+" --allocate-node-cidrs", `invalid argument "yes" for "--allocate-node-cidrs" flag`),
		}},
	})
}

func TestControllerManagerServiceRange(t *testing.T) {
	subj := cpKCM1 + " --service-cluster-ip-range"
	svc := func(v, allocate string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "service-cluster-ip-range", v)
			cpSet(f, ControllerManager, "allocate-node-cidrs", allocate)
		})
	}
	cpRunCases(t, "controller-manager-service-range", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"three entries", svc("10.96.0.0/16,fd00::/112,10.97.0.0/16", "false"), []cpWant{
			cpFail(Error, subj, "--service-cluster-ip-range can not contain more than two entries"),
		}},
		{"K5 same family", svc("10.96.0.0/16,10.97.0.0/16", "true"), []cpWant{
			cpFail(Error, subj, "serviceCIDR and secondaryServiceCIDR are not dualstack (from different IPfamiles)"),
		}},
		{"K5 not checked without node IPAM", svc("10.96.0.0/16,10.97.0.0/16", "false"), []cpWant{cpOK("controller-manager")}},
		{"parse failure is only logged", svc("10.96.0.0/16,bogus", "true"), []cpWant{
			cpFail(Warning, subj, `Warning: unsuccessful parsing of service CIDR "bogus"`),
		}},
	})
}

func TestControllerManagerNodeCIDRMask(t *testing.T) {
	cidrSubj := cpKCM1 + " --cluster-cidr"
	with := func(stack string, flags map[string]string) *Facts {
		return cpMut(stack, func(f *Facts) {
			for k, v := range flags {
				cpSet(f, ControllerManager, k, v)
			}
		})
	}
	single6 := map[string]string{"cluster-cidr": "fd00:10:244::/56"}
	cpRunCases(t, "controller-manager-node-cidr-mask", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"K6 legacy flag on dual-stack", with("dual4", map[string]string{"node-cidr-mask-size": "24"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size", "usage of --node-cidr-mask-size is not allowed with dual-stack clusters"),
		}},
		{"K7 legacy and family flags", with("single4", map[string]string{"node-cidr-mask-size": "24", "node-cidr-mask-size-ipv4": "25"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size", "usage of --node-cidr-mask-size-ipv4 and --node-cidr-mask-size-ipv6 is not allowed if --node-cidr-mask-size is set. For dual-stack clusters please unset it and use IPFamily specific flags"),
		}},
		{"K8 IPv4 flag on single-stack IPv6", with("single4", map[string]string{"cluster-cidr": "fd00:10:244::/56", "node-cidr-mask-size-ipv4": "25"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size-ipv4", "usage of --node-cidr-mask-size-ipv4 is not allowed for a single-stack IPv6 cluster"),
		}},
		{"K9 IPv6 flag on single-stack IPv4", with("single4", map[string]string{"node-cidr-mask-size-ipv6": "64"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size-ipv6", "usage of --node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster"),
		}},
		{"legacy flag on single-stack IPv6", with("single4", map[string]string{"cluster-cidr": "fd00::/40", "node-cidr-mask-size": "56"}), []cpWant{cpOK("controller-manager")}},
		{"single-stack IPv6 default mask", with("single4", single6), []cpWant{cpOK("controller-manager")}},
		{"K11 cluster CIDR smaller than a node CIDR", with("single4", map[string]string{"cluster-cidr": "10.244.0.0/25"}), []cpWant{
			cpFail(Error, cidrSubj, "Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family"),
		}},
		{"K11 IPv6 node mask shorter than the cluster CIDR", with("dual4", map[string]string{"node-cidr-mask-size-ipv6": "48"}), []cpWant{
			cpFail(Error, cidrSubj, "mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size"),
		}},
		{"K12 IPv6 more than 16 bits apart", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16,fd00::/40"}), []cpWant{
			cpFail(Error, cidrSubj, "New CIDR set failed; the node CIDR size is too big"),
		}},
		{"K12 IPv6 primary", with("dual6", map[string]string{"cluster-cidr": "fd00::/32,10.244.0.0/16"}), []cpWant{
			cpFail(Error, cidrSubj, "New CIDR set failed; the node CIDR size is too big"),
		}},
		{"IPv6 16 bits apart", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16,fd00::/40", "node-cidr-mask-size-ipv6": "56"}), []cpWant{cpOK("controller-manager")}},
		{"K13 no IPv4 limit", with("single4", map[string]string{"cluster-cidr": "10.0.0.0/4"}), []cpWant{cpOK("controller-manager")}},
		{"unparsable mask", with("dual4", map[string]string{"node-cidr-mask-size-ipv4": "abc"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size-ipv4", `invalid argument "abc" for "--node-cidr-mask-size-ipv4" flag`),
		}},
		{"node IPAM off", with("dual4", map[string]string{"allocate-node-cidrs": "false", "node-cidr-mask-size": "24"}), []cpWant{
			cpPass(cpKCM1+" --allocate-node-cidrs", "node IPAM is off"),
		}},
	})
}

func TestControllerManagerServiceRangeMatchesAPIServer(t *testing.T) {
	subj := cpKCM1 + " --service-cluster-ip-range"
	kcm := func(stack, v string) *Facts {
		return cpMut(stack, func(f *Facts) { cpSet(f, ControllerManager, "service-cluster-ip-range", v) })
	}
	cpRunCases(t, "controller-manager-service-range-matches-apiserver", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"k0s #1319", kcm("single4", "10.96.0.0/12,fd01::/108"), []cpWant{
			cpFail(Warning, subj, "kube-controller-manager --service-cluster-ip-range 10.96.0.0/12,fd01::/108 differs from kube-apiserver's 10.96.0.0/12"),
		}},
		{"other order", kcm("dual4", "fd00:10:96::/112,10.96.0.0/16"), []cpWant{cpFail(Warning, subj, "same order")}},
		{"host bits", kcm("dual4", "10.96.0.1/16,fd00:10:96::/112"), []cpWant{cpOK("controller-manager")}},
		{"unset", kcm("dual4", ""), []cpWant{cpOK("controller-manager")}},
	})
}

func TestControllerManagerPodServiceOverlap(t *testing.T) {
	nothing := &Facts{}
	unavailable := &Facts{}
	unavailable.MarkUnavailable(SourceControlPlane, "forbidden")
	cpRunCases(t, "controller-manager-pod-service-overlap", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"pods contain services", cpMut("single4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "10.0.0.0/8")
		}), []cpWant{cpFail(Warning, cpKCM1+" --cluster-cidr", "pod CIDR 10.0.0.0/8 overlaps service CIDR 10.96.0.0/12")}},
		{"services cover pods", cpMut("dual4", func(f *Facts) {
			cpSet(f, APIServer, "service-cluster-ip-range", "10.240.0.0/12,fd00:10:96::/112")
		}), []cpWant{cpFail(Error, cpKCM1+" --cluster-cidr", "pod CIDR 10.244.0.0/16 lies inside service CIDR 10.240.0.0/12")}},
		{"IPv6 overlap from kube-proxy", cpMut("dual6", func(f *Facts) {
			cpSet(f, KubeProxy, "cluster-cidr", "fd00:10::/32,10.244.0.0/16")
		}), []cpWant{cpFail(Warning, cpProxy+" --cluster-cidr", "pod CIDR fd00:10::/32 overlaps service CIDR fd00:10:96::/112")}},
		{"nothing known", nothing, []cpWant{cpPass("cluster", "nothing to compare")}},
		{"sources unavailable", unavailable, []cpWant{cpSkip("cluster", "forbidden")}},
	})
}

func TestClusterCIDRFamilies(t *testing.T) {
	unavailable := &Facts{}
	unavailable.MarkUnavailable(SourceControlPlane, "forbidden")
	kubeadmOnly := func(pods, services string) *Facts {
		return &Facts{Kubeadm: cpKubeadmConfig(pods, services, nil)}
	}
	cpRunCases(t, "controller-manager-cluster-cidr-families", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"pods IPv6-first, services IPv4-first", cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "fd00:10:244::/56,10.244.0.0/16")
		}), []cpWant{cpFail(Warning, cpKCM1+" --cluster-cidr", "lists IPv6 first but the primary service family")}},
		{"single-stack pods, dual-stack services", cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "10.244.0.0/16")
		}), []cpWant{cpFail(Error, cpKCM1+" --cluster-cidr", "10.244.0.0/16 has no IPv6 CIDR but the service ranges")}},
		{"pods of the other family only", cpMut("single4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "fd00:10:244::/56")
		}), []cpWant{cpFail(Error, cpKCM1+" --cluster-cidr", "has no IPv4 CIDR")}},
		{"kubeadm alone (files): single-stack podSubnet", kubeadmOnly("10.244.0.0/16", "10.96.0.0/16,fd00:10:96::/112"),
			[]cpWant{cpFail(Error, "kubeadm networking.podSubnet", "has no IPv6 CIDR")}},
		{"kubeadm alone (files): consistent", kubeadmOnly("fd00:10:244::/56,10.244.0.0/16", "fd00:10:96::/112,10.96.0.0/16"),
			[]cpWant{cpOK("controller-manager")}},
		{"unparsable cluster CIDR is another rule's", cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "10.244.0.0/33")
		}), []cpWant{cpOK("controller-manager")}},
		{"sources unavailable", unavailable, []cpWant{cpSkip("cluster", "forbidden")}},
	})
}

// ---------------------------------------------------------------------------
// kube-proxy

func TestKubeProxyConfigValid(t *testing.T) {
	with := func(ver, flag, value string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.ServerVersion = ver
			cpSet(f, KubeProxy, flag, value)
		})
	}
	cpRunCases(t, "kube-proxy-config-valid", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"bad bindAddress", with("v1.37.0", "bind-address", "node1"), []cpWant{
			cpFail(Error, cpProxy+" --bind-address", `KubeProxyConfiguration.BindAddress: Invalid value: "node1": not a valid textual representation of an IP address`),
		}},
		{"1.36: primary and CIDRs", with("v1.36.3", "nodeport-addresses", "primary,10.0.0.0/8"), []cpWant{
			cpFail(Error, cpProxy+" --nodeport-addresses", "can't use both 'primary' and CIDRs"),
		}},
		{"1.37: primary and CIDRs", with("v1.37.0", "nodeport-addresses", "primary,10.0.0.0/8"), []cpWant{cpOK("kube-proxy")}},
		{"1.36: bad CIDR", with("v1.36.3", "nodeport-addresses", "10.0.0.1"), []cpWant{
			cpFail(Error, cpProxy+" --nodeport-addresses", `KubeProxyConfiguration.NodePortAddresses[0]: Invalid value: "10.0.0.1": must be a valid CIDR`),
		}},
		{"1.37: bad CIDR", with("v1.37.0", "nodeport-addresses", "10.0.0.0/8,all,fd00::1"), []cpWant{
			cpFail(Error, cpProxy+" --nodeport-addresses", "must be a valid CIDR or one of the keywords 'primary', 'localhost', 'all'"),
		}},
		{"bad detectLocalMode", with("v1.37.0", "detect-local-mode", "PodCIDR"), []cpWant{
			cpFail(Error, cpProxy+" --detect-local-mode", `Unsupported value: "PodCIDR": supported values: "ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", ""`),
		}},
	})
}

func TestKubeProxyClusterCIDR(t *testing.T) {
	subj := cpProxy + " --cluster-cidr"
	with := func(cidr, mode string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			cpSet(f, KubeProxy, "cluster-cidr", cidr)
			cpSet(f, KubeProxy, "detect-local-mode", mode)
		})
	}
	const pair = "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]"
	cpRunCases(t, "kube-proxy-cluster-cidr", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kube-proxy")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kube-proxy")}},
		{"three CIDRs", with("10.244.0.0/16,fd00::/56,10.245.0.0/16", ""), []cpWant{cpFail(Error, subj, pair)}},
		{"two IPv4", with("10.244.0.0/16,10.245.0.0/16", "ClusterCIDR"), []cpWant{cpFail(Error, subj, pair)}},
		{"bad CIDR", with("10.244.0.0/16,fd00::1", ""), []cpWant{
			cpFail(Error, subj, `ClusterCIDRs[1]: Invalid value: "fd00::1": must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)`),
		}},
		{"not validated in NodeCIDR mode", with("bogus", "NodeCIDR"), []cpWant{cpOK("kube-proxy")}},
		{"wrong family passes validation", with("fd00::/56", ""), []cpWant{cpOK("kube-proxy")}},
	})
}

func TestKubeProxyClusterCIDRFamily(t *testing.T) {
	subj := cpProxy + " --cluster-cidr"
	with := func(stack string, flags map[string]string) *Facts {
		return cpMut(stack, func(f *Facts) {
			for k, v := range flags {
				cpSet(f, KubeProxy, k, v)
			}
		})
	}
	unknown := &Facts{Components: []Component{cpKubeProxy(map[string]string{"cluster-cidr": "fd00::/56"})}}
	fromConfigMap := cpMut("single4", func(f *Facts) {
		cpWithout(f, KubeProxy)
		// As the live gatherer reads "clusterCIDR: fd00:10:244::/56" there.
		const where = "ConfigMap kube-system/kube-proxy config.conf"
		f.Components = append(f.Components, Component{Kind: KubeProxy, Instance: where, Source: where, Settings: map[string]Setting{
			"cluster-cidr": {Value: "fd00:10:244::/56", Source: where + " clusterCIDR"},
		}})
	})
	cpRunCases(t, "kube-proxy-cluster-cidr-family", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kube-proxy")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kube-proxy")}},
		{"single-stack IPv4, IPv6 clusterCIDR: fatal", with("single4", map[string]string{"cluster-cidr": "fd00:10:244::/56"}), []cpWant{
			cpFail(Error, subj, "cluster is IPv4-only but clusterCIDRs contains only IPv6 addresses"),
		}},
		{"NodeCIDR mode: not fatal", with("single4", map[string]string{"cluster-cidr": "fd00:10:244::/56", "detect-local-mode": "NodeCIDR"}), []cpWant{
			cpFail(Warning, subj, "cluster is IPv4-only but clusterCIDRs contains only IPv6 addresses"),
		}},
		{"dual-stack, secondary family only", with("dual4", map[string]string{"cluster-cidr": "fd00:10:244::/56"}), []cpWant{
			cpFail(Warning, subj, "cluster is IPv4-primary but clusterCIDRs contains only IPv6 addresses"),
		}},
		{"bindAddress decides the primary family", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16", "bind-address": "fd00:1::11"}), []cpWant{
			cpFail(Warning, subj, "cluster is IPv6-primary but clusterCIDRs contains only IPv4 addresses"),
		}},
		{"unspecified bindAddress is ignored", with("dual6", map[string]string{"bind-address": "0.0.0.0"}), []cpWant{cpOK("kube-proxy")}},
		{"unset clusterCIDR", with("dual4", map[string]string{"cluster-cidr": ""}), []cpWant{cpOK("kube-proxy")}},
		{"primary family unknown", unknown, []cpWant{cpPass(subj, "nothing to check")}},
		{"from the kube-proxy ConfigMap", fromConfigMap, []cpWant{cpFail(Error, "kube-proxy --cluster-cidr", "cluster is IPv4-only")}},
	})
}

func TestKubeProxyClusterCIDRMatches(t *testing.T) {
	subj := cpProxy + " --cluster-cidr"
	with := func(stack string, flags map[string]string) *Facts {
		return cpMut(stack, func(f *Facts) {
			for k, v := range flags {
				cpSet(f, KubeProxy, k, v)
			}
		})
	}
	kubeadmOnly := with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16"})
	cpWithout(kubeadmOnly, ControllerManager)
	noReference := with("dual4", nil)
	cpWithout(noReference, ControllerManager)
	noReference.Kubeadm = nil
	cpRunCases(t, "kube-proxy-cluster-cidr-matches", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kube-proxy")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kube-proxy")}},
		{"missing family", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16"}), []cpWant{
			cpFail(Warning, subj, "kube-proxy clusterCIDR 10.244.0.0/16 differs from "+cpKCM1+" --cluster-cidr 10.244.0.0/16,fd00:10:244::/56"),
		}},
		{"other order", with("dual4", map[string]string{"cluster-cidr": "fd00:10:244::/56,10.244.0.0/16"}), []cpWant{cpFail(Warning, subj, "differs from")}},
		{"against kubeadm", kubeadmOnly, []cpWant{
			cpFail(Warning, subj, `The recommended value for "clusterCIDR" in "KubeProxyConfiguration" is: 10.244.0.0/16,fd00:10:244::/56; the provided value is: 10.244.0.0/16`),
		}},
		{"unset", with("dual4", map[string]string{"cluster-cidr": ""}), []cpWant{
			cpFail(Warning, subj, "Detect-local-mode set to ClusterCIDR, but no cluster CIDR specified for primary IP family"),
		}},
		{"unused in NodeCIDR mode", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16", "detect-local-mode": "NodeCIDR"}), []cpWant{
			cpFail(Info, subj, "differs from"),
		}},
		{"no reference", noReference, []cpWant{cpPass(KubeProxy, "nothing to compare")}},
	})
}

func TestKubeProxyNodePortAddresses(t *testing.T) {
	subj := cpProxy + " --nodeport-addresses"
	with := func(stack string, flags map[string]string) *Facts {
		return cpMut(stack, func(f *Facts) {
			for k, v := range flags {
				cpSet(f, KubeProxy, k, v)
			}
		})
	}
	cpRunCases(t, "kube-proxy-nodeport-addresses", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kube-proxy")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kube-proxy")}},
		{"dual-stack, IPv4 only", with("dual4", map[string]string{"nodeport-addresses": "192.168.0.0/24"}), []cpWant{
			cpFail(Warning, subj, "cluster appears to be dual-stack but nodePortAddresses contains only IPv4 addresses; NodePort connections will be accepted on all local IPv6 IPs"),
		}},
		{"dual-stack, both families", with("dual6", map[string]string{"nodeport-addresses": "fd00:1::/64,192.168.0.0/24"}), []cpWant{cpOK("kube-proxy")}},
		{"single-stack IPv4, IPv6 only", with("single4", map[string]string{"nodeport-addresses": "fd00:1::/64"}), []cpWant{
			cpFail(Warning, subj, "cluster appears to be IPv4-primary but nodePortAddresses contains only IPv6 addresses; NodePort connections will be accepted on all local IPv4 IPs"),
		}},
		{"single-stack IPv4, IPv4 CIDR", with("single4", map[string]string{"nodeport-addresses": "192.168.0.0/24"}), []cpWant{cpOK("kube-proxy")}},
		{"unset", with("dual4", map[string]string{"nodeport-addresses": ""}), []cpWant{
			cpFail(Info, subj, "nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`"),
		}},
		{"unset in nftables mode is primary", with("dual4", map[string]string{"nodeport-addresses": "", "proxy-mode": "nftables"}), []cpWant{cpOK("kube-proxy")}},
	})
}

// ---------------------------------------------------------------------------
// kubeadm

func TestKubeadmServiceSubnet(t *testing.T) {
	const subj = "kubeadm networking.serviceSubnet"
	with := func(v string) *Facts {
		return cpMut("dual4", func(f *Facts) { f.Kubeadm.ServiceSubnet.Value = v })
	}
	const pair = "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking"
	unavailable := &Facts{}
	unavailable.MarkUnavailable(SourceKubeadm, "forbidden")
	cpRunCases(t, "kubeadm-service-subnet", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubeadm")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubeadm")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubeadm")}},
		{"unparsable", with("10.96.0.0/16,bogus"), []cpWant{cpFail(Error, subj, "couldn't parse subnet")}},
		{"three", with("10.96.0.0/16,fd00::/112,10.97.0.0/16"), []cpWant{cpFail(Error, subj, pair)}},
		{"two IPv4", with("10.96.0.0/16,10.97.0.0/16"), []cpWant{cpFail(Error, subj, pair)}},
		{"too small", with("10.96.0.0/29"), []cpWant{cpFail(Error, subj, "subnet with 8 address(es) is too small, the minimum is 10")}},
		{"too large IPv4", with("10.0.0.0/8"), []cpWant{
			cpFail(Error, subj, "specified service subnet is too large; for 32-bit addresses, the mask must be >= 12"),
		}},
		{"too large IPv6, enforced whatever the apiserver version", with("10.96.0.0/16,fd00::/64"), []cpWant{
			cpFail(Error, subj, "specified service subnet is too large; for 128-bit addresses, the mask must be >= 108"),
		}},
		{"site-local", with("10.96.0.0/16,fec0::/112"), []cpWant{
			cpFail(Warning, subj, "the subnet fec0::/112 contains IPv6 site-local addresses that belong to fec0::/10 which has been deprecated by rfc3879"),
		}},
		{"unset", cpMut("dual4", func(f *Facts) { f.Kubeadm.ServiceSubnet = nil }), []cpWant{cpPass(subj, "default 10.96.0.0/12")}},
		{"not kubeadm", cpMut("dual4", func(f *Facts) { f.Kubeadm = nil }), []cpWant{cpPass("kubeadm", "nothing to check")}},
		{"unavailable", unavailable, []cpWant{cpSkip("kubeadm", "forbidden")}},
	})
}

func TestKubeadmPodSubnet(t *testing.T) {
	const subj = "kubeadm networking.podSubnet"
	with := func(v string, args map[string]string) *Facts {
		return cpMut("dual4", func(f *Facts) { f.Kubeadm = cpKubeadmConfig(v, "10.96.0.0/16,fd00:10:96::/112", args) })
	}
	cpRunCases(t, "kubeadm-pod-subnet", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubeadm")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubeadm")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubeadm")}},
		{"two IPv6", with("fd00:1::/56,fd00:2::/56", nil), []cpWant{
			cpFail(Error, subj, "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking"),
		}},
		{"smaller than a node subnet", with("10.244.0.0/25", nil), []cpWant{
			cpFail(Error, subj, "the size of pod subnet with mask 25 is smaller than the size of node subnet with mask 24"),
		}},
		{"too small", with("10.244.0.0/29", nil), []cpWant{
			cpFail(Error, subj, "subnet with 8 address(es) is too small, the minimum is 14"),
			cpFail(Error, subj, "the size of pod subnet with mask 29 is smaller than the size of node subnet with mask 24"),
		}},
		{"IPv4 more than 16 bits apart", with("10.0.0.0/7", nil), []cpWant{
			cpFail(Error, subj, "pod subnet mask (7) and node-mask (24) difference is greater than 16"),
		}},
		{"IPv6 more than 16 bits apart", with("10.244.0.0/16,fd00::/40", nil), []cpWant{
			cpFail(Error, subj, "pod subnet mask (40) and node-mask (64) difference is greater than 16"),
		}},
		{"IPv6 node mask from extraArgs", with("10.244.0.0/16,fd00::/40", map[string]string{"node-cidr-mask-size-ipv6": "56"}), []cpWant{cpOK("kubeadm")}},
		{"legacy node-cidr-mask-size extraArg is ignored", with("10.0.0.0/7", map[string]string{"node-cidr-mask-size": "20"}), []cpWant{
			cpFail(Error, subj, "pod subnet mask (7) and node-mask (24) difference is greater than 16"),
		}},
		{"unparsable extraArg", with("10.244.0.0/16", map[string]string{"node-cidr-mask-size-ipv4": "x"}), []cpWant{
			cpFail(Error, subj, "could not parse the value of the kube-controller-manager flag node-cidr-mask-size-ipv4 as an integer"),
		}},
		{"node IPAM off", with("10.244.0.0/25", map[string]string{"allocate-node-cidrs": "false"}), []cpWant{cpOK("kubeadm")}},
		{"unset", cpMut("dual4", func(f *Facts) { f.Kubeadm.PodSubnet = nil }), []cpWant{cpPass(subj, "nothing to check")}},
	})
}

func TestKubeadmMatchesControlPlane(t *testing.T) {
	override := cpMut("dual4", func(f *Facts) {
		cpSet(f, APIServer, "service-cluster-ip-range", "10.97.0.0/16,fd00:10:97::/112")
		f.Kubeadm.ExtraArgs["apiServer"] = map[string]Setting{"service-cluster-ip-range": {Value: "10.97.0.0/16,fd00:10:97::/112", Source: "extraArgs"}}
	})
	cpRunCases(t, "kubeadm-matches-control-plane", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubeadm")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubeadm")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubeadm")}},
		{"apiserver differs", cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", "10.96.0.0/16") }), []cpWant{
			cpFail(Warning, cpAPI1+" --service-cluster-ip-range", "kubeadm's ClusterConfiguration says 10.96.0.0/16,fd00:10:96::/112"),
		}},
		{"apiServer extraArgs override", override, []cpWant{cpOK("kubeadm")}},
		{"controller-manager differs", cpMut("dual4", func(f *Facts) { cpSet(f, ControllerManager, "cluster-cidr", "10.244.0.0/16") }), []cpWant{
			cpFail(Warning, cpKCM1+" --cluster-cidr", "kubeadm's ClusterConfiguration says 10.244.0.0/16,fd00:10:244::/56"),
		}},
		{"no podSubnet but --cluster-cidr", cpMut("single4", func(f *Facts) { f.Kubeadm.PodSubnet = nil }), []cpWant{
			cpFail(Warning, cpKCM1+" --cluster-cidr", "no podSubnet"),
		}},
	})
}

func TestKubeadmDNSServiceIP(t *testing.T) {
	const subj = "service/kube-system/kube-dns"
	cpRunCases(t, "kubeadm-dns-service-ip", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubeadm")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubeadm")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubeadm")}},
		{"wrong IP", cpMut("dual4", func(f *Facts) { f.Services[1] = cpService("kube-system", "kube-dns", "10.96.0.53") }), []cpWant{
			cpFail(Warning, subj, `has clusterIP "10.96.0.53" but kubeadm's DNS address, the 10th IP of 10.96.0.0/16`),
		}},
		{"no kube-dns", cpMut("dual4", func(f *Facts) { f.Services = f.Services[:1] }), []cpWant{cpPass(subj, "nothing to check")}},
		{"not kubeadm", cpMut("dual4", func(f *Facts) { f.Kubeadm = nil }), []cpWant{cpPass("kubeadm", "nothing to check")}},
	})
}

// ---------------------------------------------------------------------------
// kubelet

func TestKubeletNodeIP(t *testing.T) {
	subj := "kubelet " + cpNode1 + " --node-ip"
	with := func(nodeIP, cloud string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			cpSet(f, Kubelet, "node-ip", nodeIP)
			cpSet(f, Kubelet, "cloud-provider", cloud)
		})
	}
	const pair = "must contain either a single IP or a dual-stack pair of IPs"
	cpRunCases(t, "kubelet-node-ip", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubelet")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubelet")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubelet")}},
		{"two IPv4", with("192.168.0.11,192.168.0.12", ""), []cpWant{cpFail(Error, subj, `bad --node-ip "192.168.0.11,192.168.0.12": `+pair)}},
		{"three", with("192.168.0.11,fd00:1::11,192.168.0.12", ""), []cpWant{cpFail(Error, subj, pair)}},
		{"IPv4-mapped counts as IPv4", with("::ffff:192.168.0.11,192.168.0.12", ""), []cpWant{cpFail(Error, subj, pair)}},
		{"in-tree cloud provider", with("192.168.0.11,fd00:1::11", "gce"), []cpWant{cpFail(Error, subj, "dual-stack not supported in this configuration")}},
		{"external cloud provider", with("192.168.0.11,fd00:1::11", "external"), []cpWant{cpOK("kubelet")}},
		{"unspecified in a pair", with("0.0.0.0,fd00:1::11", ""), []cpWant{cpFail(Error, subj, "dual-stack node IP cannot include '0.0.0.0' or '::'")}},
		{"unspecified alone", with("::", ""), []cpWant{cpOK("kubelet")}},
		{"unparsable entries are ignored", with("192.168.0.11, node1", ""), []cpWant{cpFail(Warning, subj, "Could not parse some node IP(s), ignoring them: node1")}},
		{"loopback", with("127.0.0.1", ""), []cpWant{cpFail(Error, subj, "failed to validate nodeIP: nodeIP can't be loopback address")}},
		{"link-local secondary", with("192.168.0.11,fe80::1", ""), []cpWant{
			cpFail(Error, subj, "failed to validate secondaryNodeIP: nodeIP can't be a link-local unicast address"),
		}},
		{"no node-ip", cpMut("dual4", func(f *Facts) { cpSet(f, Kubelet, "node-ip", "") }), []cpWant{cpPass(Kubelet, "nothing to check")}},
	})
}

func TestKubeletNodeIPFamilies(t *testing.T) {
	subj := "kubelet " + cpNode1 + " --node-ip"
	with := func(stack, nodeIP, cloud string) *Facts {
		return cpMut(stack, func(f *Facts) {
			cpSet(f, Kubelet, "node-ip", nodeIP)
			cpSet(f, Kubelet, "cloud-provider", cloud)
		})
	}
	cpRunCases(t, "kubelet-node-ip-families", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubelet")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubelet")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubelet")}},
		{"IPv6 first on an IPv4-primary cluster", with("dual4", "fd00:1::11,192.168.0.11", ""), []cpWant{
			cpFail(Warning, subj, "puts IPv6 first but the cluster's primary family is IPv4"),
		}},
		{"one IP on a dual-stack cluster", with("dual4", "192.168.0.11", ""), []cpWant{
			cpFail(Warning, subj, "the cluster is dual-stack IPv4-primary but --node-ip 192.168.0.11 names no dual-stack pair"),
		}},
		{"one IP with an external cloud provider", with("dual4", "192.168.0.11", "external"), []cpWant{cpOK("kubelet")}},
		{"IPv6 on a single-stack IPv4 cluster", with("single4", "fd00:1::11", ""), []cpWant{cpFail(Warning, subj, "puts IPv6 first")}},
	})
}

func TestKubeletClusterDNS(t *testing.T) {
	subj := "kubelet " + cpNode1 + " --cluster-dns"
	with := func(stack, dns string) *Facts {
		return cpMut(stack, func(f *Facts) { cpSet(f, Kubelet, "cluster-dns", dns) })
	}
	cpRunCases(t, "kubelet-cluster-dns", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubelet")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubelet")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubelet")}},
		{"no such Service", with("dual4", "10.96.0.20"), []cpWant{
			cpFail(Error, subj, "clusterDNS 10.96.0.20 is in the service range but no Service has that clusterIP (Service kube-system/kube-dns has 10.96.0.10)"),
		}},
		{"node-local DNS cache", with("dual4", "169.254.20.10"), []cpWant{cpOK("kubelet")}},
		{"secondary family service IP", with("dual4", "fd00:10:96::a"), []cpWant{cpFail(Error, subj, "no Service has that clusterIP")}},
		{"not an IP", with("dual4", "dns"), []cpWant{cpFail(Error, subj, `clusterDNS entry "dns" is not an IP address`)}},
		{"unset", with("dual4", ""), []cpWant{cpPass(Kubelet, "nothing to check")}},
	})
}
