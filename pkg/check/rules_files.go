package check

// filesRules are the files rules, in report order.
var filesRules = []Rule{configFiles}

var configFiles = Rule{
	ID:        "config-files",
	Area:      AreaFiles,
	Title:     "Configuration files are readable and of a known kind",
	Severity:  Error,
	Reference: "README.md, \"Configuration files (--from-file)\": the formats --from-file reads, listed from its format registry (pkg/check/files/formats.go)",
	Why:       "Files given to `--from-file` are the audit's input when no cluster is read. A file that does not parse, or whose kind the checker does not know, gives the rules nothing to check, so their passes say nothing about what that file configures.",
	Fix:       "fix the file's syntax or types, or leave it out of --from-file",
	Check: func(f *Facts, r *Reporter) {
		for _, n := range f.FileNotes {
			r.FailWith(n.Severity, n.At.File, n.At, "%s", n.Message)
		}
	},
}
