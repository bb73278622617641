package check

// cniRules lists the rules about the network plugin's families and pools.
var cniRules = []Rule{}
