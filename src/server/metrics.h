// server/metrics.h: Prometheus metrics of `celgate serve`, rendered at GET /metrics in the
// text exposition format (0.0.4).
//
// Hot-path counters are sharded: each I/O thread writes its own cache-line-aligned shard with
// relaxed atomic adds (no locks, no shared cache lines); Render() sums the shards. Gauges that
// change rarely (policy generation, certificate expiry) are single atomics.
//
// Per-(policy, binding) families `celgate_validating_admission_policy_check_total` and
// `..._check_duration_seconds` carry kube-apiserver's label names and values (policy,
// policy_binding, error_type, enforcement_action) and its histogram buckets; they are recorded
// only for failed or erroring validations, as kube-apiserver does, into per-shard maps behind
// an uncontended per-shard mutex (Render is the only other reader).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "policy/evaluator.h"

namespace celgate::server {

enum class Operation { kCreate, kUpdate, kDelete, kConnect, kOther };
inline constexpr int kNumOperations = 5;
// allow = allowed without warnings; warn = allowed with warnings; deny = allowed false;
// error = no AdmissionReview answer (HTTP 4xx/5xx).
enum class Verdict { kAllow, kWarn, kDeny, kError };
inline constexpr int kNumVerdicts = 4;

Operation ParseOperation(std::string_view op);

class Metrics {
 public:
  // `shards`: number of I/O threads (each calls SetThreadShard once).
  explicit Metrics(int shards);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Binds the calling thread to shard `i` (mod shards). Threads that never call it use 0.
  static void SetThreadShard(int i);

  void RecordReview(Operation op, Verdict v, double seconds);
  void RecordPolicyCheck(std::string_view policy, std::string_view binding,
                         policy::CheckAction action, policy::CheckError error, int64_t elapsed_ns);
  void RecordHttpStatus(int code);
  void ConnectionOpened() { connections_active_.fetch_add(1, std::memory_order_relaxed); connections_total_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_active_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionRejected() { connections_rejected_.fetch_add(1, std::memory_order_relaxed); }
  void HandshakeFailed() { handshake_errors_.fetch_add(1, std::memory_order_relaxed); }
  int64_t connections_active() const { return connections_active_.load(std::memory_order_relaxed); }

  // Policy set life cycle (called by the reloader, off the request path).
  void PolicySetLoaded(uint64_t generation, int64_t unix_seconds);
  void PolicyLoadFailed() { policy_load_errors_.fetch_add(1, std::memory_order_relaxed); }
  // TLS certificate life cycle.
  void CertificateLoaded(int64_t not_after_unix, bool reload);
  void CertificateReloadFailed() { cert_reload_errors_.fetch_add(1, std::memory_order_relaxed); }

  std::string Render() const;

 private:
  struct Shard;
  int num_shards_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<int64_t> connections_active_{0};
  std::atomic<uint64_t> connections_total_{0};
  std::atomic<uint64_t> connections_rejected_{0};
  std::atomic<uint64_t> handshake_errors_{0};
  std::atomic<uint64_t> policy_generation_{0};
  std::atomic<int64_t> policy_loaded_at_{0};
  std::atomic<uint64_t> policy_load_errors_{0};
  std::atomic<int64_t> cert_not_after_{0};
  std::atomic<uint64_t> cert_reloads_{0};
  std::atomic<uint64_t> cert_reload_errors_{0};
};

}  // namespace celgate::server
