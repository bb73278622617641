// Command etcd is etcd's own server entry point, built from the pinned
// go.etcd.io/etcd/server/v3 module (it cannot be `go install`ed because its
// go.mod carries replace directives).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
