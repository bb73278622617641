# kubectl-dualstack. The two commands a new machine needs:
#   make demo   build everything, start a local dual-stack control plane, show the plugin
#   make test   unit tests and end-to-end tests against real local control planes
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c

BIN          := $(CURDIR)/bin
# Kubernetes version of the local control plane. The pinned one builds into
# bin/; another (e.g. make tools KUBE_VERSION=v1.36.3) into bin/<version>/.
PINNED_KUBE_VERSION := $(shell grep -oE 'k8s.io/kubernetes v[0-9.]+' hack/tools/go.mod | head -1 | cut -d' ' -f2)
KUBE_VERSION ?= $(PINNED_KUBE_VERSION)
TOOLS_BIN    := $(if $(filter $(PINNED_KUBE_VERSION),$(KUBE_VERSION)),$(BIN),$(BIN)/$(KUBE_VERSION))
TOOLS_STAMP  := $(TOOLS_BIN)/.tools-$(KUBE_VERSION)

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
GO_SOURCES := $(shell find . -name '*.go' -not -path './hack/tools/*') go.mod go.sum

# `go test` timeout for the end-to-end suites (each starts real control planes).
TEST_TIMEOUT ?= 20m

.PHONY: all build tools demo test test-unit test-e2e fuzz cluster-up cluster-down vet fmt readme check-leftovers \
	dist verify-dist bench-startup bench clean test-compat

all: build

## build: the plugin and the cluster launcher, into bin/
build: $(BIN)/kubectl-dualstack $(BIN)/localcluster

$(BIN)/kubectl-dualstack: $(GO_SOURCES)
	go build -ldflags "$(LDFLAGS)" -o $@ ./cmd/kubectl-dualstack

$(BIN)/localcluster: $(GO_SOURCES)
	go build -o $@ ./hack/localcluster

## tools: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (KUBE_VERSION)
tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): hack/tools/go.mod hack/tools/go.sum hack/tools/etcd/main.go hack/tools/build.sh
	hack/tools/build.sh $(KUBE_VERSION) $(TOOLS_BIN)
	touch $@

## cluster-up / cluster-down: a local dual-stack control plane in the background
cluster-up: build tools
	$(BIN)/localcluster up --bin-dir $(TOOLS_BIN) $(CLUSTER_FLAGS)

cluster-down: $(BIN)/localcluster
	$(BIN)/localcluster down

## demo: start the local cluster, apply testdata/demo/, show the plugin's views
demo: build tools
	BIN=$(BIN) TOOLS_BIN=$(TOOLS_BIN) hack/demo.sh

## test: vet, unit tests, end-to-end tests; then prove nothing was left running
test: vet build tools
	go test -count=1 -timeout $(TEST_TIMEOUT) ./...
	$(MAKE) --no-print-directory check-leftovers

## test-compat: the core e2e tests against older servers, each built from its
## sources (cold: 8-9 minutes a version on 2 cores); prints a pass/fail table.
KUBE_VERSIONS ?= v1.31.13 v1.32.9 v1.33.5 v1.34.4 v1.35.4 v1.36.3 $(PINNED_KUBE_VERSION)
test-compat: build
	hack/test-compat.sh $(BIN) "$(KUBE_VERSIONS)"
	$(MAKE) --no-print-directory check-leftovers

test-unit:
	go test -count=1 -short ./...

## fuzz: each fuzz target for FUZZTIME (seed corpora in the packages' testdata/fuzz);
## minimisation is capped: Go otherwise stalls for minutes on each new input
FUZZTIME ?= 2m
FUZZ_TARGETS = ./pkg/check:FuzzIPLists ./pkg/check/source:FuzzParseFlags ./pkg/check:FuzzRulesOnFlags \
	./pkg/check/source:FuzzNodeArgs ./pkg/dualstack:FuzzPairEndpoints ./pkg/check/files:FuzzAddFile
fuzz:
	@for target in $(FUZZ_TARGETS); do \
		pkg=$${target%%:*}; name=$${target##*:}; \
		echo "fuzz: $$name ($$pkg) for $(FUZZTIME)"; \
		go test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s || exit 1; \
	done

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	cd hack/tools && go vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go')

## dist: release archives for every platform, checksums.txt and the krew
## manifest rendered from krew.yaml, into dist/ (hack/dist.sh)
dist:
	VERSION=$(VERSION) hack/dist.sh

# krew and its manifest validator, from their own tools module: krew pins
# older k8s.io libraries than the plugin.
KREW_TOOLS := $(BIN)/krew $(BIN)/validate-krew-manifest
$(KREW_TOOLS) &: hack/krew/go.mod hack/krew/go.sum
	cd hack/krew && go build -o $(BIN)/ sigs.k8s.io/krew/cmd/krew sigs.k8s.io/krew/cmd/validate-krew-manifest

## verify-dist: validate dist/krew/dualstack.yaml, krew-install every archive
## offline, run the installed plugin through the pinned kubectl on a local
## control plane, and check that a wrong sha256 is refused (hack/verify-dist.sh)
verify-dist: dist $(KREW_TOOLS) $(BIN)/localcluster tools
	BIN=$(BIN) TOOLS_BIN=$(TOOLS_BIN) hack/verify-dist.sh

## bench-startup: mean start-up time of `version --client`, plugin vs kubectl
bench-startup: build tools
	hack/bench-startup.sh $(BIN)/kubectl-dualstack $(TOOLS_BIN)/kubectl

## bench: kubectl vs the plugin vs a bare protobuf LIST on a populated local
## cluster (hack/bench); not part of `make test`. BENCH_SWEEP= skips the sweep.
BENCH_NODES    ?= 100
BENCH_PODS     ?= 10000
BENCH_SERVICES ?= 1000
BENCH_RUNS     ?= 5
BENCH_SWEEP    ?= 1000,10000,30000
BENCH_REPORT   ?= $(BIN)/bench-report.md
bench: build tools $(BIN)/bench
	$(BIN)/bench -bin-dir $(BIN) -tools-dir $(TOOLS_BIN) -nodes $(BENCH_NODES) -pods $(BENCH_PODS) \
		-services $(BENCH_SERVICES) -runs $(BENCH_RUNS) -sweep '$(BENCH_SWEEP)' -report $(BENCH_REPORT)
	$(MAKE) --no-print-directory check-leftovers

$(BIN)/bench: $(GO_SOURCES)
	go build -o $@ ./hack/bench

## readme: regenerate the README's generated tables and docs/rules.md from the
## registries (docs/rules.md needs every test of pkg/check: its examples are
## their failing cases)
readme:
	go test ./pkg/cmd -run TestREADMERulesTable -update-readme -count=1
	go test ./pkg/check -update-docs -count=1

## check-leftovers: fail if any process started from bin/ still runs
check-leftovers:
	@hack/check-leftovers.sh $(BIN)

clean:
	rm -rf $(BIN) dist
