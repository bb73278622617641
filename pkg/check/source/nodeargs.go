package source

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// NodeArgsAnnotations are where k3s and RKE2 (which runs k3s's command
// line under its own name) record each server's and agent's command line
// on its Node: version.Program + ".io/node-args" (k3s pkg/nodeconfig).
var NodeArgsAnnotations = []struct{ Program, Annotation string }{
	{"k3s", "k3s.io/node-args"},
	{"rke2", "rke2.io/node-args"},
}

// K3sArgs is the command line of a k3s or RKE2 server or agent.
type K3sArgs struct {
	Program string // "k3s" or "rke2": whose defaults apply
	Role    string // the subcommand: "server" or "agent"
	Where   string // the command line, for provenance
	// Flags holds each flag's values in order (the networking flags and
	// the --<component>-arg flags may repeat), redacted, each saying where
	// it was read.
	Flags map[string][]check.Setting
}

// k3sShortFlags are the short names of the flags the settings need.
var k3sShortFlags = map[string]string{"i": "node-ip", "t": "token"}

// ParseNodeArgs reads a node-args annotation: a JSON array of the command
// line after the program's name, config.yaml merged in and `--flag=value`
// split in two (k3s pkg/nodeconfig getNodeArgs). k3s replaces the values
// of its secret flags; every value is redacted again here all the same.
func ParseNodeArgs(program, value, where string) (K3sArgs, error) {
	var line []string
	if err := json.Unmarshal([]byte(value), &line); err != nil {
		return K3sArgs{}, fmt.Errorf("%s: not a JSON array of strings: %v", where, err)
	}
	a := K3sArgs{Program: program, Where: where, Flags: map[string][]check.Setting{}}
	if len(line) > 0 && !strings.HasPrefix(line[0], "-") {
		a.Role = line[0]
	}
	eachFlag(line, func(name, value string, _ int) {
		if long, ok := k3sShortFlags[name]; ok {
			name = long
		}
		a.Flags[name] = append(a.Flags[name], check.Setting{Value: redactNodeArg(name, value), Source: where + ", --" + name})
	})
	return a, nil
}

// redactNodeArg is Redact for a k3s flag, and for the flag a
// --<component>-arg passes on (`oidc-client-secret=...`).
func redactNodeArg(name, value string) string {
	if inner, innerValue, ok := strings.Cut(value, "="); ok && strings.HasSuffix(name, "-arg") {
		return inner + "=" + Redact(strings.TrimPrefix(inner, "--"), innerValue)
	}
	return Redact(name, value)
}

// list is a repeatable list flag's values joined with commas, as k3s
// joins them (util.SplitStringSlice).
func (a K3sArgs) list(name string) (check.Setting, bool) {
	values := a.Flags[name]
	if len(values) == 0 {
		return check.Setting{}, false
	}
	joined := make([]string, len(values))
	for i, v := range values {
		joined[i] = v.Value
	}
	return check.Setting{Value: strings.Join(joined, ","), Source: values[0].Source}, true
}

// enabled says whether a boolean flag is set to true (its last value wins).
func (a K3sArgs) enabled(name string) bool {
	values := a.Flags[name]
	if len(values) == 0 {
		return false
	}
	on, _ := strconv.ParseBool(values[len(values)-1].Value)
	return on
}

// componentArgs are the `name=value` entries of a --<component>-arg flag,
// which k3s passes to the component over its own flags (util.GetArgs).
func (a K3sArgs) componentArgs(flag string) map[string]check.Setting {
	out := map[string]check.Setting{}
	for _, v := range a.Flags[flag] {
		name, value, ok := strings.Cut(strings.TrimPrefix(v.Value, "--"), "=")
		if !ok {
			continue // not a flag k3s can pass on
		}
		out[name] = check.Setting{Value: Redact(name, value), Source: fmt.Sprintf("%s, --%s=%s", a.Where, flag, name)}
	}
	return out
}

// Components are the programs a k3s or RKE2 node runs, with the flags k3s
// gives them (pkg/daemons/control/server.go, pkg/daemons/agent): a server
// runs kube-apiserver and kube-controller-manager unless disabled, and
// every node a kubelet and kube-proxy. An agent's own command line holds
// no cluster-wide setting: its kube-proxy (read only when --kube-proxy-arg
// sets something) gets --cluster-cidr from the servers. --cluster-dns is
// read only when given: its default changed between k3s releases. hostIP
// is the node's first address, whose family k3s's default ranges follow
// when --node-ip does not say.
func (a K3sArgs) Components(node, hostIP string) []check.Component {
	nodeIP, hasNodeIP := a.list("node-ip")
	if hasNodeIP {
		hostIP, _, _ = strings.Cut(nodeIP.Value, ",")
	}
	defaultPods, defaultServices := check.K3sDefaultCIDRs(strings.TrimSpace(hostIP))
	orDefault := func(flag, value string) check.Setting {
		if s, ok := a.list(flag); ok {
			return s
		}
		return check.Setting{Value: value, Source: fmt.Sprintf("%s (--%s unset: %s's default %s)", a.Where, flag, a.Program, value)}
	}
	clusterCIDR := orDefault("cluster-cidr", defaultPods)
	services := orDefault("service-cidr", defaultServices)
	component := func(kind string, settings map[string]check.Setting, argsFlag string) check.Component {
		for name, s := range a.componentArgs(argsFlag) {
			settings[name] = s
		}
		return check.Component{Kind: kind, Instance: node, Source: a.Where, Settings: settings}
	}

	var out []check.Component
	server := a.Role == "server"
	if server && !a.enabled("disable-apiserver") {
		settings := map[string]check.Setting{"service-cluster-ip-range": services}
		if s, ok := a.list("advertise-address"); ok {
			settings["advertise-address"] = s
		}
		out = append(out, component(check.APIServer, settings, "kube-apiserver-arg"))
	}
	if server && !a.enabled("disable-controller-manager") {
		out = append(out, component(check.ControllerManager, map[string]check.Setting{
			"allocate-node-cidrs":      {Value: "true", Source: fmt.Sprintf("%s (%s runs kube-controller-manager with --allocate-node-cidrs=true)", a.Where, a.Program)},
			"cluster-cidr":             clusterCIDR,
			"service-cluster-ip-range": services,
		}, "kube-controller-manager-arg"))
	}
	switch {
	case server && !a.enabled("disable-kube-proxy"):
		out = append(out, component(check.KubeProxy, map[string]check.Setting{"cluster-cidr": clusterCIDR}, "kube-proxy-arg"))
	case !server && len(a.Flags["kube-proxy-arg"]) > 0:
		out = append(out, component(check.KubeProxy, map[string]check.Setting{}, "kube-proxy-arg"))
	}
	kubelet := map[string]check.Setting{}
	for _, flag := range []string{"node-ip", "cluster-dns"} {
		if s, ok := a.list(flag); ok {
			kubelet[flag] = s
		}
	}
	return append(out, component(check.Kubelet, kubelet, "kubelet-arg"))
}
