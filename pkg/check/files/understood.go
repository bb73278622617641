package files

import (
	"fmt"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// understood says whether the files gave the audit something to check: a
// source (a component, a kubeadm configuration), a distribution's own
// configuration (its rules check it), or an error to report (a file of a
// known kind that does not parse). Files of unknown formats
// only, of API objects, empty ones, a static pod of etcd alone give
// nothing: the rules would all be skipped, and an audit that passes them
// says nothing.
func (g *gatherer) understood() bool {
	if len(g.found) > 0 || g.f.Distribution != "" {
		return true
	}
	for _, n := range g.f.FileNotes {
		if n.Severity == check.Error {
			return true
		}
	}
	return false
}

// nothingToAudit is Gather's error when files were read but none is a
// configuration check reads: it names the formats check reads.
func (g *gatherer) nothingToAudit() error {
	var names []string
	for _, f := range g.formats {
		names = append(names, f.Name)
	}
	which := fmt.Sprintf("none of the %d files is", g.read)
	if inputs := g.f.Inputs; g.read == 1 && len(inputs) > 0 {
		which = inputs[len(inputs)-1].File + " is not"
	}
	return fmt.Errorf("nothing to audit: %s a configuration check reads; it reads %s (check --help describes them)", which, strings.Join(names, ", "))
}
