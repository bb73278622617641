package edit

// eksctlClusterConfig edits nothing: an EKS cluster keeps the family it
// was created with and has no dual-stack pods or Services.
func (d *doc) eksctlClusterConfig() {
	at := get(d.root, "kubernetesNetworkConfig.ipFamily")
	if at == nil {
		at = d.root
	}
	d.note(at, "not edited: EKS does not support dual-stack Pods or Services, and \"you can't change the family after you create the cluster\" (https://docs.aws.amazon.com/eks/latest/userguide/cni-ipv6.html)")
}
