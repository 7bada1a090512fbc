// SPDX-License-Identifier: Apache-2.0
// The span workloads of the Go peer: start+end through the batch span processor (default
// settings) to an exporter that counts and discards.
package main

import (
	"context"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

const (
	samplerOn = iota
	samplerOff
	samplerRatio
)

// The same attributes, in the same order, as otelc's and the JavaScript peer's workloads.
var spanAttrs = []attribute.KeyValue{
	attribute.String("http.request.method", "GET"),
	attribute.Int("http.response.status_code", 200),
	attribute.String("url.path", "/api"),
	attribute.String("server.address", "example.com"),
}

// discardExporter counts the spans it is given and drops them.
type discardExporter struct {
	exported int64
}

func (e *discardExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	atomic.AddInt64(&e.exported, int64(len(spans)))
	return nil
}

func (e *discardExporter) Shutdown(context.Context) error { return nil }

func spanWorkload(sampler int, nattrs int) (func(int), func() int64) {
	var s sdktrace.Sampler
	switch sampler {
	case samplerOn:
		s = sdktrace.AlwaysSample()
	case samplerOff:
		s = sdktrace.NeverSample()
	default:
		s = sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.01))
	}
	exp := &discardExporter{}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(s), sdktrace.WithBatcher(exp))
	tracer := tp.Tracer("otelc-bench")
	attrs := spanAttrs[:nattrs]
	op := func(n int) {
		for i := 0; i < n; i++ {
			_, span := tracer.Start(background, "bench.span")
			if nattrs > 0 {
				span.SetAttributes(attrs...)
			}
			span.End()
		}
	}
	finish := func() int64 {
		_ = tp.Shutdown(background)
		return atomic.LoadInt64(&exp.exported)
	}
	return op, finish
}
