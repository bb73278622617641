package check

import (
	"strings"

	netutils "k8s.io/utils/net"
)

// probeRules are the probe rules, in report order.
var probeRules = []Rule{apiServerDualStackAllocation}

var apiServerDualStackAllocation = Rule{
	ID:        "apiserver-dual-stack-allocation",
	Area:      AreaAPIServer,
	Title:     "The apiserver allocates dual-stack ClusterIPs (--probe)",
	Severity:  Error,
	Reference: "pkg/registry/core/service/storage/alloc.go initIPFamilyFields; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "For a Service with `ipFamilyPolicy: RequireDualStack` the apiserver allocates one ClusterIP from a service range of each family, and it rejects the Service when the cluster has ranges of one family only: \"this cluster is not configured for dual-stack services\". Without `ipFamilies` the primary family comes first, as in `--service-cluster-ip-range`.",
	Fix:       "give kube-apiserver --service-cluster-ip-range one range of each family",
	Needs:     []Source{SourceProbe}, // for the README's permissions table; a probe that cannot run sets Probe.Skipped
	Check: func(f *Facts, r *Reporter) {
		p := f.Probe
		switch {
		case p == nil:
			r.Pass("service/<dry run>", Setting{}, "not run: --probe asks the apiserver to allocate a RequireDualStack Service in a dry run")
		case p.Skipped != "":
			r.Skip("service/<dry run>", p.Skipped)
		case p.Error != "":
			at := Setting{Source: "dry-run create of a RequireDualStack Service"}
			if f.DualStack() || f.Expect == "dual" {
				r.Fail("service/<dry run>", at, "the apiserver refused a RequireDualStack Service: %s", p.Error)
			} else {
				r.FailWith(Info, "service/<dry run>", at, "single-stack cluster: the apiserver refuses RequireDualStack Services (%s)", p.Error)
			}
		default:
			at := Setting{Source: "dry-run create of a RequireDualStack Service"}
			if ok, err := netutils.IsDualStackIPStrings(p.ClusterIPs); err != nil || !ok || len(p.ClusterIPs) != 2 {
				r.Fail("service/<dry run>", at, "a RequireDualStack Service got clusterIPs %s", strings.Join(p.ClusterIPs, ","))
				return
			}
			r.Pass("service/<dry run>", at, "allocated clusterIPs %s (dry run, nothing stored)", strings.Join(p.ClusterIPs, ","))
		}
	},
}
