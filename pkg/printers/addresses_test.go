package printers

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

func TestPublishedAddresses(t *testing.T) {
	for _, tc := range []struct {
		primary corev1.IPFamily
		values  []string
		want    string
	}{
		{corev1.IPv4Protocol, []string{"2001:db8::1", "lb.example.com", "203.0.113.1"}, "203.0.113.1,2001:db8::1,lb.example.com"},
		{corev1.IPv6Protocol, []string{"203.0.113.1", "203.0.113.2", "2001:db8::1"}, "2001:db8::1,203.0.113.1,203.0.113.2"},
		// Without the cluster's primary family, the first IP's leads.
		{"", []string{"lb.example.com", "2001:db8::1", "203.0.113.1", "2001:db8::2"}, "2001:db8::1,2001:db8::2,203.0.113.1,lb.example.com"},
		// Each address once; empty values dropped.
		{corev1.IPv4Protocol, []string{"203.0.113.1", "", "203.0.113.1", "a.example", "a.example"}, "203.0.113.1,a.example"},
		{corev1.IPv4Protocol, nil, ""},
	} {
		if got := (Tables{PrimaryFamily: tc.primary}).publishedAddresses(tc.values); got != tc.want {
			t.Errorf("%s %q: got %q, want %q", tc.primary, tc.values, got, tc.want)
		}
	}
}

// HOSTS and PORTS as kubectl's formatHosts and formatPorts print them.
func TestIngressHostsAndPorts(t *testing.T) {
	rules := func(hosts ...string) []networkingv1.IngressRule {
		var out []networkingv1.IngressRule
		for _, h := range hosts {
			out = append(out, networkingv1.IngressRule{Host: h})
		}
		return out
	}
	for _, tc := range []struct {
		rules []networkingv1.IngressRule
		want  string
	}{
		{nil, "*"},
		{rules(""), "*"},
		{rules("a", "b", "c"), "a,b,c"},
		{rules("a", "", "b", "c"), "a,b,c"},
		{rules("a", "b", "c", "d"), "a,b,c + 1 more..."},
		{rules("a", "b", "c", "", "d"), "a,b,c + 2 more..."},
	} {
		if got := ingressHosts(tc.rules); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.rules, got, tc.want)
		}
	}
	if ingressPorts(nil) != "80" || ingressPorts([]networkingv1.IngressTLS{{}}) != "80, 443" {
		t.Error("ports")
	}
}
