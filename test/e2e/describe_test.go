package e2e

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	kubectldescribe "k8s.io/kubectl/pkg/describe"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// dualStackLines are the only lines `kubectl dualstack describe` may change
// in kubectl's describer output, per kind.
var dualStackLines = map[string]*regexp.Regexp{
	// kubectl's IPs: block (one `  IP:` line per address) becomes one line.
	"pods": regexp.MustCompile(`^(IPs:.*|  IP:\s+\S+|Host IPs:\s+\S+)$`),
	// Each port's flat Endpoints: line becomes the block of pairs.
	"services": regexp.MustCompile(`^(Endpoints:\s+.*|\s+\{.*\}( \(not ready\))?|\s+\(\d+ of \d+ backends have an address of one family only\))$`),
	"nodes":    regexp.MustCompile(`^Primary IP Family:\s+IPv[46]$`),
	// v1 Endpoints' Subsets: block becomes the pairs per port.
	"endpoints": regexp.MustCompile(`^(Subsets:|Ports:|  (Addresses|NotReadyAddresses|Ports):.*|    (Name|----|\S+)\s+.*|  (Port|Endpoints):\s+.*|\s+\{.*\}( \(not ready\))?|\s+\(\d+ of \d+ .*\)|)$`),
}

// TestDescribe compares the plugin's describe output with kubectl's
// describer (the same k8s.io/kubectl version) on the real cluster: equal
// line for line except the dual-stack lines, which the test shows.
func TestDescribe(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	for _, layout := range []localcluster.Layout{localcluster.DualStackIPv4Primary, localcluster.DualStackIPv6Primary} {
		t.Run(string(layout), func(t *testing.T) {
			c := startCluster(t, localcluster.Config{Layout: layout})
			client := kubernetes.NewForConfigOrDie(c.RESTConfig)
			kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "testdata", "demo"))
			createWebPod(t, client, "web-v4-only", map[string]string{localcluster.AnnotationIPFamilies: "IPv4"})
			waitForPodIPs(t, client, "demo", 5)
			waitForSlices(t, client, "demo", "web", 4)

			pods, err := client.CoreV1().Pods("demo").List(context.Background(), metav1.ListOptions{LabelSelector: "app=web"})
			if err != nil {
				t.Fatal(err)
			}
			quiet := rest.CopyConfig(c.RESTConfig)
			quiet.WarningHandler = rest.NoWarnings{}
			upstream := map[string]kubectldescribe.ResourceDescriber{
				"pods":      &kubectldescribe.PodDescriber{Interface: client},
				"services":  &kubectldescribe.ServiceDescriber{Interface: client},
				"nodes":     &kubectldescribe.NodeDescriber{Interface: client},
				"endpoints": &kubectldescribe.EndpointsDescriber{Interface: kubernetes.NewForConfigOrDie(quiet)},
			}
			for _, target := range []struct{ kind, ns, name string }{
				{"pods", "demo", pods.Items[0].Name},
				{"services", "demo", "web"},
				{"nodes", "", "node-1"},
				{"endpoints", "demo", "web"},
			} {
				theirs, err := upstream[target.kind].Describe(target.ns, target.name, kubectldescribe.DescriberSettings{ShowEvents: false, ChunkSize: 500})
				if err != nil {
					t.Fatal(err)
				}
				args := []string{"describe", target.kind, target.name, "--show-events=false", "--kubeconfig", c.Kubeconfig}
				if target.ns != "" {
					args = append(args, "-n", target.ns)
				}
				ours := run(t, filepath.Join(binDir(t), "kubectl-dualstack"), args...)
				removed, added := diffLines(maskTimes(theirs), maskTimes(ours))
				t.Logf("describe %s %s, lines changed from kubectl's describer:\n%s", target.kind, target.name, showDiff(removed, added))
				for _, l := range append(removed, added...) {
					if !dualStackLines[target.kind].MatchString(l) {
						t.Errorf("describe %s: line %q differs from kubectl's and is not a dual-stack line", target.kind, l)
					}
				}
				if len(added) == 0 {
					t.Errorf("describe %s: no dual-stack line was rewritten", target.kind)
				}
				if target.kind == "services" || target.kind == "endpoints" {
					checkDescribedEndpoints(t, client, ours)
				}
			}

			// Events are kubectl's: the scheduler's events of the pod appear.
			out := run(t, filepath.Join(binDir(t), "kubectl-dualstack"), "describe", "pod", pods.Items[0].Name, "-n", "demo", "--kubeconfig", c.Kubeconfig)
			if !strings.Contains(out, "Events:") || !strings.Contains(out, "Scheduled") {
				t.Errorf("describe pod shows no scheduler events:\n%s", out)
			}
		})
	}
}

// checkDescribedEndpoints: every ready address of the web Service's slices
// appears exactly once in the Endpoints: block, in its pod's pair.
func checkDescribedEndpoints(t *testing.T, client kubernetes.Interface, out string) {
	t.Helper()
	var table strings.Builder
	table.WriteString("NAMESPACE NAME ENDPOINTS AGE\n")
	first := true
	for _, line := range strings.Split(out, "\n") {
		for _, m := range regexp.MustCompile(`\{[^}]*\}`).FindAllString(line, -1) {
			if strings.HasSuffix(line, "(not ready)") {
				continue
			}
			if first {
				table.WriteString("demo web " + m + " 1s\n")
				first = false
			} else {
				table.WriteString("   " + m + "\n")
			}
		}
	}
	checkEndpointGroupsOf(t, client, "demo", "web", table.String())
}

// Ages and timestamps move between the two describe calls (a pod's age in
// the node's pod table ticks from 0s to 1s, a lease renews): mask them.
var (
	trailingAge = regexp.MustCompile(`(?m)\s\d+(d|h|m|s)(\d+(h|m|s))?$`)
	timestamp   = regexp.MustCompile(`[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}`)
)

func maskTimes(s string) string {
	s = trailingAge.ReplaceAllString(s, " <age>")
	return timestamp.ReplaceAllString(s, "<time>")
}

// diffLines returns the lines only in a and only in b, by a longest common
// subsequence of lines.
func diffLines(a, b string) (removed, added []string) {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			removed = append(removed, x[i])
			i++
		default:
			added = append(added, y[j])
			j++
		}
	}
	return append(removed, x[i:]...), append(added, y[j:]...)
}

func showDiff(removed, added []string) string {
	var b strings.Builder
	for _, l := range removed {
		b.WriteString("- " + l + "\n")
	}
	for _, l := range added {
		b.WriteString("+ " + l + "\n")
	}
	return b.String()
}
