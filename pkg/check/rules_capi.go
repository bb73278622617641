package check

import (
	"net"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// capiRules are the Cluster API rules, in report order. The kubeadm
// configuration the kubeadm bootstrap provider generates from a Cluster
// and its KubeadmControlPlane is in Facts.Kubeadm: the kubeadm rules check
// it.
var capiRules = []Rule{capiCIDRBlocks, capiKubeadmNetworking}

// capiCluster scopes the Cluster API rules to a Cluster.
var capiCluster = scopeOf("capi", "no Cluster API Cluster (not a Cluster API cluster)", func(f *Facts) bool { return f.CAPI != nil && f.CAPI.Source != "" })

var capiCIDRBlocks = Rule{
	ID:        "capi-cidr-blocks",
	Area:      AreaCAPI,
	Title:     "Cluster API Cluster spec.clusterNetwork cidrBlocks are valid CIDRs",
	Severity:  Error,
	Reference: "kubernetes-sigs/cluster-api core/webhooks/admission/cluster.go (internal/webhooks/cluster.go up to v1.12) Cluster.validate, validateCIDRBlocks; https://cluster-api.sigs.k8s.io/tasks/bootstrap/kubeadm-bootstrap/",
	Why:       "Cluster API's Cluster webhook refuses a Cluster with a `spec.clusterNetwork.pods.cidrBlocks` or `services.cidrBlocks` entry that Go's net.ParseCIDR does not parse (\"spec.clusterNetwork.pods.cidrBlocks[0]: Invalid value: \\\"…\\\": invalid CIDR address: …\"). It checks nothing more of them: the kubeadm bootstrap provider joins each list with commas into kubeadm's `podSubnet` and `serviceSubnet`, and kubeadm's own validation (the kubeadm rules) decides whether their number, families and sizes make a cluster.",
	Fix:       "write each cidrBlocks entry as a CIDR (address/prefix length)",
	Scope:     capiCluster,
	Check:     checkCAPICIDRBlocks,
}

func checkCAPICIDRBlocks(f *Facts, r *Reporter) {
	c := f.CAPI
	for _, list := range []struct {
		path   *field.Path
		blocks []Setting
	}{
		{field.NewPath("spec", "clusterNetwork", "pods", "cidrBlocks"), c.Pods},
		{field.NewPath("spec", "clusterNetwork", "services", "cidrBlocks"), c.Services},
	} {
		for i, s := range list.blocks {
			if _, _, err := net.ParseCIDR(s.Value); err != nil {
				r.Fail("capi "+list.path.String(), s, "%s", field.Invalid(list.path.Index(i), s.Value, err.Error()))
			}
		}
	}
}

var capiKubeadmNetworking = Rule{
	ID:        "capi-kubeadm-networking",
	Area:      AreaCAPI,
	Title:     "An embedded kubeadm clusterConfiguration does not set networking the Cluster overrides",
	Severity:  Warning,
	Reference: "kubernetes-sigs/cluster-api docs/book/src/developer/providers/migrations/v1.10-to-v1.11.md; bootstrap/kubeadm/reconcilers/kubeadmconfig/kubeadmconfig_controller.go computeClusterConfigurationAndAdditionalData; https://cluster-api.sigs.k8s.io/tasks/bootstrap/kubeadm-bootstrap/",
	Why:       "The v1beta1 KubeadmConfigSpec's `clusterConfiguration.networking.podSubnet` and `serviceSubnet` are gone from v1beta2: \"The ClusterConfiguration fields could previously be used to overwrite the fields from Cluster, now we only use the fields from Cluster\" (Cluster API v1.11). A value that differs from the Cluster's `spec.clusterNetwork` cidrBlocks gives nodes of Cluster API v1.10 and earlier other ranges than those of v1.11 and later, and the docs warn that \"overriding above defaults could lead to broken Clusters\".",
	Fix:       "remove networking from the clusterConfiguration and set the ranges in the Cluster's spec.clusterNetwork.pods and .services cidrBlocks",
	Scope:     capiCluster,
	Check:     checkCAPIKubeadmNetworking,
}

func checkCAPIKubeadmNetworking(f *Facts, r *Reporter) {
	c := f.CAPI
	for _, x := range []struct {
		subnets []Setting
		blocks  []Setting
		name    string
	}{
		{c.PodSubnets, c.Pods, "pods"},
		{c.ServiceSubnets, c.Services, "services"},
	} {
		want := settingValues(x.blocks)
		shown := "unset"
		if len(want) > 0 {
			shown = strings.Join(want, ",")
		}
		for _, s := range x.subnets {
			if slices.Equal(normalizeCIDRs(splitList(s.Value)), normalizeCIDRs(want)) {
				continue
			}
			name := lastWord(s.Source)
			r.Fail("capi "+name, s, "%s is %s but the Cluster's spec.clusterNetwork.%s.cidrBlocks are %s (%s): Cluster API v1.11 and later use only the Cluster's, v1.10 and earlier this value", name, s.Value, x.name, shown, c.Source)
		}
	}
}

// lastWord is the last word of a setting's source: the field it names.
func lastWord(source string) string {
	return source[strings.LastIndex(source, " ")+1:]
}
