package dualstack

import (
	"math"
	"net/netip"
	"testing"
)

// The sizes upstream's hostsPerNetwork gives (ipallocator_test.go
// Test_hostsPerNetwork), and 0 where the allocator refuses the range.
func TestServiceRangeSize(t *testing.T) {
	for _, tt := range []struct {
		cidr string
		want uint64
	}{
		{"10.96.0.0/16", 65534},
		{"192.168.1.0/24", 254},
		{"10.0.0.0/28", 14},
		{"10.0.0.0/30", 2},
		{"10.0.0.0/31", 0},
		{"10.0.0.0/32", 0},
		{"fd00:10:96::/112", 65535},
		{"fd00:10:97::/124", 15},
		{"2001:db8::/127", 1},
		{"2001:db8::/128", 0},
		{"2001:db8::/65", 1<<63 - 1},
		{"2001:db8::/64", math.MaxUint64},
		{"2001:db8::/48", 0}, // refused: shorter than /64
	} {
		if got := ServiceRangeSize(netip.MustParsePrefix(tt.cidr)); got != tt.want {
			t.Errorf("ServiceRangeSize(%s) = %d, want %d", tt.cidr, got, tt.want)
		}
	}
}

// pkg/api/servicecidr PrefixContainsIP's cases.
func TestInServiceRange(t *testing.T) {
	for _, tt := range []struct {
		cidr, ip string
		want     bool
	}{
		{"192.168.0.0/24", "192.168.0.0", false}, // network
		{"192.168.0.0/24", "192.168.0.1", true},
		{"192.168.0.0/24", "192.168.0.254", true},
		{"192.168.0.0/24", "192.168.0.255", false}, // broadcast
		{"192.168.0.0/24", "192.168.1.1", false},
		{"10.97.0.0/28", "10.97.0.15", false},
		{"10.97.0.0/28", "10.97.0.14", true},
		{"10.0.0.0/21", "10.0.7.255", false},
		{"10.0.0.0/21", "10.0.6.255", true},
		{"fd00::/120", "fd00::", false},
		{"fd00::/120", "fd00::ff", true}, // IPv6 has no broadcast
		{"fd00::/120", "fd00::100", false},
		{"fd00::/120", "192.168.0.1", false},
	} {
		if got := InServiceRange(netip.MustParsePrefix(tt.cidr), netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("InServiceRange(%s, %s) = %v, want %v", tt.cidr, tt.ip, got, tt.want)
		}
	}
}

func TestNodeRanges(t *testing.T) {
	for _, tt := range []struct {
		cidr string
		mask int
		want uint64
		ok   bool
	}{
		{"10.244.0.0/16", 24, 256, true},
		{"10.244.0.0/28", 30, 4, true},
		{"10.0.0.0/8", 8, 1, true},
		{"0.0.0.0/0", 32, 1 << 32, true},
		{"10.244.0.0/16", 15, 0, false},
		{"10.244.0.0/16", 33, 0, false},
		{"fd00:10:244::/56", 64, 256, true},
		{"fd00:10:244::/48", 64, 65536, true},
		{"fd00:10:244::/47", 64, 0, false}, // more than 16 bits apart
	} {
		got, ok := NodeRanges(netip.MustParsePrefix(tt.cidr), tt.mask)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NodeRanges(%s, %d) = %d, %v; want %d, %v", tt.cidr, tt.mask, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, tt := range []struct {
		used, size uint64
		want       string
		atLeast80  bool
	}{
		{12, 15, "80.0%", true},
		{13, 14, "92.8%", true}, // 92.857: rounded down
		{13, 14 * 100 / 80, "76.4%", false},
		{65533, 65534, "99.9%", true},
		{1003, math.MaxUint64, "0.0%", false},
		{4, 5, "80.0%", true},
		{79, 100, "79.0%", false},
	} {
		p, ok := UsedPermille(tt.used, tt.size)
		if got := FormatPercent(p); !ok || got != tt.want {
			t.Errorf("%d of %d: %s, want %s", tt.used, tt.size, got, tt.want)
		}
		if got := AtLeastPercent(tt.used, tt.size, 80); got != tt.atLeast80 {
			t.Errorf("AtLeastPercent(%d, %d, 80) = %v", tt.used, tt.size, got)
		}
	}
	if _, ok := UsedPermille(0, 0); ok || AtLeastPercent(0, 0, 80) {
		t.Error("an empty range has no percentage")
	}
}
