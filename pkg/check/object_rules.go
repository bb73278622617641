package check

// objectRules check API objects: nodes, pods, Services, EndpointSlices,
// ServiceCIDRs, and the cluster's stack.
var objectRules = []Rule{}
