package edit

// kubeProxyConfig edits a KubeProxyConfiguration's clusterCIDR, "a
// comma-separated list of CIDRs" for dual-stack (k8s.io/kube-proxy
// config/v1alpha1 types.go). Empty, it is left so: kube-proxy then
// detects local traffic without it, and kubeadm fills it from its
// podSubnet.
func (d *doc) kubeProxyConfig() {
	if n := lookup(d.root, "clusterCIDR"); scalar(n) != "" {
		d.setScalar(n, str(d.target.pods()))
	}
}
