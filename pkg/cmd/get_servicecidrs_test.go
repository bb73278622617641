package cmd

import (
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

var serviceCIDRCases = []goldenCase{
	{name: "servicecidrs", args: []string{"get", "servicecidrs"}},
	{name: "servicecidrs-wide", args: []string{"get", "servicecidr", "-o", "wide"}},
	{name: "servicecidrs-sort-by-age", args: []string{"get", "servicecidrs", "--sort-by=.metadata.creationTimestamp", "--no-headers"}},
	{name: "servicecidrs-extra", args: []string{"get", "servicecidrs/extra", "-o", "wide"}},
	{name: "servicecidrs-name", args: []string{"get", "servicecidrs", "-o", "name"}},
	{name: "servicecidrs-extra-yaml", args: []string{"get", "servicecidr", "extra", "-o", "yaml"}},
	{name: "servicecidrs-custom-columns", args: []string{"get", "servicecidrs", "-o", "custom-columns=NAME:.metadata.name,CIDRS:.spec.cidrs"}},
	{name: "servicecidrs-not-found", args: []string{"get", "servicecidrs", "nope"}, failed: true},
	{name: "servicecidrs-watch", args: []string{"get", "servicecidrs", "-w"}, failed: true},
}

func TestGetServiceCIDRsGolden(t *testing.T) {
	useGoldenKubeconfig(t)
	objs := loadFixture(t, filepath.Join("..", "..", "testdata", "get", "servicecidrs.yaml"))
	for _, tc := range serviceCIDRCases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := executeGet(t, objs, true, tc.args...)
			wantCode := ExitOK
			if tc.failed {
				wantCode = ExitError
			}
			if code != wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, wantCode, stderr)
			}
			compareGolden(t, filepath.Join("..", "..", "testdata", "get", "golden", tc.name+".txt"), goldenText(stdout, stderr))
		})
	}
}

// The fixture could be a cluster: every IPAddress lies in a range of a
// ServiceCIDR, as the allocator counts it, and its family label is its
// address's.
func TestGetServiceCIDRsFixtureConsistent(t *testing.T) {
	var ranges []netip.Prefix
	var ips []*networkingv1.IPAddress
	for _, obj := range loadFixture(t, filepath.Join("..", "..", "testdata", "get", "servicecidrs.yaml")) {
		switch o := obj.(type) {
		case *networkingv1.ServiceCIDR:
			for _, c := range o.Spec.CIDRs {
				ranges = append(ranges, netip.MustParsePrefix(c))
			}
		case *networkingv1.IPAddress:
			ips = append(ips, o)
		}
	}
	for _, ip := range ips {
		addr := netip.MustParseAddr(ip.Name)
		if !slices.ContainsFunc(ranges, func(p netip.Prefix) bool { return dualstack.InServiceRange(p, addr) }) {
			t.Errorf("IPAddress %s is in no ServiceCIDR", ip.Name)
		}
		if got := ip.Labels[networkingv1.LabelIPAddressFamily]; got != string(dualstack.FamilyOf(ip.Name)) {
			t.Errorf("IPAddress %s labelled %s", ip.Name, got)
		}
	}
}

// The IPAddresses are listed in pages of --chunk-size; -o json reads none.
func TestGetServiceCIDRsPaging(t *testing.T) {
	useGoldenKubeconfig(t)
	objs := loadFixture(t, filepath.Join("..", "..", "testdata", "get", "servicecidrs.yaml"))
	for _, tt := range []struct {
		args  []string
		lists int
	}{
		{[]string{"get", "servicecidrs", "--chunk-size=7"}, 1},
		{[]string{"get", "servicecidrs", "-o", "json"}, 0},
	} {
		var limits []int64
		client := fake.NewClientset(objs...)
		client.PrependReactor("list", "ipaddresses", func(a k8stesting.Action) (bool, runtime.Object, error) {
			limits = append(limits, a.(k8stesting.ListActionImpl).ListOptions.Limit)
			return false, nil, nil
		})
		_, stderr, code := executeGetWith(t, client, nil, tt.args...)
		if code != ExitOK || len(limits) != tt.lists || (tt.lists > 0 && limits[0] != 7) {
			t.Errorf("%s: exit %d, IPAddress lists with limits %v; stderr %s", strings.Join(tt.args, " "), code, limits, stderr)
		}
	}
}
