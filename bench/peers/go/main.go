// SPDX-License-Identifier: Apache-2.0
// The Go peer of `otelc-bench compare`: the compare workloads on the OpenTelemetry Go SDK as
// Debian packages it (golang-opentelemetry-otel-dev), built offline in GOPATH mode.
//
// Usage: otelc-peer-go WORKLOAD --iterations N
// It runs a warm-up (a tenth of N and at least 100 ms), then N timed operations, and prints
// one JSON line {"workload":"...","ns_per_op":X,...}. An unknown workload prints "unsupported"
// and exits 3; a bad argument exits 2.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"
)

// A workload: setup builds the pipeline and returns the operation, and a finish function that
// flushes and reports how many spans the exporter saw (-1 where nothing is exported).
type workload struct {
	name  string
	setup func() (op func(n int), finish func() int64)
}

var workloads = []workload{
	{"span_always_on", func() (func(int), func() int64) { return spanWorkload(samplerOn, 0) }},
	{"span_always_off", func() (func(int), func() int64) { return spanWorkload(samplerOff, 0) }},
	{"span_parent_ratio_0.01", func() (func(int), func() int64) { return spanWorkload(samplerRatio, 0) }},
	{"span_always_on_2attrs", func() (func(int), func() int64) { return spanWorkload(samplerOn, 2) }},
	{"span_always_on_4attrs", func() (func(int), func() int64) { return spanWorkload(samplerOn, 4) }},
	{"counter_add_3attrs", counterWorkload},
	{"histogram_record_3attrs", histogramWorkload},
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: otelc-peer-go WORKLOAD --iterations N")
	os.Exit(2)
}

func main() {
	if len(os.Args) != 4 || os.Args[2] != "--iterations" {
		usage()
	}
	n, err := strconv.ParseUint(os.Args[3], 10, 63)
	if err != nil || n == 0 {
		usage()
	}
	for _, w := range workloads {
		if w.name != os.Args[1] {
			continue
		}
		op, finish := w.setup()
		// Warm-up: a tenth of N and at least 100 ms, whichever is longer (the same rule in
		// every language: runtimes, pools and clocks reach their steady state).
		warm := int(n / 10)
		if warm == 0 {
			warm = 1
		}
		warmed := 0
		for w0 := time.Now(); warmed < warm || time.Since(w0) < 100*time.Millisecond; warmed += warm {
			op(warm)
		}
		t0 := time.Now()
		op(int(n))
		dt := time.Since(t0)
		exported := finish()
		fmt.Printf("{\"workload\":\"%s\",\"ns_per_op\":%.3f,\"ops\":%d,\"exported\":%d}\n",
			w.name, float64(dt.Nanoseconds())/float64(n), uint64(warmed)+n, exported)
		return
	}
	fmt.Println("unsupported")
	os.Exit(3)
}

// Keeps the context type in use by every file of the package.
var background = context.Background()
