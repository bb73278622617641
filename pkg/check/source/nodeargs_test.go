package source

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

const k3sWhere = "node node-1 annotation k3s.io/node-args"

func parseNodeArgs(t *testing.T, value string) K3sArgs {
	t.Helper()
	a, err := ParseNodeArgs("k3s", value, k3sWhere)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A server's annotation as k3s writes it: config.yaml merged in,
// `--flag=value` split, list flags repeated, secrets already starred.
func TestParseNodeArgs(t *testing.T) {
	a := parseNodeArgs(t, `["server","--cluster-init","--token","********","--cluster-cidr","10.42.0.0/16","--cluster-cidr","fd00:42::/56",`+
		`"-i","192.168.1.10,2001:db8::10","--kube-apiserver-arg","feature-gates=A=true","--disable-kube-proxy","true"]`)
	if a.Role != "server" || a.Program != "k3s" {
		t.Errorf("role %q, program %q", a.Role, a.Program)
	}
	want := map[string][]check.Setting{
		"cluster-init":       {{Value: "true", Source: k3sWhere + ", --cluster-init"}},
		"token":              {{Value: Redacted, Source: k3sWhere + ", --token"}},
		"cluster-cidr":       {{Value: "10.42.0.0/16", Source: k3sWhere + ", --cluster-cidr"}, {Value: "fd00:42::/56", Source: k3sWhere + ", --cluster-cidr"}},
		"node-ip":            {{Value: "192.168.1.10,2001:db8::10", Source: k3sWhere + ", --node-ip"}},
		"kube-apiserver-arg": {{Value: "feature-gates=A=true", Source: k3sWhere + ", --kube-apiserver-arg"}},
		"disable-kube-proxy": {{Value: "true", Source: k3sWhere + ", --disable-kube-proxy"}},
	}
	if !reflect.DeepEqual(a.Flags, want) {
		t.Errorf("flags:\n  got  %+v\n  want %+v", a.Flags, want)
	}
	if _, err := ParseNodeArgs("k3s", `{"server": true}`, k3sWhere); err == nil || !strings.Contains(err.Error(), k3sWhere+": not a JSON array of strings") {
		t.Errorf("an object: %v", err)
	}
}

// Whatever k3s left in clear is redacted: secret flags (by their short
// name too), passwords in URLs, secrets passed on to a component.
func TestParseNodeArgsRedacts(t *testing.T) {
	a := parseNodeArgs(t, `["server","-t","K10abc::server:s3cr3t","--agent-token","a9ent","--datastore-endpoint","postgres://k3s:hunter2@db:5432/k3s",`+
		`"--kube-apiserver-arg","oidc-client-secret=hunter2","--kube-apiserver-arg","etcd-servers=https://root:hunter2@10.0.0.1:2379","--kube-apiserver-arg","token-auth-file=/etc/tokens.csv"]`)
	var all []string
	for _, values := range a.Flags {
		for _, v := range values {
			all = append(all, v.Value)
		}
	}
	for _, c := range a.Components("node-1", "192.168.1.10") {
		for _, s := range c.Settings {
			all = append(all, s.Value)
		}
	}
	joined := strings.Join(all, " ")
	for _, secret := range []string{"s3cr3t", "a9ent", "hunter2"} {
		if strings.Contains(joined, secret) {
			t.Errorf("%q shown: %s", secret, joined)
		}
	}
	api := a.Components("node-1", "192.168.1.10")[0].Settings
	if got := api["etcd-servers"].Value; got != "https://root:xxxxx@10.0.0.1:2379" {
		t.Errorf("etcd-servers %q", got)
	}
	if got := api["token-auth-file"].Value; got != "/etc/tokens.csv" {
		t.Errorf("a file naming where a secret is kept is not one: %q", got)
	}
}

// A server's command line maps onto the components k3s runs, each
// setting saying which flag it came from, or which default.
func TestK3sServerComponents(t *testing.T) {
	a := parseNodeArgs(t, `["server","--cluster-cidr","10.42.0.0/16,fd00:42::/56","--service-cidr","10.43.0.0/16","--service-cidr","fd00:43::/112",`+
		`"--node-ip","192.168.1.10,2001:db8::10","--advertise-address","192.168.1.10",`+
		`"--cluster-dns","10.43.0.10","--kube-controller-manager-arg","node-cidr-mask-size-ipv6=64","--kube-proxy-arg","cluster-cidr=10.42.0.0/16","--kubelet-arg","node-ip=192.168.1.10"]`)
	at := func(flag string) string { return k3sWhere + ", --" + flag }
	want := []check.Component{
		{Kind: check.APIServer, Instance: "node-1", Source: k3sWhere, Settings: map[string]check.Setting{
			"service-cluster-ip-range": {Value: "10.43.0.0/16,fd00:43::/112", Source: at("service-cidr")},
			"advertise-address":        {Value: "192.168.1.10", Source: at("advertise-address")},
		}},
		{Kind: check.ControllerManager, Instance: "node-1", Source: k3sWhere, Settings: map[string]check.Setting{
			"allocate-node-cidrs":      {Value: "true", Source: k3sWhere + " (k3s runs kube-controller-manager with --allocate-node-cidrs=true)"},
			"cluster-cidr":             {Value: "10.42.0.0/16,fd00:42::/56", Source: at("cluster-cidr")},
			"service-cluster-ip-range": {Value: "10.43.0.0/16,fd00:43::/112", Source: at("service-cidr")},
			"node-cidr-mask-size-ipv6": {Value: "64", Source: at("kube-controller-manager-arg=node-cidr-mask-size-ipv6")},
		}},
		{Kind: check.KubeProxy, Instance: "node-1", Source: k3sWhere, Settings: map[string]check.Setting{
			"cluster-cidr": {Value: "10.42.0.0/16", Source: at("kube-proxy-arg=cluster-cidr")}, // the component's own flag wins
		}},
		{Kind: check.Kubelet, Instance: "node-1", Source: k3sWhere, Settings: map[string]check.Setting{
			"node-ip":     {Value: "192.168.1.10", Source: at("kubelet-arg=node-ip")}, // the component's own flag wins
			"cluster-dns": {Value: "10.43.0.10", Source: at("cluster-dns")},
		}},
	}
	if got := a.Components("node-1", "192.168.1.10"); !reflect.DeepEqual(got, want) {
		t.Errorf("components:\n  got  %+v\n  want %+v", got, want)
	}
}

// Unset ranges are k3s's defaults, of the node IP's family.
func TestK3sDefaults(t *testing.T) {
	for _, tt := range []struct {
		args, hostIP, program string
		pods, services        string
	}{
		{`["server"]`, "192.168.1.10", "k3s", "10.42.0.0/16", "10.43.0.0/16"},
		{`["server"]`, "2001:db8::10", "rke2", "fd00:42::/56", "fd00:43::/112"},
		{`["server","--node-ip","2001:db8::10,192.168.1.10"]`, "192.168.1.10", "k3s", "fd00:42::/56", "fd00:43::/112"},
	} {
		a, err := ParseNodeArgs(tt.program, tt.args, "where")
		if err != nil {
			t.Fatal(err)
		}
		comps := a.Components("node-1", tt.hostIP)
		kcm := comps[1].Settings
		if got := kcm["cluster-cidr"]; got.Value != tt.pods || got.Source != "where (--cluster-cidr unset: "+tt.program+"'s default "+tt.pods+")" {
			t.Errorf("%s on %s: cluster-cidr %+v", tt.args, tt.hostIP, got)
		}
		if got := kcm["service-cluster-ip-range"]; got.Value != tt.services || !strings.Contains(got.Source, "(--service-cidr unset: ") {
			t.Errorf("%s on %s: service range %+v", tt.args, tt.hostIP, got)
		}
		if _, set := comps[3].Settings["cluster-dns"]; set {
			t.Errorf("cluster-dns defaulted: its default changed between k3s releases")
		}
	}
}

// Disabled components are not there; an agent runs a kubelet, and a
// kube-proxy only when its command line sets something for it.
func TestK3sComponentsByRole(t *testing.T) {
	kinds := func(value string) []string {
		var out []string
		for _, c := range parseNodeArgs(t, value).Components("node-2", "192.168.1.11") {
			out = append(out, c.Kind)
		}
		return out
	}
	for _, tt := range []struct {
		args string
		want []string
	}{
		{`["server"]`, []string{check.APIServer, check.ControllerManager, check.KubeProxy, check.Kubelet}},
		{`["server","--disable-apiserver","--disable-controller-manager=true","--disable-kube-proxy"]`, []string{check.Kubelet}},
		{`["server","--disable-kube-proxy","false"]`, []string{check.APIServer, check.ControllerManager, check.KubeProxy, check.Kubelet}},
		{`["agent","--server","https://192.168.1.10:6443","--token","********","--node-ip","192.168.1.11"]`, []string{check.Kubelet}},
		{`["agent","--kube-proxy-arg","nodeport-addresses=primary"]`, []string{check.KubeProxy, check.Kubelet}},
	} {
		if got := kinds(tt.args); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.args, got, tt.want)
		}
	}
}
