package live

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// A server's /version is the version rules assume when it is a release; a
// development build's is not one: the newest version is assumed, and the
// source says so and quotes what the server reported.
func TestGatherServerVersion(t *testing.T) {
	for _, tc := range []struct {
		gitVersion, want, source string
	}{
		{"v1.36.2", "v1.36.2", "the API server's /version"},
		{"v1.38.0-alpha.0.512+0123456789abcd", "v1.38.0-alpha.0.512+0123456789abcd", "the API server's /version"},
		{"v0.0.0-master+$Format:%H$", check.NewestVersion, `assumed: ` + check.NewestVersion + `, the newest version the checker knows (the API server's /version, "v0.0.0-master+$Format:%H$", is not a release version: a development build?)`},
		{"", check.NewestVersion, `assumed: ` + check.NewestVersion + `, the newest version the checker knows (the API server's /version, "", is not a release version: a development build?)`},
	} {
		client := fake.NewClientset()
		client.Discovery().(*fakediscovery.FakeDiscovery).FakedServerVersion = &version.Info{GitVersion: tc.gitVersion}
		f, err := Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if f.ServerVersion != tc.want || f.VersionSource != tc.source {
			t.Errorf("/version %q: assumed %q from %q, want %q from %q", tc.gitVersion, f.ServerVersion, f.VersionSource, tc.want, tc.source)
		}
		if !strings.HasPrefix(f.ServerVersion, "v1.") {
			t.Errorf("/version %q: rules assume %q", tc.gitVersion, f.ServerVersion)
		}
	}
}
