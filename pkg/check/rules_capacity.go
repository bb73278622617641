package check

// capacityRules lists the rules about address exhaustion: service and pod ranges.
var capacityRules = []Rule{}
