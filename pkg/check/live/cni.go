package live

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// The Calico resources the gatherer lists. Calico keeps IPPools as
// crd.projectcalico.org/v1 objects, which its API server shows as
// projectcalico.org/v3; since v3.32 it can keep them as projectcalico.org/v3
// CRDs instead. v1 is read first: it needs no aggregated API server.
var (
	calicoIPPoolsV1    = schema.GroupVersionResource{Group: "crd.projectcalico.org", Version: "v1", Resource: "ippools"}
	calicoIPPoolsV3    = schema.GroupVersionResource{Group: "projectcalico.org", Version: "v3", Resource: "ippools"}
	tigeraInstallation = schema.GroupVersionResource{Group: "operator.tigera.io", Version: "v1", Resource: "installations"}
)

// flannelConfigMaps are where flannel's net-conf.json is kept: by
// kube-flannel.yml in kube-flannel-cfg (namespace kube-flannel since
// flannel v0.20, kube-system before); by Canal, flannel networking under
// Calico's policy, in canal-config (RKE2's chart: rke2-canal-config).
var flannelConfigMaps = []struct{ namespace, name string }{
	{"kube-flannel", "kube-flannel-cfg"}, {metav1.NamespaceSystem, "kube-flannel-cfg"},
	{metav1.NamespaceSystem, "canal-config"}, {metav1.NamespaceSystem, "rke2-canal-config"},
}

// cni reads the network plugin's own configuration: Cilium's and
// flannel's ConfigMaps, Calico's IPPools and the Tigera operator's
// Installation. A ConfigMap not found or a resource not served is a
// plugin that is not there; anything else makes the source unavailable.
func (s *gathering) cni(ctx context.Context) {
	cilium := s.ciliumConfig(ctx)
	calico := s.calico(ctx)
	flannel := s.flannelConfig(ctx)
	s.f.CNI = check.ChooseCNI(cilium, calico, flannel)
}

// configMap gets a ConfigMap; nil when it does not exist.
func (s *gathering) configMap(ctx context.Context, ns, name string) map[string]string {
	cm, err := s.Client.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		if !apierrors.IsNotFound(err) {
			s.unavailable(check.SourceCNI, err)
		}
		return nil
	}
	if cm.Data == nil {
		return map[string]string{}
	}
	return cm.Data
}

func (s *gathering) ciliumConfig(ctx context.Context) *check.CNI {
	data := s.configMap(ctx, metav1.NamespaceSystem, "cilium-config")
	if data == nil {
		return nil
	}
	return source.CiliumConfig(source.MapDocument(data, "ConfigMap kube-system/cilium-config", s.cniNote))
}

func (s *gathering) flannelConfig(ctx context.Context) *check.CNI {
	for _, cm := range flannelConfigMaps {
		data := s.configMap(ctx, cm.namespace, cm.name)
		if data == nil {
			continue
		}
		where := "ConfigMap " + cm.namespace + "/" + cm.name + " net-conf.json"
		d, err := source.TextDocument(data["net-conf.json"], where, s.cniNote)
		if err != nil {
			s.f.MarkUnavailable(check.SourceCNI, where+": "+err.Error())
			return nil
		}
		c := source.FlannelNetConf(d)
		c.Canal = strings.Contains(cm.name, "canal")
		return c
	}
	return nil
}

// calico reads the IPPools (v1, else v3) and the Installation; without
// one, the CNI configuration Calico's manifests install, for its IPAM.
func (s *gathering) calico(ctx context.Context) *check.CNI {
	var pools []check.CNIPool
	var poolsAt check.Setting
	from := ""
	for _, gvr := range []schema.GroupVersionResource{calicoIPPoolsV1, calicoIPPoolsV3} {
		docs, served := s.listObjects(ctx, gvr, "IPPool")
		if !served {
			continue
		}
		for _, d := range docs {
			if p, ok := source.CalicoIPPool(d); ok {
				pools = append(pools, p)
			}
		}
		if len(docs) > 0 {
			from = fmt.Sprintf("IPPool objects (%s)", gvr.GroupVersion())
			poolsAt = check.Setting{Source: from}
			break
		}
	}
	var inst *source.CalicoInstallation
	docs, _ := s.listObjects(ctx, tigeraInstallation, "Installation")
	for _, d := range docs {
		if name, _ := source.Scalar(d.Under(d.Root, "", "metadata.name")); name == "default" || inst == nil {
			i := source.ReadCalicoInstallation(d)
			inst = &i
		}
	}
	parts := source.CalicoParts{Pools: pools, PoolsAt: poolsAt, PoolsFrom: from, Installation: inst}
	if inst == nil && from != "" {
		if data := s.configMap(ctx, metav1.NamespaceSystem, "calico-config"); data != nil {
			if ipam, ok := source.CalicoManifestIPAM(data["cni_network_config"], check.Setting{Source: "ConfigMap kube-system/calico-config cni_network_config"}); ok {
				parts.ManifestIPAM = &ipam
			}
		}
	}
	return source.Calico(parts)
}

// listObjects lists a resource through the dynamic client, each object as
// a Document named "<kind> <name> (<group/version>)"; served is false
// when the server does not serve the resource (its CRD is not installed).
func (s *gathering) listObjects(ctx context.Context, gvr schema.GroupVersionResource, kind string) (docs []*source.Document, served bool) {
	if s.Dynamic == nil {
		s.f.MarkUnavailable(check.SourceCNI, "Calico objects not read: no dynamic client")
		return nil, false
	}
	opts := s.listOptions(s.ChunkSize)
	for {
		list, err := s.Dynamic.Resource(gvr).List(ctx, opts)
		switch {
		case apierrors.IsNotFound(err):
			return nil, false
		case err != nil:
			s.unavailable(check.SourceCNI, fmt.Errorf("list %s: %w", gvr.GroupResource(), err))
			return nil, false
		}
		for _, item := range list.Items {
			where := fmt.Sprintf("%s %s (%s)", kind, item.GetName(), gvr.GroupVersion())
			d, err := source.ObjectDocument(item.Object, where, s.cniNote)
			if err != nil {
				s.f.MarkUnavailable(check.SourceCNI, where+": "+err.Error())
				continue
			}
			docs = append(docs, d)
		}
		if list.GetContinue() == "" {
			return docs, true
		}
		opts.Continue = list.GetContinue()
	}
}

// cniNote makes a value of the wrong type in a plugin's configuration the
// reason the source is unavailable: the plugin refuses it too.
func (s *gathering) cniNote(n check.FileNote) {
	s.f.MarkUnavailable(check.SourceCNI, strings.TrimSpace(n.At.Source+": "+n.Message))
}
