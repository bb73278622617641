package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// pageSize is what kubectl asks for (--chunk-size) and the floors use.
const pageSize = 500

// fastConfig is a client configuration in protobuf without client-side
// throttling (a negative QPS turns the rate limiter off).
func fastConfig(kubeconfig string) (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cfg.QPS, cfg.Burst = -1, 0
	return cfg, nil
}

// runFloor is the hidden `bench floor pods|check` subcommand: the least
// work a client can do to read what the measured commands read, in its own
// process so that its peak RSS is its own. It prints how many objects it read.
func runFloor(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the cluster")
	if len(args) == 0 {
		return errors.New("usage: bench floor pods|check --kubeconfig FILE")
	}
	what := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := fastConfig(*kubeconfig)
	if err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	switch what {
	case "pods":
		// One paginated LIST of all pods, decoded into typed objects, each
		// page dropped once decoded.
		n, err := listPages(ctx, func(opts metav1.ListOptions) (string, int, error) {
			l, err := client.CoreV1().Pods("").List(ctx, opts)
			if err != nil {
				return "", 0, err
			}
			return l.Continue, len(l.Items), nil
		})
		fmt.Println("pods", n)
		return err
	case "check":
		return floorCheck(ctx, client)
	}
	return fmt.Errorf("unknown floor %q (want pods or check)", what)
}

// listPages follows a LIST's continue tokens and counts the items.
func listPages(ctx context.Context, page func(metav1.ListOptions) (string, int, error)) (int, error) {
	opts := metav1.ListOptions{Limit: pageSize}
	total := 0
	for {
		next, n, err := page(opts)
		if err != nil {
			return total, err
		}
		total += n
		if next == "" {
			return total, nil
		}
		opts.Continue = next
	}
}

// floorCheck lists, once and concurrently, the objects check reads: pods,
// nodes, namespaces, Services, EndpointSlices, ServiceCIDRs, IPAddresses,
// NetworkPolicies, Ingresses, the events it looks for and kube-system's
// ConfigMaps. (Gateways and the CNIs' objects are other projects' CRDs,
// which the bench cluster does not serve.)
func floorCheck(ctx context.Context, client kubernetes.Interface) error {
	lists := map[string]func(metav1.ListOptions) (string, int, error){
		"pods": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.CoreV1().Pods("").List(ctx, o)
			return cont(l, err)
		},
		"nodes": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.CoreV1().Nodes().List(ctx, o)
			return cont(l, err)
		},
		"namespaces": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.CoreV1().Namespaces().List(ctx, o)
			return cont(l, err)
		},
		"services": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.CoreV1().Services("").List(ctx, o)
			return cont(l, err)
		},
		"endpointslices": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.DiscoveryV1().EndpointSlices("").List(ctx, o)
			return cont(l, err)
		},
		"servicecidrs": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.NetworkingV1().ServiceCIDRs().List(ctx, o)
			return cont(l, err)
		},
		"ipaddresses": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.NetworkingV1().IPAddresses().List(ctx, o)
			return cont(l, err)
		},
		"networkpolicies": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.NetworkingV1().NetworkPolicies("").List(ctx, o)
			return cont(l, err)
		},
		"ingresses": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.NetworkingV1().Ingresses("").List(ctx, o)
			return cont(l, err)
		},
		"events": func(o metav1.ListOptions) (string, int, error) {
			o.FieldSelector = "reason=CIDRNotAvailable,involvedObject.kind=Node"
			l, err := client.CoreV1().Events("").List(ctx, o)
			return cont(l, err)
		},
		"configmaps": func(o metav1.ListOptions) (string, int, error) {
			l, err := client.CoreV1().ConfigMaps(metav1.NamespaceSystem).List(ctx, o)
			return cont(l, err)
		},
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for name, list := range lists {
		wg.Go(func() {
			n, err := listPages(ctx, list)
			mu.Lock()
			defer mu.Unlock()
			fmt.Println(name, n)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// cont returns a list's continue token and length.
func cont(l runtime.Object, err error) (string, int, error) {
	if err != nil {
		return "", 0, err
	}
	acc, err := apimeta.ListAccessor(l)
	if err != nil {
		return "", 0, err
	}
	return acc.GetContinue(), apimeta.LenList(l), nil
}
