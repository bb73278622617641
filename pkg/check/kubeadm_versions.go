package check

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/version"
)

// kubeadmAPISupport is what kubeadm releases do with one version of its
// configuration API (cmd/kubeadm/app/util/config/common.go
// validateSupportedVersion, and its history in the comment above it).
type kubeadmAPISupport struct {
	// deprecated and removed are the first kubeadm minor releases that
	// warn about the version and that refuse it (0: none).
	deprecated, removed uint
	// use is the kubeadm release v1.37's refusal names ("Please use
	// kubeadm v1.36 instead").
	use string
	// experimental: kubeadm v1.37 reads it only with
	// --allow-experimental-api.
	experimental bool
}

var kubeadmAPIVersions = map[string]kubeadmAPISupport{
	"kubeadm.k8s.io/v1alpha1": {removed: 12, use: "v1.11"},
	"kubeadm.k8s.io/v1alpha2": {removed: 13, use: "v1.12"},
	"kubeadm.k8s.io/v1alpha3": {removed: 15, use: "v1.14"},
	"kubeadm.k8s.io/v1beta1":  {removed: 22, use: "v1.15"},
	"kubeadm.k8s.io/v1beta2":  {deprecated: 22, removed: 27, use: "v1.22"},
	"kubeadm.k8s.io/v1beta3":  {deprecated: 31, removed: 37, use: "v1.36"},
	"kubeadm.k8s.io/v1beta4":  {},
	"kubeadm.k8s.io/v1":       {experimental: true},
}

// kubeadmSaysOf is what kubeadm v (its minor release) does with a
// document, in kubeadm v1.37's words: it refuses it (Error), warns about
// it (Warning), or takes it only when allowed (Info); "" when it takes it
// silently. since is the release that started to.
func kubeadmSaysOf(doc KubeadmDocument, v *version.Version) (sev Severity, since, says string) {
	api, known := kubeadmAPIVersions[doc.APIVersion]
	at := func(minor uint) bool { return minor > 0 && v.AtLeast(version.MajorMinor(1, minor)) }
	switch {
	case !known:
		return "", "", ""
	case at(api.removed):
		return Error, fmt.Sprintf("v1.%d", api.removed), fmt.Sprintf("your configuration file uses an old API spec: %q (kind: %q). Please use kubeadm %s instead and run 'kubeadm config migrate --old-config old-config-file --new-config new-config-file', which will write the new, similar spec using a newer API version.", doc.APIVersion, doc.Kind, api.use)
	case at(api.deprecated):
		return Warning, fmt.Sprintf("v1.%d", api.deprecated), fmt.Sprintf("your configuration file uses a deprecated API spec: %q (kind: %q). Please use 'kubeadm config migrate --old-config old-config-file --new-config new-config-file', which will write the new, similar spec using a newer API version.", doc.APIVersion, doc.Kind)
	case api.experimental:
		return Info, "v1.37", fmt.Sprintf("experimental API spec: %q (kind: %q) is not allowed. You can use the --allow-experimental-api flag if the command supports it.", doc.APIVersion, doc.Kind)
	}
	return "", "", ""
}
