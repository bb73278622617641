package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

// setNodeArgs records a k3s or RKE2 command line on a node, as k3s's
// pkg/nodeconfig does (nil removes it).
func setNodeArgs(t *testing.T, client kubernetes.Interface, node, annotation string, args []string) {
	t.Helper()
	value := any(nil)
	if args != nil {
		data, err := json.Marshal(args)
		if err != nil {
			t.Fatal(err)
		}
		value = string(data)
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]any{annotation: value}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoreV1().Nodes().Patch(context.Background(), node, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}

// k3sServerArgs is a server's node-args as k3s records them: config.yaml
// merged in, `--flag=value` split in two, the token starred; the ranges
// are the flags given.
func k3sServerArgs(c *localcluster.Cluster, clusterCIDR, serviceCIDR string) []string {
	return []string{"server", "--cluster-init", "--token", "********",
		"--cluster-cidr", clusterCIDR, "--service-cidr", serviceCIDR,
		"--node-ip", strings.Join(c.Layout.NodeIPs(1), ","), "--flannel-ipv6-masq"}
}

// k3sAgentArgs is agent node-n's node-args.
func k3sAgentArgs(c *localcluster.Cluster, n int) []string {
	return []string{"agent", "--server", "https://" + c.Layout.AdvertiseAddress() + ":6443", "--token", "********",
		"--node-ip", strings.Join(c.Layout.NodeIPs(n), ",")}
}

// checkWant runs check and compares the failing rules (warning and error)
// and the exit code with what a step wants.
func checkWant(t *testing.T, c *localcluster.Cluster, want []string, wantCode int) report.Report {
	t.Helper()
	r, code := runCheck(t, c.Kubeconfig)
	t.Logf("summary %+v\n%s", r.Summary, describeFindings(r))
	if got := failing(r); !slices.Equal(got, want) || code != wantCode {
		t.Errorf("failing rules %v, exit %d; want %v, exit %d", got, code, want, wantCode)
	}
	return r
}

// findingOf is the one failing finding of a rule.
func findingOf(t *testing.T, r report.Report, id string) check.Finding {
	t.Helper()
	var found []check.Finding
	for _, f := range findingsOf(r, id) {
		if f.Result == check.Fail {
			found = append(found, f)
		}
	}
	if len(found) == 0 {
		t.Fatalf("no failing finding of %s", id)
	}
	return found[0]
}

// TestCheckK3sNodeArgs: a cluster with no control-plane pods and no
// kubeadm ConfigMaps. Before its nodes carry k3s.io/node-args it looks like
// a managed control plane: the pod families are inferred from the nodes'
// podCIDRs, and the report says so. Then, k3s-looking, the control-plane
// rules run on the annotations: when they match the running kube-apiserver
// and kube-controller-manager nothing fails; when they say another
// --cluster-cidr or --service-cidr, the findings set what the running
// components made (nodes' podCIDRs, ServiceCIDR kubernetes, Service
// default/kubernetes) against the annotation.
func TestCheckK3sNodeArgs(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{SkipKubeadmLook: true})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	waitForServiceSlices(t, client)

	t.Run("a hidden control plane", func(t *testing.T) {
		r := checkWant(t, c, nil, 0)
		inferred := findingsOf(r, "controller-manager-cluster-cidr-families")
		if len(inferred) != 1 || inferred[0].Result != check.Pass || inferred[0].Source != "inferred from 3 nodes' spec.podCIDRs" {
			t.Errorf("controller-manager-cluster-cidr-families %+v; want a pass on the families inferred from the 3 nodes' podCIDRs", inferred)
		}
		if r.Distribution != "" {
			t.Errorf("distribution %q (%s), want none", r.Distribution, r.DistributionSource)
		}
	})

	for n := 2; n <= 3; n++ {
		setNodeArgs(t, client, fmt.Sprintf("node-%d", n), "k3s.io/node-args", k3sAgentArgs(c, n))
	}

	t.Run("matching the running control plane", func(t *testing.T) {
		setNodeArgs(t, client, "node-1", "k3s.io/node-args", k3sServerArgs(c, c.Layout.ClusterCIDRs(), c.Layout.ServiceCIDRs()))
		r := checkWant(t, c, nil, 0)
		if r.Distribution != "k3s" || r.DistributionSource != "node node-1 annotation k3s.io/node-args" {
			t.Errorf("distribution %q (%s), want k3s from node-1's annotation", r.Distribution, r.DistributionSource)
		}
		if r.Summary.Skip > 0 {
			t.Errorf("%d rules skipped: the annotations stand for the control-plane pods", r.Summary.Skip)
		}
	})

	t.Run("--cluster-cidr other than the running controller-manager's", func(t *testing.T) {
		setNodeArgs(t, client, "node-1", "k3s.io/node-args", k3sServerArgs(c, "10.42.0.0/16,fd00:42::/56", c.Layout.ServiceCIDRs()))
		r := checkWant(t, c, []string{"nodes-pod-cidr-in-cluster-cidr"}, 1)
		f := findingOf(t, r, "nodes-pod-cidr-in-cluster-cidr")
		if f.Source != "node node-1 annotation k3s.io/node-args, --cluster-cidr" || !strings.Contains(f.Message, "is outside --cluster-cidr[0] 10.42.0.0/16") || !strings.Contains(f.Message, "10.244.") {
			t.Errorf("finding %s: %s [%s]; want the nodes' podCIDRs from 10.244.0.0/16 against the annotation's --cluster-cidr", f.Subject, f.Message, f.Source)
		}
	})

	t.Run("--service-cidr other than the running apiserver's", func(t *testing.T) {
		setNodeArgs(t, client, "node-1", "k3s.io/node-args", k3sServerArgs(c, c.Layout.ClusterCIDRs(), "10.43.0.0/16,fd00:43::/112"))
		r := checkWant(t, c, []string{"apiserver-kubernetes-service-ip", "servicecidr-default-matches-flags"}, 1)
		f := findingOf(t, r, "servicecidr-default-matches-flags")
		if f.Source != "node node-1 annotation k3s.io/node-args, --service-cidr" || !strings.Contains(f.Message, "The default ServiceCIDR ["+strings.ReplaceAll(c.Layout.ServiceCIDRs(), ",", " ")+"] does not match the controller flag configurations [10.43.0.0/16 fd00:43::/112]") {
			t.Errorf("finding %s: %s [%s]", f.Subject, f.Message, f.Source)
		}
	})
}

// TestCheckRKE2NodeArgs: RKE2 runs static control-plane pods and records
// rke2.io/node-args too (and has no kubeadm ConfigMaps); both are read.
// Annotations that match the mirror pods fail nothing; an annotation whose
// --service-cidr differs from the running kube-apiserver's makes the two
// instances disagree.
func TestCheckRKE2NodeArgs(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 2})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	waitForServiceSlices(t, client)
	for _, name := range []string{"kubeadm-config", "kube-proxy", "kubelet-config"} {
		if err := client.CoreV1().ConfigMaps("kube-system").Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	server := func(serviceCIDR string) []string {
		return []string{"server", "--cni", "calico", "--cluster-cidr", c.Layout.ClusterCIDRs(), "--service-cidr", serviceCIDR,
			"--node-ip", strings.Join(c.Layout.NodeIPs(1), ","), "--kube-controller-manager-arg", "node-cidr-mask-size-ipv6=64"}
	}

	t.Run("matching the mirror pods", func(t *testing.T) {
		setNodeArgs(t, client, "node-1", "rke2.io/node-args", server(c.Layout.ServiceCIDRs()))
		r := checkWant(t, c, nil, 0)
		if r.Distribution != "rke2" || r.Summary.Skip > 0 {
			t.Errorf("distribution %q (%s), %d skipped; want rke2 and none", r.Distribution, r.DistributionSource, r.Summary.Skip)
		}
	})

	t.Run("--service-cidr other than the running apiserver's", func(t *testing.T) {
		setNodeArgs(t, client, "node-1", "rke2.io/node-args", server("10.43.0.0/16,fd00:43::/112"))
		r := checkWant(t, c, []string{"apiserver-service-range-consistent", "controller-manager-service-range-matches-apiserver", "servicecidr-default-matches-flags"}, 1)
		f := findingOf(t, r, "apiserver-service-range-consistent")
		if !strings.Contains(f.Message, "kube-apiserver node-1 has --service-cluster-ip-range 10.43.0.0/16,fd00:43::/112 but kube-apiserver-node-1 has "+c.Layout.ServiceCIDRs()) ||
			f.Source != "node node-1 annotation rke2.io/node-args, --service-cidr" {
			t.Errorf("finding %s: %s [%s]; want the annotation's range against the mirror pod's", f.Subject, f.Message, f.Source)
		}
	})
}

// TestCheckKubeProxyDaemonSet: without the kube-proxy ConfigMap, check
// reads kube-proxy's flags from its DaemonSet.
func TestCheckKubeProxyDaemonSet(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	waitForServiceSlices(t, client)
	if err := client.CoreV1().ConfigMaps("kube-system").Delete(ctx, "kube-proxy", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"k8s-app": "kube-proxy"}
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy", Labels: labels},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "kube-proxy",
					Image: "registry.k8s.io/kube-proxy:" + serverVersion(t, client),
				}}},
			},
		},
	}
	apply := func(t *testing.T, clusterCIDR string) {
		t.Helper()
		ds.Spec.Template.Spec.Containers[0].Command = []string{"/usr/local/bin/kube-proxy", "--cluster-cidr=" + clusterCIDR, "--hostname-override=$(NODE_NAME)"}
		var err error
		if ds.ResourceVersion == "" {
			ds, err = client.AppsV1().DaemonSets("kube-system").Create(ctx, ds, metav1.CreateOptions{})
		} else {
			ds, err = client.AppsV1().DaemonSets("kube-system").Update(ctx, ds, metav1.UpdateOptions{})
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	t.Run("flags matching the controller-manager", func(t *testing.T) {
		apply(t, c.Layout.ClusterCIDRs())
		if r := checkWant(t, c, nil, 0); len(unexpectedSkips(t, c, r)) > 0 {
			t.Errorf("rules skipped: the DaemonSet stands for the ConfigMap: %v", unexpectedSkips(t, c, r))
		}
	})

	t.Run("--cluster-cidr missing the IPv6 range", func(t *testing.T) {
		apply(t, "10.244.0.0/16")
		r := checkWant(t, c, []string{"kube-proxy-cluster-cidr-matches"}, 0) // a warning
		if f := findingOf(t, r, "kube-proxy-cluster-cidr-matches"); f.Source != "DaemonSet kube-system/kube-proxy, arg --cluster-cidr" {
			t.Errorf("finding %s: %s [%s]", f.Subject, f.Message, f.Source)
		}
	})

	t.Run("as dualstack-viewer of deploy/rbac.yaml", func(t *testing.T) {
		kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "deploy", "rbac.yaml"))
		r, code := runCheck(t, serviceAccountKubeconfig(t, c, "kube-system", "dualstack-viewer", "default"))
		if got := failing(r); !slices.Equal(got, []string{"kube-proxy-cluster-cidr-matches"}) || code != 0 || len(unexpectedSkips(t, c, r)) > 0 {
			t.Errorf("exit %d, failing %v, skipped %v; want the DaemonSet read with the role's permissions:\n%s", code, got, unexpectedSkips(t, c, r), describeFindings(r))
		}
	})
}
