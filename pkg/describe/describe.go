// Package describe is `kubectl describe` with the dual-stack fields the
// KEP's way. Each describer runs kubectl's own describer (so the output is
// everything kubectl shows, escaped as kubectl escapes it) and then rewrites
// only the dual-stack lines:
//
//   - pod: `IPs:` on one line, comma-separated, primary first; `Host IPs:` likewise;
//   - service: per port, `Endpoints:` lists every backend as a brace-grouped
//     pair, one per line, aligned under the first;
//   - node: `Primary IP Family:` after the pod CIDRs;
//   - endpoints: the groups per port instead of v1 Endpoints' flat subsets.
package describe

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	kubectldescribe "k8s.io/kubectl/pkg/describe"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// Describer describes pods, services, nodes and endpoints.
type Describer struct {
	Client kubernetes.Interface
	// Endpoints reads v1 Endpoints for the endpoints describer; a client
	// whose deprecation warnings are silenced, as the plugin reads them only
	// to reuse kubectl's layout. Nil means Client.
	Endpoints kubernetes.Interface
	// RequestTimeout bounds each list a description makes, its retries
	// included, as --request-timeout bounds get's (0: none).
	RequestTimeout time.Duration
}

// Kinds lists what Describe accepts, by resource name.
var Kinds = []string{"pods", "services", "nodes", "endpoints"}

// Describe describes one object of resource ("pods", "services", "nodes",
// "endpoints"). kubectl's describer escapes ESC and CR in what it prints;
// the result is escaped further with printers.EscapeTerminal, so that no
// other control character of an annotation or event message reaches the
// terminal either. A list that found the server unreachable (its events
// timed out, say, which kubectl's describer would leave out silently) fails
// the description: see boundedLists.
func (d Describer) Describe(ctx context.Context, resource, namespace, name string, settings kubectldescribe.DescriberSettings) (string, error) {
	lists := newBoundedLists(ctx, d.RequestTimeout)
	out, err := d.describe(ctx, lists, resource, namespace, name, settings)
	if err == nil {
		err = lists.failed()
	}
	if err != nil {
		return "", err
	}
	return printers.EscapeTerminal(out), nil
}

func (d Describer) describe(ctx context.Context, lists *boundedLists, resource, namespace, name string, settings kubectldescribe.DescriberSettings) (string, error) {
	client := boundedClient{d.Client, lists}
	// What kubectl's describer printed, unless one of its lists found the
	// server unreachable: then nothing more is asked.
	described := func(out string, err error) (string, error) {
		return out, cmp.Or(err, lists.failed())
	}
	switch resource {
	case "pods":
		out, err := described((&kubectldescribe.PodDescriber{Interface: client}).Describe(namespace, name, settings))
		if err != nil {
			return "", err
		}
		pod, err := d.Client.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		return rewritePod(out, pod), nil
	case "services":
		out, err := described((&kubectldescribe.ServiceDescriber{Interface: client}).Describe(namespace, name, settings))
		if err != nil {
			return "", err
		}
		svc, err := d.Client.CoreV1().Services(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		slices, err := endpointSlices(client, namespace, name)
		if err != nil {
			return "", err
		}
		return rewriteService(out, svc, slices), nil
	case "nodes":
		out, err := described((&kubectldescribe.NodeDescriber{Interface: client}).Describe(namespace, name, settings))
		if err != nil {
			return "", err
		}
		node, err := d.Client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		return rewriteNode(out, node), nil
	case "endpoints":
		out, err := described((&kubectldescribe.EndpointsDescriber{Interface: boundedClient{d.EndpointsClient(), lists}}).Describe(namespace, name, settings))
		if err != nil {
			return "", err
		}
		// The Service gives the order of families and ports; endpoints
		// without a Service keep the defaults.
		svc, err := d.Client.CoreV1().Services(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			svc = &corev1.Service{}
		}
		slices, err := endpointSlices(client, namespace, name)
		if err != nil {
			return "", err
		}
		return rewriteEndpoints(out, svc, slices), nil
	}
	return "", fmt.Errorf("cannot describe %s", resource)
}

// EndpointsClient is the client for v1 Endpoints.
func (d Describer) EndpointsClient() kubernetes.Interface {
	if d.Endpoints != nil {
		return d.Endpoints
	}
	return d.Client
}

// endpointSlices lists the slices of a Service, within the bounds of the
// client's lists.
func endpointSlices(client boundedClient, namespace, service string) ([]discoveryv1.EndpointSlice, error) {
	list, err := client.DiscoveryV1().EndpointSlices(namespace).List(client.lists.ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + service})
	if err != nil {
		return nil, err
	}
	return list.Items, nil
}

// rewritePod folds kubectl's multi-line `IPs:` block into one line and adds
// `Host IPs:` when the node has an address of each family.
func rewritePod(out string, pod *corev1.Pod) string {
	lines := strings.Split(out, "\n")
	// The `IPs:` after the `IP:` line of this pod's IP: a newline in the
	// status message above them prints the rest of it as lines of their own.
	i := -1
	for j := 1; j < len(lines) && i < 0; j++ {
		if ip, ok := fieldValue(lines[j-1], "IP:"); ok && ip == pod.Status.PodIP && strings.HasPrefix(lines[j], "IPs:") {
			i = j
		}
	}
	if i < 0 {
		return out
	}
	end := i + 1
	for end < len(lines) && strings.HasPrefix(lines[end], "  IP:") {
		end++
	}
	offset := valueOffset(lines[i-1]) // the `IP:` line above, in the same aligned block
	var podIPs, hostIPs []string
	for _, ip := range pod.Status.PodIPs {
		podIPs = append(podIPs, ip.IP)
	}
	for _, ip := range pod.Status.HostIPs {
		hostIPs = append(hostIPs, ip.IP)
	}
	replacement := []string{field("IPs:", offset, orNone(podIPs))}
	if len(hostIPs) > 1 {
		replacement = append(replacement, field("Host IPs:", offset, strings.Join(hostIPs, ",")))
	}
	return strings.Join(splice(lines, i, end, replacement), "\n")
}

// rewriteService replaces each port's `Endpoints:` line with every backend's
// group, one per line, and a count of backends with one family only.
func rewriteService(out string, svc *corev1.Service, slices []discoveryv1.EndpointSlice) string {
	lines := strings.Split(out, "\n")
	groups := dualstack.PairEndpoints(slices, svc.Spec.IPFamilies, dualstack.PairOptions{})
	port := 0
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "Endpoints:") || port >= len(svc.Spec.Ports) {
			continue
		}
		var mine []dualstack.Group
		for _, g := range groups {
			if g.Port.Name == svc.Spec.Ports[port].Name {
				mine = append(mine, g)
			}
		}
		block := groupLines("Endpoints:", valueOffset(lines[i]), mine, len(svc.Spec.IPFamilies), false)
		lines = splice(lines, i, i+1, block)
		i += len(block) - 1
		port++
	}
	return strings.Join(lines, "\n")
}

// rewriteNode adds the node's primary IP family (that of its first
// InternalIP, the kubelet's --node-ip) after its pod CIDRs.
func rewriteNode(out string, node *corev1.Node) string {
	family := "<none>"
	for _, addr := range node.Status.Addresses {
		if addr.Type == corev1.NodeInternalIP {
			family = string(dualstack.FamilyOf(addr.Address))
			break
		}
	}
	lines := strings.Split(out, "\n")
	// The line of the node's own CIDRs: a newline in a condition's message
	// above prints the rest of it as lines of their own.
	i := slices.IndexFunc(lines, func(l string) bool {
		v, ok := fieldValue(l, "PodCIDRs:")
		return ok && v != "" && v == strings.Join(node.Spec.PodCIDRs, ",")
	})
	if i < 0 {
		i = slices.IndexFunc(lines, func(l string) bool {
			v, ok := fieldValue(l, "PodCIDR:")
			return ok && v != "" && v == node.Spec.PodCIDR
		})
	}
	if i < 0 {
		// No pod CIDRs: after the address list.
		i = indexOfField(lines, "Addresses:")
		for i >= 0 && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") {
			i++
		}
		if i < 0 {
			return out
		}
		return strings.Join(splice(lines, i+1, i+1, []string{field("Primary IP Family:", len("Primary IP Family:")+2, family)}), "\n")
	}
	return strings.Join(splice(lines, i+1, i+1, []string{field("Primary IP Family:", valueOffset(lines[i]), family)}), "\n")
}

// rewriteEndpoints replaces the v1 `Subsets:` block (one family, flat
// address lists) with the groups per port built from the EndpointSlices,
// not-ready backends included and marked, as kubectl lists NotReadyAddresses.
func rewriteEndpoints(out string, svc *corev1.Service, slices []discoveryv1.EndpointSlice) string {
	lines := strings.Split(out, "\n")
	start := indexOfField(lines, "Subsets:")
	if start < 0 {
		return out
	}
	end := start + 1
	for end < len(lines) && (lines[end] == "" || strings.HasPrefix(lines[end], " ")) {
		end++
	}
	var portOrder []string
	for _, p := range svc.Spec.Ports {
		portOrder = append(portOrder, p.Name)
	}
	families := svc.Spec.IPFamilies
	groups := dualstack.PairEndpoints(slices, families, dualstack.PairOptions{IncludeNotReady: true, PortOrder: portOrder})
	byPort := map[string][]dualstack.Group{}
	var ports []string
	for _, g := range groups {
		key := portLabel(g.Port)
		if _, seen := byPort[key]; !seen {
			ports = append(ports, key)
		}
		byPort[key] = append(byPort[key], g)
	}
	block := []string{"Ports:"}
	if len(ports) == 0 {
		block = []string{"Ports:  <none>"}
	}
	offset := len("  Endpoints:") + 2
	for _, port := range ports {
		block = append(block, field("  Port:", offset, port))
		block = append(block, groupLines("  Endpoints:", offset, byPort[port], len(families), true)...)
	}
	block = append(block, "")
	return strings.Join(splice(lines, start, end, block), "\n")
}

// groupLines is a labelled block of groups, one per line, aligned under the
// first, then the count of backends that have one family only (on a
// dual-stack Service).
func groupLines(label string, offset int, groups []dualstack.Group, families int, markNotReady bool) []string {
	if len(groups) == 0 {
		return []string{field(label, offset, "<none>")}
	}
	var out []string
	oneFamily := 0
	for i, g := range groups {
		l := ""
		if i == 0 {
			l = label
		}
		out = append(out, field(l, offset, printers.FormatGroup(g, markNotReady)))
		if families > 1 && g.Backend != "" && len(g.Addresses) < families {
			oneFamily++
		}
	}
	if oneFamily > 0 {
		out = append(out, field("", offset, fmt.Sprintf("(%d of %d backends have an address of one family only)", oneFamily, len(groups))))
	}
	return out
}

func portLabel(p dualstack.Port) string {
	name := p.Name
	if name == "" {
		name = "<unset>"
	}
	if p.Number == nil {
		return name
	}
	return fmt.Sprintf("%s  %d/%s", name, *p.Number, p.Protocol)
}

// indexOfField finds the first top-level line that starts with label.
func indexOfField(lines []string, label string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, label) {
			return i
		}
	}
	return -1
}

// fieldValue is the value of a `Label:   value` line; false when the line
// has another label.
func fieldValue(line, label string) (string, bool) {
	v, ok := strings.CutPrefix(line, label)
	return strings.TrimSpace(v), ok
}

// valueOffset is where the value starts on an aligned `Label:   value` line.
func valueOffset(line string) int {
	colon := strings.Index(line, ":")
	if colon < 0 {
		return 0
	}
	rest := line[colon+1:]
	return colon + 1 + len(rest) - len(strings.TrimLeft(rest, " "))
}

// field writes label and value with the value at column offset (at least
// two spaces after the label, as kubectl's tabwriter pads).
func field(label string, offset int, value string) string {
	pad := max(offset-len(label), 2)
	if label == "" {
		pad = offset
	}
	return label + strings.Repeat(" ", pad) + value
}

func orNone(values []string) string {
	if len(values) == 0 {
		return "<none>"
	}
	return strings.Join(values, ",")
}

// splice replaces lines[from:to] with repl.
func splice(lines []string, from, to int, repl []string) []string {
	out := append([]string{}, lines[:from]...)
	out = append(out, repl...)
	return append(out, lines[to:]...)
}
