package live

import (
	"fmt"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// serverVersion is the version version-dependent rules assume for a
// server whose /version reports gitVersion, and where that came from: the
// server's own, or, for one that is no release (a development build
// reports v0.0.0-master+$Format:%H$), the newest the checker knows, said
// in the report as an assumption.
func serverVersion(gitVersion string) (version, from string) {
	if check.IsRelease(gitVersion) {
		return gitVersion, "the API server's /version"
	}
	return check.NewestVersion, fmt.Sprintf("%s%s, the newest version the checker knows (the API server's /version, %q, is not a release version: a development build?)", check.AssumedVersion, check.NewestVersion, gitVersion)
}
