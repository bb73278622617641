// Package report prints an audit's findings: as a table for people, or as
// JSON, YAML, JUnit XML or SARIF for programs (formats.go lists them), and
// the rule registry as the Markdown tables of --list-rules and the README.
package report

import (
	"cmp"
	"slices"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// Summary counts failing findings by severity, and passes, skips and
// exempt findings (failures about exempt objects, which fail nothing).
type Summary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
	Pass    int `json:"pass"`
	Skip    int `json:"skip"`
	Exempt  int `json:"exempt"`
}

// Report is what `check -o json|yaml` prints: the documented contract.
type Report struct {
	Summary  Summary         `json:"summary"`
	Findings []check.Finding `json:"findings"`
	// KubernetesVersion is the version version-dependent rules assumed,
	// and VersionSource where it came from (the server, an image tag,
	// --kubernetes-version, or an assumption).
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	VersionSource     string `json:"kubernetesVersionSource,omitempty"`
	// Inputs are the files an audit of files read, each with the input
	// format that read it ("unknown" when none did).
	Inputs []check.Input `json:"inputs,omitempty"`
	// Distribution names the cluster's distribution (k3s, rke2, eks, …)
	// and DistributionSource what told it; empty when nothing did.
	Distribution       string `json:"distribution,omitempty"`
	DistributionSource string `json:"distributionSource,omitempty"`
	// CNI names the network plugin and its IPAM mode ("calico, IPAM
	// calico-ipam"; "unknown" when none check knows was found), and
	// CNISource what told it; empty when the audit did not read it.
	CNI       string `json:"cni,omitempty"`
	CNISource string `json:"cniSource,omitempty"`
	// Config is the configuration file the audit used (docs/config.md),
	// empty when none.
	Config string `json:"config,omitempty"`
}

// New orders findings (failures first, by severity, then area and rule;
// then exempt findings, skips and passes) and counts them.
func New(findings []check.Finding) Report {
	rank := map[check.Result]int{check.Fail: 0, check.Exempt: 1, check.Skip: 2, check.Pass: 3}
	sevRank := map[check.Severity]int{check.Error: 0, check.Warning: 1, check.Info: 2}
	sorted := slices.Clone(findings)
	slices.SortStableFunc(sorted, func(a, b check.Finding) int {
		return cmp.Or(
			cmp.Compare(rank[a.Result], rank[b.Result]),
			cmp.Compare(sevRank[a.Severity], sevRank[b.Severity]),
			cmp.Compare(a.Area, b.Area),
			cmp.Compare(a.ID, b.ID),
		)
	})
	r := Report{Findings: sorted}
	if r.Findings == nil {
		r.Findings = []check.Finding{}
	}
	for _, f := range findings {
		switch {
		case f.Result == check.Pass:
			r.Summary.Pass++
		case f.Result == check.Skip:
			r.Summary.Skip++
		case f.Result == check.Exempt:
			r.Summary.Exempt++
		case f.Severity == check.Error:
			r.Summary.Error++
		case f.Severity == check.Warning:
			r.Summary.Warning++
		default:
			r.Summary.Info++
		}
	}
	return r
}

// Failing says whether any failure is at or above threshold ("error",
// "warning"; "never" never fails). Exempt findings are no failures.
func (r Report) Failing(threshold string) bool {
	switch threshold {
	case "never":
		return false
	case "warning":
		return r.Summary.Error+r.Summary.Warning > 0
	default:
		return r.Summary.Error > 0
	}
}
