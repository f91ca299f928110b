// server/server.h: the HTTPS admission webhook behind `celgate serve`.
//
// An HTTP/1.1 keep-alive server (Asio sockets, OpenSSL contexts from net/tls.h, the protocol
// in server/http1.h and the answers in server/app.h) that answers
//   POST <validate_path>[?timeout=Ns]  AdmissionReview v1/v1beta1 -> admission::Handler::Review
//   GET  /healthz                      200 while the process serves
//   GET  /readyz                       200 once policies and TLS are loaded, 503 while draining
//   GET  /metrics                      Prometheus text (server/metrics.h)
// The body of a 200 answer to POST is byte for byte what `celgate review` prints (without its
// trailing newline). Malformed requests get 400/404/405/413/415/431 with a JSON metav1.Status
// body (408 when a request's header or body does not arrive within its phase's timeout);
// nothing a client sends can stop the server.
//
// Threads: `threads` I/O threads, each running its own io_context (one acceptor on thread 0
// hands accepted sockets round-robin to the threads). A connection lives on one thread for its
// whole life, so the request path takes no lock: it loads the current Handler (a shared_ptr
// snapshot from HandlerSource), runs Review on the I/O thread and bumps per-thread counters.
//
// Shutdown (SIGTERM/SIGINT or Shutdown()): stop accepting, readyz -> 503, close idle
// keep-alive connections at once, let in-flight requests finish and answer them with
// `Connection: close`, then return from Run(); after `grace_period` remaining connections are
// dropped. SIGHUP calls `on_reload` (which must not block for long: hand the work to another
// thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "admission/handler.h"
#include "base/status.h"

namespace celgate::net {
class TlsContextStore;
}

namespace celgate::server {

class Metrics;

// Returns the handler for one request; called once per request. Must be thread-safe and cheap.
// Null = no policies loaded (the request gets 503).
using HandlerSource = std::function<std::shared_ptr<const admission::Handler>()>;

struct ServerOptions {
  // Listen address and port; port 0 picks a free port (see Server::port()).
  std::string address = "0.0.0.0";
  int port = 8443;
  // Plain-HTTP port for /metrics, /healthz and /readyz. -1 = none (they are served on the
  // HTTPS port, which always serves them); 0 = pick a free port.
  int metrics_port = -1;
  // I/O threads; 0 = AvailableCpus().
  int threads = 0;
  // Largest accepted request body (413 beyond). kube-apiserver sends at most ~3 MiB objects.
  size_t max_body_bytes = 16 << 20;
  // Largest request header block (431 beyond).
  size_t max_header_bytes = 64 << 10;
  // Time allowed for the TLS handshake, for the request headers once the first byte of a
  // request arrived, for the body, and for writing the response.
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds write_timeout{10'000};
  // Keep-alive connections without a request for this long are closed. Longer than Go's
  // http.Transport IdleConnTimeout (90 s) so that the client, not the server, closes first.
  std::chrono::milliseconds idle_timeout{120'000};
  // Budget for a review when the request carries no ?timeout= (kube-apiserver always does).
  std::chrono::milliseconds default_review_timeout{10'000};
  // Accepted connections beyond this are closed at once.
  int max_connections = 10'000;
  // On SIGTERM/SIGINT: keep serving (with /readyz answering 503) this long before the drain
  // starts, so that endpoints controllers and load balancers stop sending new connections
  // first (a terminating pod still receives them for a while). 0 = drain at once.
  std::chrono::milliseconds shutdown_delay{0};
  // After Shutdown(), connections still open after this are dropped and Run() returns.
  std::chrono::milliseconds grace_period{25'000};
  // Path of the admission endpoint.
  std::string validate_path = "/validate";
  // Install SIGTERM/SIGINT (shutdown) and SIGHUP (on_reload) handlers while Run() runs.
  bool handle_signals = true;
  // Called on SIGHUP from an I/O thread.
  std::function<void()> on_reload;
};

// The default number of I/O threads, sized the way Go 1.25's runtime sizes GOMAXPROCS
// (golang/go#73193): the CPUs of the process's affinity mask (taskset, a container's cpuset),
// capped by its cgroup's CPU limit (a Kubernetes `limits.cpu`) rounded up, but not below 2
// for that cap. Without the cap, a pod limited to 1 CPU on a 32-core node would run 32 busy
// threads into CFS throttling, the latency spikes webhooks must avoid. At least 1.
int AvailableCpus();

// The pieces of AvailableCpus, for tests. The rule: min(affinity, max(2, ceil(limit))).
int DefaultIoThreads(int affinity_cpus, std::optional<double> cgroup_cpu_limit);
// The CPU limit in a cgroup v2 `cpu.max` ("150000 100000" is 1.5 CPUs); nullopt for "max"
// (no limit) or text that is not two positive numbers.
std::optional<double> ParseCgroupCpuMax(std::string_view cpu_max);
// The cgroup v2 path of this process from /proc/self/cgroup text (the "0::/path" line), or
// nullopt (cgroup v1 only, or no such line).
std::optional<std::string> ParseCgroupV2Path(std::string_view proc_self_cgroup);
// The cgroup v1 path of the `cpu` controller ("4:cpu,cpuacct:/path"), or nullopt.
std::optional<std::string> ParseCgroupV1CpuPath(std::string_view proc_self_cgroup);
// A cgroup v1 limit from cpu.cfs_quota_us and cpu.cfs_period_us ("-1": no limit).
std::optional<double> ParseCgroupV1Quota(std::string_view quota_us, std::string_view period_us);

class Server {
 public:
  // Binds the listening sockets. `tls` and `metrics` must outlive the server.
  static StatusOr<std::unique_ptr<Server>> Create(const ServerOptions& options,
                                                  net::TlsContextStore* tls,
                                                  HandlerSource handlers, Metrics* metrics);
  virtual ~Server() = default;

  virtual int port() const = 0;
  virtual int metrics_port() const = 0;  // -1 when there is no plain-HTTP port
  // Serves until shut down; blocks the calling thread (which becomes I/O thread 0).
  virtual void Run() = 0;
  // Starts the graceful shutdown; thread-safe, idempotent, returns at once.
  virtual void Shutdown() = 0;
};

}  // namespace celgate::server
