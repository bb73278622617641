package check

import (
	"slices"
	"testing"
)

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
		if got := flagSubject(tc.c, "advertise-address"); got != tc.want {
			t.Errorf("subject %q, want %q", got, tc.want)
		}
	}
	// The source of an unset flag names the component.
	if at := flagAt(cpAPIServer(nil), "advertise-address", ""); at.Source != "pod kube-system/kube-apiserver-cp1 (--advertise-address unset)" {
		t.Errorf("source %q", at.Source)
	}
}

// A failure about an API object that names no source says which object
// and field were read; other findings keep theirs.
func TestObjectSource(t *testing.T) {
	rules := []Rule{{
		ID: "pods-x", Area: AreaPods, Severity: Warning,
		Check: func(_ *Facts, r *Reporter) {
			r.Fail("pod/demo/web status.podIPs", Setting{}, "one family")
			r.Fail("pod/demo/db status.podIPs", Setting{Source: "pod demo/db, by its node"}, "one family")
		},
	}, {
		ID: "apiserver-x", Area: AreaAPIServer, Severity: Error,
		Check: func(_ *Facts, r *Reporter) { r.Fail("kube-apiserver --x", Setting{}, "bad") },
	}, {
		ID: "nodes-x", Area: AreaNodes, Severity: Error,
		Check: func(_ *Facts, r *Reporter) { r.Skip("nodes", "forbidden") },
	}}
	findings, err := Run(&Facts{}, rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fd := range findings {
		got = append(got, fd.Source)
	}
	want := []string{"API object pod/demo/web status.podIPs", "pod demo/db, by its node", "", ""}
	if !slices.Equal(got, want) {
		t.Errorf("sources %q, want %q", got, want)
	}
}
