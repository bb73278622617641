package check

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/version"
)

// flagValue is a flag's value, "" when unset.
func flagValue(c Component, flag string) string {
	s, _ := c.Setting(flag)
	return s.Value
}

// componentVersion is the Kubernetes version a component runs: its image tag when
// that is a release, else the server's version; nil when neither is known.
func componentVersion(c Component, serverVersion string) *version.Version {
	for _, s := range []string{c.Version, serverVersion} {
		if v, ok := releaseVersion(s); ok {
			return v
		}
	}
	return nil
}

// featureGates reads a component's --feature-gates (Name=bool,...).
func featureGates(c Component) map[string]bool {
	out := map[string]bool{}
	for _, kv := range strings.Split(flagValue(c, "feature-gates"), ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			out[strings.TrimSpace(k)] = b
		}
	}
	return out
}

// findService finds a Service by namespace and name.
func findService(f *Facts, namespace, name string) *corev1.Service {
	for i := range f.Services {
		if s := &f.Services[i]; s.Namespace == namespace && s.Name == name {
			return s
		}
	}
	return nil
}

// The scopes of the rules about one component: when the facts hold no
// instance of it, there is nothing to check.
var (
	apiServers         = instancesOf(APIServer, "no kube-apiserver instance found")
	controllerManagers = instancesOf(ControllerManager, "no kube-controller-manager instance found")
	kubeProxies        = instancesOf(KubeProxy, "no kube-proxy configuration found")
	kubeadmConfig      = scopeOf("kubeadm", "no kubeadm ClusterConfiguration (not a kubeadm cluster)", func(f *Facts) bool { return f.Kubeadm != nil })
)

func instancesOf(kind, none string) *Scope {
	return scopeOf(kind, none, func(f *Facts) bool { return len(f.ComponentsOf(kind)) > 0 })
}

// scopeOf is the Scope of the rules about subject (a component, a
// distribution's configuration): when has says the facts hold none of it,
// none says so.
func scopeOf(subject, none string, has func(*Facts) bool) *Scope {
	return &Scope{Subject: subject, Empty: func(f *Facts) string {
		if has(f) {
			return ""
		}
		return none
	}}
}
