package printers

import (
	"fmt"
	"io"
	"testing"

	corev1 "k8s.io/api/core/v1"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
)

// tenThousandPods are dual-stack pods spread over 100 nodes, as a big
// cluster's listing brings them.
func tenThousandPods() []corev1.Pod {
	pods := make([]corev1.Pod, 10000)
	for i := range pods {
		pods[i] = testPod(func(p *corev1.Pod) {
			p.Namespace = fmt.Sprintf("bench-%d", i%10)
			p.Name = fmt.Sprintf("app-%04d-%05d", i%1000, i)
			p.Spec.NodeName = fmt.Sprintf("node-%d", i%100)
			v4, v6 := fmt.Sprintf("10.244.%d.%d", i>>8, i&255), fmt.Sprintf("fd00:10:244:%x::%x", i>>8, i&255)
			p.Status.PodIP = v4
			p.Status.PodIPs = []corev1.PodIP{{IP: v4}, {IP: v6}}
		})
	}
	return pods
}

// BenchmarkPodsTablePrint is `get pods -A -o wide` at 10,000 pods without
// the API: the table of each 500-pod page built and printed through
// kubectl's table printer into one tabwriter, as get does.
func BenchmarkPodsTablePrint(b *testing.B) {
	pods := tenThousandPods()
	tables := Tables{Now: podsNow}
	b.ReportAllocs()
	for b.Loop() {
		printer := cliprinters.NewTablePrinter(cliprinters.PrintOptions{Wide: true, WithNamespace: true})
		w := cliprinters.GetNewTabWriter(io.Discard)
		for page := 0; page < len(pods); page += 500 {
			if err := printer.PrintObj(tables.Pods(pods[page:page+500]), w); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPodsTable is the table building alone.
func BenchmarkPodsTable(b *testing.B) {
	pods := tenThousandPods()
	tables := Tables{Now: podsNow}
	b.ReportAllocs()
	for b.Loop() {
		for page := 0; page < len(pods); page += 500 {
			tables.Pods(pods[page : page+500])
		}
	}
}
