package source

import "testing"

func TestImageTag(t *testing.T) {
	for image, want := range map[string]string{
		"registry.k8s.io/kube-apiserver:v1.30.2":             "v1.30.2",
		"kindest/node:v1.31.0@sha256:0123456789abcdef":       "v1.31.0",
		"registry.k8s.io/kube-apiserver@sha256:0123456789ab": "",
		"localhost:5000/kube-apiserver":                      "",
		"kube-apiserver":                                     "",
	} {
		if got := ImageTag(image); got != want {
			t.Errorf("ImageTag(%q) = %q, want %q", image, got, want)
		}
	}
}
