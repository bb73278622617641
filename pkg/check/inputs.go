package check

// Input is one file a files gatherer read: its name, the input format
// that read it, and how many YAML documents it holds (1 for a file that
// is not YAML).
type Input struct {
	File string `json:"file"`
	// Format is the name of the registry's format that read the file
	// (kubeadm, static-pod, …); formats joined by "+" when its documents
	// are of several (kubeadm+kube-proxy-config); UnknownFormat when no
	// format read it.
	Format    string `json:"format"`
	Documents int    `json:"documents"`
}

// UnknownFormat is the Format of an input no format read.
const UnknownFormat = "unknown"
