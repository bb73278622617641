package check

// filesRules are the files rules, in report order.
var filesRules = []Rule{configFiles}

var configFiles = Rule{
	ID:        "config-files",
	Area:      AreaFiles,
	Title:     "Configuration files are readable and of a known kind",
	Severity:  Error,
	Reference: "README.md, \"Configuration files (--from-file)\": the formats --from-file reads, listed from its format registry (pkg/check/files/formats.go)",
	Why:       "Files given to `--from-file` are the audit's input when no cluster is read. A file that does not parse (an error), or whose format the checker does not read (a warning, saying what the file looks like when that is guessable: a kubeadm v1beta2 configuration, a k3s config.yaml), gives the rules nothing to check, so their passes say nothing about what that file configures. Kubernetes API objects (a Service, a Deployment) are no configuration: skipping them is an info. When no file at all is a configuration the checker reads, there is nothing to audit and `check` exits 2.",
	Fix:       "fix the file's syntax or types, give the configuration in a format check reads (check --help lists them), or leave the file out of --from-file",
	Check: func(f *Facts, r *Reporter) {
		for _, n := range f.FileNotes {
			r.FailWith(n.Severity, n.At.File, n.At, "%s", n.Message)
		}
	},
}
