package localcluster

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestLayouts(t *testing.T) {
	tests := []struct {
		layout                 Layout
		services, clusterCIDRs string
		node1                  []string
		advertise              string
		maskArgs               []string
	}{
		{DualStackIPv4Primary, "10.96.0.0/16,fd00:10:96::/112", "10.244.0.0/16,fd00:10:244::/56",
			[]string{"172.18.0.2", "fc00:f853:ccd:e793::2"}, "172.18.0.1",
			[]string{"--node-cidr-mask-size-ipv4=24", "--node-cidr-mask-size-ipv6=64"}},
		{DualStackIPv6Primary, "fd00:10:96::/112,10.96.0.0/16", "fd00:10:244::/56,10.244.0.0/16",
			[]string{"fc00:f853:ccd:e793::2", "172.18.0.2"}, "fc00:f853:ccd:e793::1",
			[]string{"--node-cidr-mask-size-ipv6=64", "--node-cidr-mask-size-ipv4=24"}},
		{SingleStackIPv4, "10.96.0.0/16", "10.244.0.0/16", []string{"172.18.0.2"}, "172.18.0.1",
			[]string{"--node-cidr-mask-size-ipv4=24"}},
		{SingleStackIPv6, "fd00:10:96::/112", "fd00:10:244::/56", []string{"fc00:f853:ccd:e793::2"}, "fc00:f853:ccd:e793::1",
			[]string{"--node-cidr-mask-size-ipv6=64"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.layout), func(t *testing.T) {
			l := tt.layout
			if got := l.ServiceCIDRs(); got != tt.services {
				t.Errorf("ServiceCIDRs = %s, want %s", got, tt.services)
			}
			if got := l.ClusterCIDRs(); got != tt.clusterCIDRs {
				t.Errorf("ClusterCIDRs = %s, want %s", got, tt.clusterCIDRs)
			}
			if got := l.NodeIPs(1); !slices.Equal(got, tt.node1) {
				t.Errorf("NodeIPs(1) = %v, want %v", got, tt.node1)
			}
			if got := l.AdvertiseAddress(); got != tt.advertise {
				t.Errorf("AdvertiseAddress = %s, want %s", got, tt.advertise)
			}
			if got := l.nodeMaskArgs(); !slices.Equal(got, tt.maskArgs) {
				t.Errorf("nodeMaskArgs = %v, want %v", got, tt.maskArgs)
			}
			// The apiserver refuses an advertise address of another family
			// than the primary service range (validatePublicIPServiceClusterIPRangeIPFamilies).
			primary := netip.MustParsePrefix(strings.Split(l.ServiceCIDRs(), ",")[0])
			if netip.MustParseAddr(l.AdvertiseAddress()).Is4() != primary.Addr().Is4() {
				t.Errorf("advertise address %s is not of the primary service family %s", l.AdvertiseAddress(), primary)
			}
			if got, err := ParseLayout(string(l)); err != nil || got != l {
				t.Errorf("ParseLayout(%q) = %v, %v", l, got, err)
			}
		})
	}
	if _, err := ParseLayout("dual"); err == nil || !strings.Contains(err.Error(), "dual-ipv4, dual-ipv6, ipv4, ipv6") {
		t.Errorf("ParseLayout(dual) error = %v, want the list of layouts", err)
	}
}

func TestNodeIPsAreDistinct(t *testing.T) {
	seen := map[string]bool{DualStackIPv4Primary.AdvertiseAddress(): true}
	for n := 1; n <= 100; n++ {
		for _, ip := range DualStackIPv4Primary.NodeIPs(n) {
			if seen[ip] {
				t.Fatalf("node %d reuses %s", n, ip)
			}
			seen[ip] = true
		}
	}
	if fams := DualStackIPv6Primary.IPFamilies(); !slices.Equal(fams, []corev1.IPFamily{corev1.IPv6Protocol, corev1.IPv4Protocol}) {
		t.Errorf("IPv6-primary families = %v", fams)
	}
}
