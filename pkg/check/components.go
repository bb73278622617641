package check

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/version"
)

// cpValue is a flag's value, "" when unset.
func cpValue(c Component, flag string) string {
	s, _ := c.Setting(flag)
	return s.Value
}

// cpVersion is the Kubernetes version a component runs: its image tag when
// that parses, else the server's version; nil when neither is known.
func cpVersion(c Component, serverVersion string) *version.Version {
	for _, s := range []string{c.Version, serverVersion} {
		if v, err := version.ParseGeneric(s); err == nil {
			return v
		}
	}
	return nil
}

// cpFeatureGates reads a component's --feature-gates (Name=bool,...).
func cpFeatureGates(c Component) map[string]bool {
	out := map[string]bool{}
	for _, kv := range strings.Split(cpValue(c, "feature-gates"), ",") {
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

// cpFindService finds a Service by namespace and name.
func cpFindService(f *Facts, namespace, name string) *corev1.Service {
	for i := range f.Services {
		if s := &f.Services[i]; s.Namespace == namespace && s.Name == name {
			return s
		}
	}
	return nil
}

// cpNothing reports a pass that says there was nothing to check.
func cpNothing(r *Reporter, subject, format string, args ...any) {
	r.Pass(subject, Setting{}, format, args...)
}

// cpUnavailable joins why the given sources could not be read, "" when
// all were.
func cpUnavailable(f *Facts, sources ...string) string {
	var reasons []string
	for _, s := range sources {
		if reason, ok := f.Unavailable[s]; ok {
			reasons = append(reasons, s+": "+reason)
		}
	}
	return strings.Join(reasons, "; ")
}
