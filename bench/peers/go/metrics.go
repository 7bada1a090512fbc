// SPDX-License-Identifier: Apache-2.0
// The metric workloads of the Go peer: a counter add and a histogram record with 3 attributes
// on the metric SDK of the same Debian package (the controller/processor/selector SDK of Go's
// OpenTelemetry 1.1.0 release, with the default histogram boundaries).
package main

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/export/metric/aggregation"
	controller "go.opentelemetry.io/otel/sdk/metric/controller/basic"
	processor "go.opentelemetry.io/otel/sdk/metric/processor/basic"
	"go.opentelemetry.io/otel/sdk/metric/selector/simple"
)

// The same attributes as otelc's and the JavaScript peer's metric workloads.
var metricAttrs = []attribute.KeyValue{
	attribute.String("http.request.method", "GET"),
	attribute.Int("http.response.status_code", 200),
	attribute.String("url.path", "/api"),
}

func newMeter() (metric.Meter, func() int64) {
	c := controller.New(processor.NewFactory(simple.NewWithHistogramDistribution(),
		aggregation.CumulativeTemporalitySelector()))
	if err := c.Start(background); err != nil {
		panic(err)
	}
	return c.Meter("otelc-bench"), func() int64 {
		_ = c.Stop(background)
		return -1
	}
}

func counterWorkload() (func(int), func() int64) {
	meter, finish := newMeter()
	counter := metric.Must(meter).NewInt64Counter("bench.counter")
	return func(n int) {
		for i := 0; i < n; i++ {
			counter.Add(background, 1, metricAttrs...)
		}
	}, finish
}

func histogramWorkload() (func(int), func() int64) {
	meter, finish := newMeter()
	hist := metric.Must(meter).NewFloat64Histogram("bench.histogram")
	return func(n int) {
		for i := 0; i < n; i++ {
			hist.Record(background, float64(i%1000), metricAttrs...)
		}
	}, finish
}
