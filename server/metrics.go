package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// metrics counts and times the RPCs a server handles, in a registry of its own so that two
// servers in one process (as in tests) never collide.
type metrics struct {
	registry *prometheus.Registry
	handled  *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// newMetrics returns the RPC metrics, with the Go runtime and process collectors beside
// them.
func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "proctor_grpc_server_handled_total",
			Help: "RPCs completed by the server, by service, method and status code.",
		}, []string{"grpc_service", "grpc_method", "grpc_code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "proctor_grpc_server_handling_seconds",
			Help:    "Time from the start of an RPC to its end, by service and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"grpc_service", "grpc_method"}),
	}
	m.registry.MustRegister(m.handled, m.duration,
		prometheus.NewGoCollector(),
		prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// observe records one finished RPC.
func (m *metrics) observe(fullMethod string, start time.Time, err error) {
	service, method := splitMethod(fullMethod)
	m.handled.WithLabelValues(service, method, status.Code(err).String()).Inc()
	m.duration.WithLabelValues(service, method).Observe(time.Since(start).Seconds())
}

// unary is the unary interceptor that records metrics.
func (m *metrics) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo,
	handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := handler(ctx, req)
	m.observe(info.FullMethod, start, err)
	return resp, err
}

// stream is the stream interceptor that records metrics.
func (m *metrics) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo,
	handler grpc.StreamHandler) error {
	start := time.Now()
	err := handler(srv, ss)
	m.observe(info.FullMethod, start, err)
	return err
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// splitMethod splits "/package.Service/Method" into its service and method.
func splitMethod(full string) (service, method string) {
	full = strings.TrimPrefix(full, "/")
	if i := strings.LastIndex(full, "/"); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "unknown", full
}
