// Package source reads configuration the same way for every gatherer:
// command lines (flags), kubeadm's ClusterConfiguration and the component
// configurations (KubeProxyConfiguration, KubeletConfiguration). Each value
// becomes a check.Setting that says where it was read and, when it came
// from a file, its line and column. Secrets are redacted where settings are
// made, so that no rule, report or log can show one.
package source
