package check

import "testing"

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
