package check

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseFlags: any command line parses without panicking, and every
// setting it yields names its flag.
func FuzzParseFlags(f *testing.F) {
	for _, seed := range []string{
		"kube-apiserver --service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112 --advertise-address 192.168.0.10",
		"kube-controller-manager --allocate-node-cidrs --cluster-cidr=10.244.0.0/16,fd00::/56 --node-cidr-mask-size-ipv6=64",
		"-- --= -x ---y=z",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		settings := ParseFlags(strings.Fields(line), "fuzz")
		for name, s := range settings {
			if !strings.Contains(s.Source, name) {
				t.Errorf("setting %q has source %q", name, s.Source)
			}
		}
	})
}

// FuzzRulesOnFlags runs every rule over control-plane components whose
// flag values are fuzzed: the rules' CIDR, IP, mask and list parsing must
// never panic, whatever a manifest says.
func FuzzRulesOnFlags(f *testing.F) {
	f.Add("10.96.0.0/16,fd00:10:96::/112", "10.244.0.0/16,fd00:10:244::/56", "24", "64", "192.168.0.10", "192.168.0.11,fd00:1::11", "v1.37.0")
	f.Add("fd00:10:96::/64", "10.244.0.0/16", "0", "", "::1", "10.0.0.1,10.0.0.2", "v1.30.2")
	f.Add("10.96.0.0/33,,", "::/0", "-1", "999999999999", "not-an-ip", ",", "garbage")
	f.Add("", "", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, services, pods, mask4, mask6, advertise, nodeIP, version string) {
		facts := cpCluster("dual4")
		facts.ServerVersion = version
		cpSet(facts, APIServer, "service-cluster-ip-range", services)
		cpSet(facts, APIServer, "advertise-address", advertise)
		cpSet(facts, ControllerManager, "cluster-cidr", pods)
		cpSet(facts, ControllerManager, "service-cluster-ip-range", services)
		cpSet(facts, ControllerManager, "node-cidr-mask-size-ipv4", mask4)
		cpSet(facts, ControllerManager, "node-cidr-mask-size-ipv6", mask6)
		cpSet(facts, KubeProxy, "cluster-cidr", pods)
		cpSet(facts, KubeProxy, "nodeport-addresses", services)
		cpSet(facts, Kubelet, "node-ip", nodeIP)
		cpSet(facts, Kubelet, "cluster-dns", advertise)
		facts.Kubeadm = cpKubeadmConfig(pods, services, map[string]string{"node-cidr-mask-size-ipv6": mask6})
		done := make(chan error, 1)
		go func() {
			_, err := Run(facts, Rules(), Options{})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second): // a hang is a bug too
			t.Fatalf("rules still running after 5s on services=%q pods=%q masks=%q,%q advertise=%q nodeIP=%q version=%q", services, pods, mask4, mask6, advertise, nodeIP, version)
		}
	})
}
