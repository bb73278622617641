package check

// filesRules are the files rules, in report order.
var filesRules = []Rule{configFiles}

var configFiles = Rule{
	ID:        "config-files",
	Area:      "files",
	Title:     "Configuration files are readable and of a known kind",
	Severity:  Error,
	Reference: "kubectl-dualstack: the inputs of --from-file (static pod manifests, kubeadm, kube-proxy, kubelet and kind configurations, kubelet flag files)",
	Fix:       "fix the file's syntax or types, or leave it out of --from-file",
	Check: func(f *Facts, r *Reporter) {
		for _, n := range f.FileNotes {
			r.FailWith(n.Severity, n.At.File, n.At, "%s", n.Message)
		}
	},
}
