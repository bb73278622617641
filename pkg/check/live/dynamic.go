package live

import "k8s.io/apimachinery/pkg/runtime/schema"

// ListKinds maps each of other projects' resources the gatherer lists
// through the dynamic client to its list kind, which a fake dynamic client
// (k8s.io/client-go/dynamic/fake) must be told.
var ListKinds = map[schema.GroupVersionResource]string{
	GatewaysResource:   "GatewayList",
	calicoIPPoolsV1:    "IPPoolList",
	calicoIPPoolsV3:    "IPPoolList",
	tigeraInstallation: "InstallationList",
}
