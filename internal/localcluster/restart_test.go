package localcluster

import (
	"context"
	"strings"
	"testing"
)

// ReregisterNode refuses, before any request, what kubelet would not start
// with; the successful path runs in test/e2e (TestReregisterNodeDualStack).
func TestReregisterNodeRefuses(t *testing.T) {
	c := &Cluster{agent: &nodeAgent{nodes: 2}}
	for _, tt := range []struct {
		node string
		ips  []string
		want string
	}{
		{"node-3", []string{"172.18.0.4"}, `no node "node-3"`},
		{"node-1", []string{"172.18.0.300"}, `could not parse "172.18.0.300"`},
		{"node-1", []string{"172.18.0.2", "172.18.0.3"}, "dual-stack pair"},
		{"node-1", []string{"172.18.0.2", "fc00::2", "fc00::3"}, "dual-stack pair"},
		{"node-1", nil, "single IP"},
	} {
		err := c.ReregisterNode(context.Background(), tt.node, tt.ips)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReregisterNode(%s, %v) = %v, want an error with %q", tt.node, tt.ips, err, tt.want)
		}
	}
	for _, ips := range [][]string{{"172.18.0.2"}, {"fc00::2"}, {"fc00::2", "172.18.0.2"}} {
		if err := validateNodeIPs(ips); err != nil {
			t.Errorf("validateNodeIPs(%v) = %v", ips, err)
		}
	}
}
