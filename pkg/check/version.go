package check

import "k8s.io/apimachinery/pkg/util/version"

// NewestVersion is the newest Kubernetes version the rules know: what they
// assume when nothing names a version, or only a version that is no
// release.
const NewestVersion = "v1.37.0"

// releaseVersion parses a Kubernetes release version (v1.37.0, or a
// pre-release such as v1.38.0-alpha.1). A development build's version,
// v0.0.0-master+$Format:%H$ (no version stamped in), is none: rules that
// took it for v0.0.0 would apply the oldest behaviour.
func releaseVersion(s string) (*version.Version, bool) {
	v, err := version.ParseGeneric(s)
	if err != nil || v.Major() == 0 {
		return nil, false
	}
	return v, true
}

// IsRelease says whether s is a Kubernetes release version.
func IsRelease(s string) bool {
	_, ok := releaseVersion(s)
	return ok
}
