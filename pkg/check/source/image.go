package source

import "strings"

// ImageTag is the tag of an image reference, the version in
// registry.k8s.io/kube-apiserver:v1.30.2 or
// kindest/node:v1.31.0@sha256:...; "" when there is none.
func ImageTag(image string) string {
	image, _, _ = strings.Cut(image, "@")
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[i+1:]
	}
	return ""
}
