package describe

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/utils/ptr"
)

// text joins lines as kubectl's describers end them, each with a newline.
func text(lines ...string) string {
	return strings.Join(lines, "\n") + "\n"
}

// checkRewrite compares a rewrite's output with want, line by line.
func checkRewrite(t *testing.T, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, gl, wl)
		}
	}
	t.Errorf("got:\n%s\nwant:\n%s", got, want)
}

func podWith(podIPs, hostIPs []string) *corev1.Pod {
	pod := &corev1.Pod{}
	for _, ip := range podIPs {
		pod.Status.PodIPs = append(pod.Status.PodIPs, corev1.PodIP{IP: ip})
	}
	if len(podIPs) > 0 {
		pod.Status.PodIP = podIPs[0]
	}
	for _, ip := range hostIPs {
		pod.Status.HostIPs = append(pod.Status.HostIPs, corev1.HostIP{IP: ip})
	}
	return pod
}

func TestRewritePod(t *testing.T) {
	// kubectl's `IPs:` line without a tab ends the aligned block: the
	// `  IP:` lines and those after align on their own.
	dual := text(
		"Name:         web-1",
		"Namespace:    default",
		"Node:         worker-1/192.168.10.11",
		"Status:       Running",
		"IP:           10.244.1.5",
		"IPs:",
		"  IP:           10.244.1.5",
		"  IP:           fd00:10:244:1::5",
		"Controlled By:  ReplicaSet/web",
		"Containers:",
		"  web:",
		"    Image:  nginx",
	)
	// No pod IP yet: kubectl writes `IPs:\t<none>`, one aligned block.
	pending := text(
		"Name:           cache-1",
		"Namespace:      default",
		"Node:           worker-1/192.168.10.11",
		"Status:         Pending",
		"IP:             ",
		"IPs:            <none>",
		"Controlled By:  ReplicaSet/cache",
		"Containers:",
	)
	tests := []struct {
		name string
		in   string
		pod  *corev1.Pod
		want string
	}{{
		name: "dual-stack, IPv4 primary",
		in:   dual,
		pod:  podWith([]string{"10.244.1.5", "fd00:10:244:1::5"}, []string{"192.168.10.11", "fd00:10::11"}),
		want: text(
			"Name:         web-1",
			"Namespace:    default",
			"Node:         worker-1/192.168.10.11",
			"Status:       Running",
			"IP:           10.244.1.5",
			"IPs:          10.244.1.5,fd00:10:244:1::5",
			"Host IPs:     192.168.10.11,fd00:10::11",
			"Controlled By:  ReplicaSet/web",
			"Containers:",
			"  web:",
			"    Image:  nginx",
		),
	}, {
		name: "dual-stack, IPv6 primary: the pod's order, not the lines'",
		in:   strings.Replace(dual, "IP:           10.244.1.5\nIPs:", "IP:           fd00:10:244:1::5\nIPs:", 1),
		pod:  podWith([]string{"fd00:10:244:1::5", "10.244.1.5"}, []string{"fd00:10::11", "192.168.10.11"}),
		want: text(
			"Name:         web-1",
			"Namespace:    default",
			"Node:         worker-1/192.168.10.11",
			"Status:       Running",
			"IP:           fd00:10:244:1::5",
			"IPs:          fd00:10:244:1::5,10.244.1.5",
			"Host IPs:     fd00:10::11,192.168.10.11",
			"Controlled By:  ReplicaSet/web",
			"Containers:",
			"  web:",
			"    Image:  nginx",
		),
	}, {
		name: "one host IP: no Host IPs line",
		in: text(
			"Name:         web-1",
			"IP:           10.244.1.5",
			"IPs:",
			"  IP:           10.244.1.5",
			"Containers:",
		),
		pod: podWith([]string{"10.244.1.5"}, []string{"192.168.10.11"}),
		want: text(
			"Name:         web-1",
			"IP:           10.244.1.5",
			"IPs:          10.244.1.5",
			"Containers:",
		),
	}, {
		name: "no IP, not scheduled: IPs <none> stays",
		in:   pending,
		pod:  podWith(nil, nil),
		want: pending,
	}, {
		name: "no IP yet, on a dual-stack node: Host IPs added",
		in:   pending,
		pod:  podWith(nil, []string{"192.168.10.11", "fd00:10::11"}),
		want: text(
			"Name:           cache-1",
			"Namespace:      default",
			"Node:           worker-1/192.168.10.11",
			"Status:         Pending",
			"IP:             ",
			"IPs:            <none>",
			"Host IPs:       192.168.10.11,fd00:10::11",
			"Controlled By:  ReplicaSet/cache",
			"Containers:",
		),
	}, {
		name: "no IPs line: unchanged",
		in:   text("Name:  web-1", "Containers:"),
		pod:  podWith([]string{"10.244.1.5", "fd00:10:244:1::5"}, []string{"192.168.10.11", "fd00:10::11"}),
		want: text("Name:  web-1", "Containers:"),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRewrite(t, rewritePod(tt.in, tt.pod), tt.want)
		})
	}
}

// ep is an endpoint of pod, or without a targetRef when pod is "".
func ep(ip, pod string, ready bool) discoveryv1.Endpoint {
	e := discoveryv1.Endpoint{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(ready)}}
	if pod != "" {
		e.TargetRef = &corev1.ObjectReference{Kind: "Pod", Namespace: "default", Name: pod}
	}
	return e
}

type slicePort struct {
	name string
	port int32
}

func endpointSlice(family discoveryv1.AddressType, ports []slicePort, eps ...discoveryv1.Endpoint) discoveryv1.EndpointSlice {
	s := discoveryv1.EndpointSlice{AddressType: family, Endpoints: eps}
	for _, p := range ports {
		s.Ports = append(s.Ports, discoveryv1.EndpointPort{Name: ptr.To(p.name), Port: ptr.To(p.port), Protocol: ptr.To(corev1.ProtocolTCP)})
	}
	return s
}

func service(families []corev1.IPFamily, ports ...string) *corev1.Service {
	svc := &corev1.Service{}
	svc.Spec.IPFamilies = families
	for _, p := range ports {
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: p, Protocol: corev1.ProtocolTCP})
	}
	return svc
}

var (
	ipv4First = []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol}
	ipv6First = []corev1.IPFamily{corev1.IPv6Protocol, corev1.IPv4Protocol}
	ipv4Only  = []corev1.IPFamily{corev1.IPv4Protocol}
)

// dbSlices: db-0 of both families, db-1 IPv4 only, db-2 not ready; ports
// postgres and metrics (none for admin).
func dbSlices() []discoveryv1.EndpointSlice {
	ports := []slicePort{{"postgres", 5432}, {"metrics", 9187}}
	return []discoveryv1.EndpointSlice{
		endpointSlice(discoveryv1.AddressTypeIPv6, ports, ep("fd00:10:244:1::8", "db-0", true), ep("fd00:10:244:3::8", "db-2", false)),
		endpointSlice(discoveryv1.AddressTypeIPv4, ports, ep("10.244.2.8", "db-1", true), ep("10.244.1.8", "db-0", true), ep("10.244.3.8", "db-2", false)),
	}
}

func TestRewriteService(t *testing.T) {
	in := text(
		"Name:                     db",
		"Namespace:                default",
		"Labels:                   app=db",
		"                          tier=backend",
		"Annotations:              <none>",
		"Selector:                 app=db",
		"Type:                     ClusterIP",
		"IP Family Policy:         PreferDualStack",
		"IP Families:              IPv4,IPv6",
		"IP:                       10.96.54.32",
		"IPs:                      10.96.54.32,fd00:10:96::5432",
		"Port:                     postgres  5432/TCP",
		"TargetPort:               postgres/TCP",
		"Endpoints:                10.244.1.8:5432,10.244.2.8:5432",
		"Port:                     metrics  9187/TCP",
		"TargetPort:               9187/TCP",
		"Endpoints:                10.244.1.8:9187,10.244.2.8:9187",
		"Port:                     admin  8000/TCP",
		"TargetPort:               8000/TCP",
		"Endpoints:                ",
		"Session Affinity:         None",
		"Internal Traffic Policy:  Cluster",
		"Events:                   <none>",
	)
	head := in[:strings.Index(in, "\nPort:")+1] // up to the first port
	tail := text(
		"Session Affinity:         None",
		"Internal Traffic Policy:  Cluster",
		"Events:                   <none>",
	)
	tests := []struct {
		name   string
		svc    *corev1.Service
		slices []discoveryv1.EndpointSlice
		want   string
	}{{
		name:   "IPv4 primary, a backend of one family, a port without endpoints",
		svc:    service(ipv4First, "postgres", "metrics", "admin"),
		slices: dbSlices(),
		want: head + text(
			"Port:                     postgres  5432/TCP",
			"TargetPort:               postgres/TCP",
			"Endpoints:                {10.244.1.8:5432,[fd00:10:244:1::8]:5432}",
			"                          {10.244.2.8:5432}",
			"                          (1 of 2 backends have an address of one family only)",
			"Port:                     metrics  9187/TCP",
			"TargetPort:               9187/TCP",
			"Endpoints:                {10.244.1.8:9187,[fd00:10:244:1::8]:9187}",
			"                          {10.244.2.8:9187}",
			"                          (1 of 2 backends have an address of one family only)",
			"Port:                     admin  8000/TCP",
			"TargetPort:               8000/TCP",
			"Endpoints:                <none>",
		) + tail,
	}, {
		name:   "IPv6 primary: pairs in the Service's family order",
		svc:    service(ipv6First, "postgres", "metrics", "admin"),
		slices: dbSlices(),
		want: head + text(
			"Port:                     postgres  5432/TCP",
			"TargetPort:               postgres/TCP",
			"Endpoints:                {[fd00:10:244:1::8]:5432,10.244.1.8:5432}",
			"                          {10.244.2.8:5432}",
			"                          (1 of 2 backends have an address of one family only)",
			"Port:                     metrics  9187/TCP",
			"TargetPort:               9187/TCP",
			"Endpoints:                {[fd00:10:244:1::8]:9187,10.244.1.8:9187}",
			"                          {10.244.2.8:9187}",
			"                          (1 of 2 backends have an address of one family only)",
			"Port:                     admin  8000/TCP",
			"TargetPort:               8000/TCP",
			"Endpoints:                <none>",
		) + tail,
	}, {
		name:   "single-stack: no count of one-family backends",
		svc:    service(ipv4Only, "postgres", "metrics", "admin"),
		slices: dbSlices()[1:],
		want: head + text(
			"Port:                     postgres  5432/TCP",
			"TargetPort:               postgres/TCP",
			"Endpoints:                {10.244.1.8:5432}",
			"                          {10.244.2.8:5432}",
			"Port:                     metrics  9187/TCP",
			"TargetPort:               9187/TCP",
			"Endpoints:                {10.244.1.8:9187}",
			"                          {10.244.2.8:9187}",
			"Port:                     admin  8000/TCP",
			"TargetPort:               8000/TCP",
			"Endpoints:                <none>",
		) + tail,
	}, {
		name: "no EndpointSlices",
		svc:  service(ipv4First, "postgres", "metrics", "admin"),
		want: head + text(
			"Port:                     postgres  5432/TCP",
			"TargetPort:               postgres/TCP",
			"Endpoints:                <none>",
			"Port:                     metrics  9187/TCP",
			"TargetPort:               9187/TCP",
			"Endpoints:                <none>",
			"Port:                     admin  8000/TCP",
			"TargetPort:               8000/TCP",
			"Endpoints:                <none>",
		) + tail,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRewrite(t, rewriteService(in, tt.svc, tt.slices), tt.want)
		})
	}
}

func TestRewriteServiceWithoutPorts(t *testing.T) {
	// ExternalName: no ports, so no Endpoints lines to rewrite.
	externalName := text(
		"Name:              docs",
		"Namespace:         default",
		"Type:              ExternalName",
		"IP Families:       <none>",
		"IP:                ",
		"IPs:               <none>",
		"External Name:     docs.example.com",
		"Session Affinity:  None",
		"Events:            <none>",
	)
	svc := &corev1.Service{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName}}
	checkRewrite(t, rewriteService(externalName, svc, nil), externalName)

	// A headless Service without ports has slices without ports: still no
	// Endpoints line.
	headless := text(
		"Name:                     peers",
		"IP:                       None",
		"IPs:                      None",
		"Session Affinity:         None",
		"Internal Traffic Policy:  Cluster",
	)
	slices := []discoveryv1.EndpointSlice{endpointSlice(discoveryv1.AddressTypeIPv4, nil, ep("10.244.1.5", "peer-0", true))}
	checkRewrite(t, rewriteService(headless, service(ipv4First), slices), headless)
}

func TestRewriteNode(t *testing.T) {
	addresses := func(ips ...string) []corev1.NodeAddress {
		var out []corev1.NodeAddress
		for _, ip := range ips {
			out = append(out, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: ip})
		}
		return append(out, corev1.NodeAddress{Type: corev1.NodeHostName, Address: "worker-1"})
	}
	node := func(ips ...string) *corev1.Node {
		return &corev1.Node{
			Spec:   corev1.NodeSpec{PodCIDR: "10.244.1.0/24", PodCIDRs: []string{"10.244.1.0/24", "fd00:10:244:1::/64"}},
			Status: corev1.NodeStatus{Addresses: addresses(ips...)},
		}
	}
	withCIDRs := text(
		"Name:               worker-1",
		"Addresses:",
		"  InternalIP:  192.168.10.11",
		"  InternalIP:  fd00:10::11",
		"  Hostname:    worker-1",
		"System Info:",
		"  Kernel Version:             6.8.0-88-generic",
		"  Kubelet Version:            v1.37.0",
		"PodCIDR:                      10.244.1.0/24",
		"PodCIDRs:                     10.244.1.0/24,fd00:10:244:1::/64",
		"ProviderID:                   kind://docker/kind/worker-1",
		"Non-terminated Pods:          (0 in total)",
	)
	withoutCIDRs := text(
		"Name:               worker-1",
		"Addresses:",
		"  InternalIP:  192.168.10.11",
		"  Hostname:    worker-1",
		"System Info:",
		"  Kernel Version:             6.8.0-88-generic",
		"Non-terminated Pods:          (0 in total)",
	)
	tests := []struct {
		name string
		in   string
		node *corev1.Node
		want string
	}{{
		name: "IPv4 primary, after the pod CIDRs",
		in:   withCIDRs,
		node: node("192.168.10.11", "fd00:10::11"),
		want: text(
			"Name:               worker-1",
			"Addresses:",
			"  InternalIP:  192.168.10.11",
			"  InternalIP:  fd00:10::11",
			"  Hostname:    worker-1",
			"System Info:",
			"  Kernel Version:             6.8.0-88-generic",
			"  Kubelet Version:            v1.37.0",
			"PodCIDR:                      10.244.1.0/24",
			"PodCIDRs:                     10.244.1.0/24,fd00:10:244:1::/64",
			"Primary IP Family:            IPv4",
			"ProviderID:                   kind://docker/kind/worker-1",
			"Non-terminated Pods:          (0 in total)",
		),
	}, {
		name: "IPv6 primary: the first InternalIP's family",
		in:   withCIDRs,
		node: node("fd00:10::11", "192.168.10.11"),
		want: strings.Replace(withCIDRs, "ProviderID:", "Primary IP Family:            IPv6\nProviderID:", 1),
	}, {
		name: "PodCIDR only (no PodCIDRs line)",
		in:   text("Name:      worker-1", "PodCIDR:  10.244.1.0/24", "Events:   <none>"),
		node: node("192.168.10.11"),
		want: text("Name:      worker-1", "PodCIDR:  10.244.1.0/24", "Primary IP Family:  IPv4", "Events:   <none>"),
	}, {
		name: "no pod CIDRs: after the addresses",
		in:   withoutCIDRs,
		node: node("192.168.10.11"),
		want: text(
			"Name:               worker-1",
			"Addresses:",
			"  InternalIP:  192.168.10.11",
			"  Hostname:    worker-1",
			"Primary IP Family:  IPv4",
			"System Info:",
			"  Kernel Version:             6.8.0-88-generic",
			"Non-terminated Pods:          (0 in total)",
		),
	}, {
		name: "no InternalIP",
		in:   withoutCIDRs,
		node: &corev1.Node{},
		want: strings.Replace(withoutCIDRs, "System Info:", "Primary IP Family:  <none>\nSystem Info:", 1),
	}, {
		name: "neither pod CIDRs nor addresses: unchanged",
		in:   text("Name:  worker-1", "Events:  <none>"),
		node: node("192.168.10.11"),
		want: text("Name:  worker-1", "Events:  <none>"),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRewrite(t, rewriteNode(tt.in, tt.node), tt.want)
		})
	}
}

func TestRewriteEndpoints(t *testing.T) {
	head := text(
		"Name:         web",
		"Namespace:    default",
		"Labels:       app=web",
		"Annotations:  <none>",
	)
	subsets := text(
		"Subsets:",
		"  Addresses:          10.244.1.5,10.244.1.6",
		"  NotReadyAddresses:  10.244.2.6",
		"  Ports:",
		"    Name   Port  Protocol",
		"    ----   ----  --------",
		"    https  8443  TCP",
		"    http   8080  TCP",
		"",
	)
	ports := []slicePort{{"http", 8080}, {"https", 8443}}
	webSlices := []discoveryv1.EndpointSlice{
		endpointSlice(discoveryv1.AddressTypeIPv4, ports, ep("10.244.2.6", "web-c", false), ep("10.244.1.6", "web-b", true), ep("10.244.1.5", "web-a", true)),
		endpointSlice(discoveryv1.AddressTypeIPv6, ports, ep("fd00:10:244:1::5", "web-a", true), ep("fd00:10:244:2::6", "web-c", false)),
	}
	tests := []struct {
		name   string
		in     string
		svc    *corev1.Service
		slices []discoveryv1.EndpointSlice
		want   string
	}{{
		name:   "the Service's port order, not ready ones marked, then events",
		in:     head + subsets + "Events:  <none>\n",
		svc:    service(ipv4First, "https", "http"),
		slices: webSlices,
		want: head + text(
			"Ports:",
			"  Port:       https  8443/TCP",
			"  Endpoints:  {10.244.1.5:8443,[fd00:10:244:1::5]:8443}",
			"              {10.244.1.6:8443}",
			"              {10.244.2.6:8443,[fd00:10:244:2::6]:8443} (not ready)",
			"              (1 of 3 backends have an address of one family only)",
			"  Port:       http  8080/TCP",
			"  Endpoints:  {10.244.1.5:8080,[fd00:10:244:1::5]:8080}",
			"              {10.244.1.6:8080}",
			"              {10.244.2.6:8080,[fd00:10:244:2::6]:8080} (not ready)",
			"              (1 of 3 backends have an address of one family only)",
			"",
			"Events:  <none>",
		),
	}, {
		name:   "IPv6 primary, no events",
		in:     head + subsets,
		svc:    service(ipv6First, "http", "https"),
		slices: webSlices,
		want: head + text(
			"Ports:",
			"  Port:       http  8080/TCP",
			"  Endpoints:  {[fd00:10:244:1::5]:8080,10.244.1.5:8080}",
			"              {10.244.1.6:8080}",
			"              {[fd00:10:244:2::6]:8080,10.244.2.6:8080} (not ready)",
			"              (1 of 3 backends have an address of one family only)",
			"  Port:       https  8443/TCP",
			"  Endpoints:  {[fd00:10:244:1::5]:8443,10.244.1.5:8443}",
			"              {10.244.1.6:8443}",
			"              {[fd00:10:244:2::6]:8443,10.244.2.6:8443} (not ready)",
			"              (1 of 3 backends have an address of one family only)",
		),
	}, {
		name:   "no Service: IPv4 first, ports by name, no count",
		in:     head + subsets,
		svc:    &corev1.Service{},
		slices: webSlices,
		want: head + text(
			"Ports:",
			"  Port:       http  8080/TCP",
			"  Endpoints:  {10.244.1.5:8080,[fd00:10:244:1::5]:8080}",
			"              {10.244.1.6:8080}",
			"              {10.244.2.6:8080,[fd00:10:244:2::6]:8080} (not ready)",
			"  Port:       https  8443/TCP",
			"  Endpoints:  {10.244.1.5:8443,[fd00:10:244:1::5]:8443}",
			"              {10.244.1.6:8443}",
			"              {10.244.2.6:8443,[fd00:10:244:2::6]:8443} (not ready)",
		),
	}, {
		name: "no EndpointSlices, no subsets",
		in:   head + text("Subsets:", "Events:  <none>"),
		svc:  service(ipv4First, "http"),
		want: head + text("Ports:  <none>", "", "Events:  <none>"),
	}, {
		name:   "no Subsets line: unchanged",
		in:     head,
		svc:    service(ipv4First, "http"),
		slices: webSlices,
		want:   head,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRewrite(t, rewriteEndpoints(tt.in, tt.svc, tt.slices), tt.want)
		})
	}
}

func TestValueOffset(t *testing.T) {
	tests := []struct {
		line string
		want int
	}{
		{"IP:           10.244.1.5", 14},
		{"Endpoints:                ", 26}, // an empty value: the column is still padded
		{"  Port:       http  8080/TCP", 14},
		{"IPs:", 4},
		{"Start Time:   Wed, 18 Nov 2026 09:00:00 +0000", 14}, // colons in the value do not count
		{"no colon", 0},
		{"", 0},
	}
	for _, tt := range tests {
		if got := valueOffset(tt.line); got != tt.want {
			t.Errorf("valueOffset(%q) = %d, want %d", tt.line, got, tt.want)
		}
	}
}

func TestField(t *testing.T) {
	tests := []struct {
		label  string
		offset int
		value  string
		want   string
	}{
		{"IPs:", 14, "10.244.1.5,fd00::5", "IPs:          10.244.1.5,fd00::5"},
		{"Primary IP Family:", 30, "IPv4", "Primary IP Family:            IPv4"},
		// A label as wide as the column, or wider: two spaces, as kubectl's tabwriter pads.
		{"Primary IP Family:", 14, "IPv6", "Primary IP Family:  IPv6"},
		{"Host IPs:", 11, "a,b", "Host IPs:  a,b"},
		// A continuation line: the value under the first.
		{"", 14, "{10.244.1.6:8080}", "              {10.244.1.6:8080}"},
		{"", 0, "x", "x"},
	}
	for _, tt := range tests {
		if got := field(tt.label, tt.offset, tt.value); got != tt.want {
			t.Errorf("field(%q, %d, %q) = %q, want %q", tt.label, tt.offset, tt.value, got, tt.want)
		}
	}
}
