// Package files gathers check.Facts from configuration files, before a
// cluster exists. Every value keeps its file, line and column, so that a
// finding points at it. Nothing in a file is executed or fetched. The rules
// are check's own: this is only a second gatherer, and it reads kubeadm's
// and the components' configurations with package source, as the live
// gatherer reads their ConfigMaps.
//
// The input formats are the table in Formats (formats.go), each read by
// the reader in its format_<name>.go. To add a format: write its reader in
// a new format_<name>.go, add its entry to Formats, add fixture sets under
// testdata/files/healthy or testdata/files/broken, and its editor in
// pkg/plan/edit (editors.go) with a set under testdata/files/single; then
// `make readme`. Walk, FileFormat and DocumentFormat give that editor the
// files and formats the gatherer reads.
package files
