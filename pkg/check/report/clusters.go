package report

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// Cluster is one cluster of a run on several (kubectl dualstack check,
// summary or plan with --context given more than once, or
// --all-contexts): the kubeconfig context, the server it names, and the
// command's usual report, or Error, why the cluster could not be
// audited, instead.
type Cluster struct {
	Context string `json:"context"`
	Server  string `json:"server"`
	Report  any    `json:"report,omitempty"`
	Error   string `json:"error,omitempty"`
}

// ClustersWriter writes one document about several clusters, streamed:
// Begin, then Cluster for each in order as it is done, then End, so that
// a cluster's report is released once written.
type ClustersWriter interface {
	Begin(w io.Writer) error
	Cluster(w io.Writer, c Cluster) error
	End(w io.Writer) error
}

// ClustersJSON writes {"clusters": [...]} as the JSON report is written:
// the same bytes as WriteJSON of the whole document.
func ClustersJSON() ClustersWriter { return &clustersJSON{} }

// ClustersYAML writes the same document as YAML: the same bytes as
// WriteYAML of the whole document.
func ClustersYAML() ClustersWriter { return &clustersYAML{} }

type clustersJSON struct{ written int }

func (*clustersJSON) Begin(w io.Writer) error {
	_, err := io.WriteString(w, "{\n  \"clusters\": [")
	return err
}

func (j *clustersJSON) Cluster(w io.Writer, c Cluster) error {
	err := writeElement(w, c, j.written == 0)
	j.written++
	return err
}

// writeElement writes v as an element of the array two levels into an
// indented JSON document ({"key": [...]}), after a comma unless first,
// as writeJSON would have written it within the whole document.
func writeElement(w io.Writer, v any, first bool) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n    "
	if first {
		sep = "\n    "
	}
	_, err := w.Write(escapeRawControls([]byte(sep+strings.TrimSuffix(buf.String(), "\n")), true))
	return err
}

func (j *clustersJSON) End(w io.Writer) error {
	end := "\n  ]\n}\n"
	if j.written == 0 {
		end = "]\n}\n"
	}
	_, err := io.WriteString(w, end)
	return err
}

type clustersYAML struct{ written int }

func (*clustersYAML) Begin(io.Writer) error { return nil } // the key's form depends on whether a cluster follows

func (y *clustersYAML) Cluster(w io.Writer, c Cluster) error {
	// The whole document with this one cluster: a block sequence's items
	// stand alone, so after the first its lines from the item on are what
	// the whole document has (folding included, which depends on the
	// indentation).
	var buf bytes.Buffer
	if err := WriteYAML(&buf, clustersDoc{Clusters: []Cluster{c}}); err != nil {
		return err
	}
	out := buf.Bytes()
	if y.written > 0 {
		out = bytes.TrimPrefix(out, []byte("clusters:\n"))
	}
	y.written++
	_, err := w.Write(out)
	return err
}

// clustersDoc is the document the clusters writers stream.
type clustersDoc struct {
	Clusters []Cluster `json:"clusters"`
}

func (y *clustersYAML) End(w io.Writer) error {
	if y.written > 0 {
		return nil
	}
	_, err := io.WriteString(w, "clusters: []\n")
	return err
}
