// server/metrics.cc: sharded counters and the Prometheus text rendering (server/metrics.h).
#include "server/metrics.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>

namespace celgate::server {
namespace {

constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,   5,     10};
constexpr int kNumBuckets = static_cast<int>(kBuckets.size());
constexpr std::array<int, 11> kCodes = {200, 400, 404, 405, 408, 413, 415, 431, 500, 503, 0};
constexpr int kNumCodes = static_cast<int>(kCodes.size());  // 0 = any other code

constexpr const char* kOpNames[kNumOperations] = {"CREATE", "UPDATE", "DELETE", "CONNECT",
                                                  "other"};
constexpr const char* kVerdictNames[kNumVerdicts] = {"allow", "warn", "deny", "error"};

thread_local int t_shard = 0;

// kube-apiserver's buckets for apiserver_validating_admission_policy_check_duration_seconds.
constexpr std::array<double, 5> kCheckBuckets = {0.0000005, 0.001, 0.01, 0.1, 1.0};
constexpr int kNumCheckBuckets = static_cast<int>(kCheckBuckets.size());

struct CheckSeries {
  uint64_t count = 0;
  uint64_t buckets[kNumCheckBuckets] = {};  // non-cumulative
  double sum = 0;
};

// Series key: policy, binding, error_type, enforcement_action joined with NUL bytes (names
// never contain NUL), so that std::map orders the output like the labels.
std::string CheckKey(std::string_view policy, std::string_view binding, policy::CheckAction a,
                     policy::CheckError e) {
  std::string k;
  k.reserve(policy.size() + binding.size() + 4);
  k.append(policy);
  k.push_back('\0');
  k.append(binding);
  k.push_back('\0');
  k.push_back(static_cast<char>('0' + static_cast<int>(e)));
  k.push_back(static_cast<char>('0' + static_cast<int>(a)));
  return k;
}

// Prometheus text format label value escaping.
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void AppendF(std::string* out, const char* fmt, auto... args) {
  int n = std::snprintf(nullptr, 0, fmt, args...);
  if (n <= 0) return;
  size_t old = out->size();
  out->resize(old + static_cast<size_t>(n) + 1);
  std::snprintf(out->data() + old, static_cast<size_t>(n) + 1, fmt, args...);
  out->resize(old + static_cast<size_t>(n));
}

}  // namespace

struct alignas(64) Metrics::Shard {
  std::atomic<uint64_t> count[kNumOperations][kNumVerdicts] = {};
  std::atomic<uint64_t> sum_ns[kNumOperations][kNumVerdicts] = {};
  std::atomic<uint64_t> buckets[kNumOperations][kNumVerdicts][kNumBuckets] = {};
  std::atomic<uint64_t> http[kNumCodes] = {};
  std::mutex checks_mu;  // taken by this shard's thread and by Render only
  std::map<std::string, CheckSeries> checks;
};

Operation ParseOperation(std::string_view op) {
  if (op == "CREATE") return Operation::kCreate;
  if (op == "UPDATE") return Operation::kUpdate;
  if (op == "DELETE") return Operation::kDelete;
  if (op == "CONNECT") return Operation::kConnect;
  return Operation::kOther;
}

Metrics::Metrics(int shards)
    : num_shards_(shards < 1 ? 1 : shards), shards_(new Shard[num_shards_]) {}
Metrics::~Metrics() = default;

void Metrics::SetThreadShard(int i) { t_shard = i; }

void Metrics::RecordReview(Operation op, Verdict v, double seconds) {
  Shard& s = shards_[t_shard % num_shards_];
  int o = static_cast<int>(op), d = static_cast<int>(v);
  s.count[o][d].fetch_add(1, std::memory_order_relaxed);
  s.sum_ns[o][d].fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  for (int b = 0; b < kNumBuckets; ++b) {
    if (seconds <= kBuckets[b]) {
      s.buckets[o][d][b].fetch_add(1, std::memory_order_relaxed);  // non-cumulative here
      break;
    }
  }
}

void Metrics::RecordPolicyCheck(std::string_view policy, std::string_view binding,
                                policy::CheckAction action, policy::CheckError error,
                                int64_t elapsed_ns) {
  Shard& s = shards_[t_shard % num_shards_];
  double seconds = static_cast<double>(elapsed_ns) / 1e9;
  std::string key = CheckKey(policy, binding, action, error);
  std::lock_guard<std::mutex> lock(s.checks_mu);
  CheckSeries& c = s.checks[std::move(key)];
  ++c.count;
  c.sum += seconds;
  for (int b = 0; b < kNumCheckBuckets; ++b) {
    if (seconds <= kCheckBuckets[b]) {
      ++c.buckets[b];
      break;
    }
  }
}

void Metrics::RecordHttpStatus(int code) {
  int i = kNumCodes - 1;
  for (int k = 0; k < kNumCodes - 1; ++k) {
    if (kCodes[k] == code) {
      i = k;
      break;
    }
  }
  shards_[t_shard % num_shards_].http[i].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::PolicySetLoaded(uint64_t generation, int64_t unix_seconds) {
  policy_generation_.store(generation, std::memory_order_relaxed);
  policy_loaded_at_.store(unix_seconds, std::memory_order_relaxed);
}

void Metrics::CertificateLoaded(int64_t not_after_unix, bool reload) {
  cert_not_after_.store(not_after_unix, std::memory_order_relaxed);
  if (reload) cert_reloads_.fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  out.reserve(16384);
  auto r = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };

  out +=
      "# HELP celgate_admission_requests_total AdmissionReviews answered, by operation and "
      "verdict (allow, warn = allowed with warnings, deny, error = no review answer).\n"
      "# TYPE celgate_admission_requests_total counter\n";
  uint64_t counts[kNumOperations][kNumVerdicts] = {};
  uint64_t sums[kNumOperations][kNumVerdicts] = {};
  uint64_t buckets[kNumOperations][kNumVerdicts][kNumBuckets] = {};
  uint64_t http[kNumCodes] = {};
  for (int i = 0; i < num_shards_; ++i) {
    const Shard& s = shards_[i];
    for (int o = 0; o < kNumOperations; ++o) {
      for (int d = 0; d < kNumVerdicts; ++d) {
        counts[o][d] += r(s.count[o][d]);
        sums[o][d] += r(s.sum_ns[o][d]);
        for (int b = 0; b < kNumBuckets; ++b) buckets[o][d][b] += r(s.buckets[o][d][b]);
      }
    }
    for (int c = 0; c < kNumCodes; ++c) http[c] += r(s.http[c]);
  }
  for (int o = 0; o < kNumOperations; ++o) {
    for (int d = 0; d < kNumVerdicts; ++d) {
      if (counts[o][d] == 0) continue;
      AppendF(&out, "celgate_admission_requests_total{operation=\"%s\",decision=\"%s\"} %llu\n",
              kOpNames[o], kVerdictNames[d], static_cast<unsigned long long>(counts[o][d]));
    }
  }
  out +=
      "# HELP celgate_admission_request_duration_seconds Time from the end of the request "
      "headers to the response being queued, by operation and verdict.\n"
      "# TYPE celgate_admission_request_duration_seconds histogram\n";
  for (int o = 0; o < kNumOperations; ++o) {
    for (int d = 0; d < kNumVerdicts; ++d) {
      if (counts[o][d] == 0) continue;
      uint64_t cum = 0;
      for (int b = 0; b < kNumBuckets; ++b) {
        cum += buckets[o][d][b];
        AppendF(&out,
                "celgate_admission_request_duration_seconds_bucket{operation=\"%s\","
                "decision=\"%s\",le=\"%g\"} %llu\n",
                kOpNames[o], kVerdictNames[d], kBuckets[b], static_cast<unsigned long long>(cum));
      }
      AppendF(&out,
              "celgate_admission_request_duration_seconds_bucket{operation=\"%s\",decision=\"%s\","
              "le=\"+Inf\"} %llu\n",
              kOpNames[o], kVerdictNames[d], static_cast<unsigned long long>(counts[o][d]));
      AppendF(&out,
              "celgate_admission_request_duration_seconds_sum{operation=\"%s\",decision=\"%s\"} "
              "%.9f\n",
              kOpNames[o], kVerdictNames[d], static_cast<double>(sums[o][d]) / 1e9);
      AppendF(&out,
              "celgate_admission_request_duration_seconds_count{operation=\"%s\","
              "decision=\"%s\"} %llu\n",
              kOpNames[o], kVerdictNames[d], static_cast<unsigned long long>(counts[o][d]));
    }
  }
  std::map<std::string, CheckSeries> checks;
  for (int i = 0; i < num_shards_; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].checks_mu);
    for (const auto& [key, c] : shards_[i].checks) {
      CheckSeries& t = checks[key];
      t.count += c.count;
      t.sum += c.sum;
      for (int b = 0; b < kNumCheckBuckets; ++b) t.buckets[b] += c.buckets[b];
    }
  }
  // Labels of a series key (see CheckKey).
  auto labels = [](const std::string& key) {
    size_t a = key.find('\0');
    size_t b = key.find('\0', a + 1);
    auto err = static_cast<policy::CheckError>(key[b + 1] - '0');
    auto act = static_cast<policy::CheckAction>(key[b + 2] - '0');
    return "policy=\"" + LabelValue(std::string_view(key).substr(0, a)) +
           "\",policy_binding=\"" + LabelValue(std::string_view(key).substr(a + 1, b - a - 1)) +
           "\",error_type=\"" + std::string(policy::CheckErrorName(err)) +
           "\",enforcement_action=\"" + std::string(policy::CheckActionName(act)) + "\"";
  };
  out +=
      "# HELP celgate_validating_admission_policy_check_total Validation admission policy "
      "checks, as kube-apiserver's apiserver_validating_admission_policy_check_total: one per "
      "failed or erroring validation and enforcement action.\n"
      "# TYPE celgate_validating_admission_policy_check_total counter\n";
  for (const auto& [key, c] : checks) {
    AppendF(&out, "celgate_validating_admission_policy_check_total{%s} %llu\n",
            labels(key).c_str(), static_cast<unsigned long long>(c.count));
  }
  out +=
      "# HELP celgate_validating_admission_policy_check_duration_seconds Evaluation time of "
      "those validation expressions (kube-apiserver's buckets).\n"
      "# TYPE celgate_validating_admission_policy_check_duration_seconds histogram\n";
  for (const auto& [key, c] : checks) {
    std::string l = labels(key);
    uint64_t cum = 0;
    for (int b = 0; b < kNumCheckBuckets; ++b) {
      cum += c.buckets[b];
      AppendF(&out,
              "celgate_validating_admission_policy_check_duration_seconds_bucket{%s,le=\"%g\"} "
              "%llu\n",
              l.c_str(), kCheckBuckets[b], static_cast<unsigned long long>(cum));
    }
    AppendF(&out,
            "celgate_validating_admission_policy_check_duration_seconds_bucket{%s,le=\"+Inf\"} "
            "%llu\n",
            l.c_str(), static_cast<unsigned long long>(c.count));
    AppendF(&out, "celgate_validating_admission_policy_check_duration_seconds_sum{%s} %.9f\n",
            l.c_str(), c.sum);
    AppendF(&out, "celgate_validating_admission_policy_check_duration_seconds_count{%s} %llu\n",
            l.c_str(), static_cast<unsigned long long>(c.count));
  }

  out +=
      "# HELP celgate_http_responses_total HTTP responses by status code (other = any code "
      "not listed).\n# TYPE celgate_http_responses_total counter\n";
  for (int c = 0; c < kNumCodes; ++c) {
    if (http[c] == 0) continue;
    if (kCodes[c] == 0) {
      AppendF(&out, "celgate_http_responses_total{code=\"other\"} %llu\n",
              static_cast<unsigned long long>(http[c]));
    } else {
      AppendF(&out, "celgate_http_responses_total{code=\"%d\"} %llu\n", kCodes[c],
              static_cast<unsigned long long>(http[c]));
    }
  }
  AppendF(&out,
          "# HELP celgate_connections_active Open client connections.\n"
          "# TYPE celgate_connections_active gauge\ncelgate_connections_active %lld\n"
          "# HELP celgate_connections_total Accepted connections.\n"
          "# TYPE celgate_connections_total counter\ncelgate_connections_total %llu\n"
          "# HELP celgate_connections_rejected_total Connections closed at once because the "
          "connection cap was reached.\n"
          "# TYPE celgate_connections_rejected_total counter\n"
          "celgate_connections_rejected_total %llu\n"
          "# HELP celgate_tls_handshake_errors_total Failed TLS handshakes.\n"
          "# TYPE celgate_tls_handshake_errors_total counter\n"
          "celgate_tls_handshake_errors_total %llu\n",
          static_cast<long long>(connections_active_.load(std::memory_order_relaxed)),
          static_cast<unsigned long long>(r(connections_total_)),
          static_cast<unsigned long long>(r(connections_rejected_)),
          static_cast<unsigned long long>(r(handshake_errors_)));
  AppendF(&out,
          "# HELP celgate_policy_set_generation Generation of the policy set in use (1 = first "
          "load; +1 per successful reload).\n"
          "# TYPE celgate_policy_set_generation gauge\ncelgate_policy_set_generation %llu\n"
          "# HELP celgate_policy_set_last_load_timestamp_seconds Unix time of the last "
          "successful policy load.\n"
          "# TYPE celgate_policy_set_last_load_timestamp_seconds gauge\n"
          "celgate_policy_set_last_load_timestamp_seconds %lld\n"
          "# HELP celgate_policy_load_errors_total Policy reloads rejected (the previous set "
          "stayed in use).\n"
          "# TYPE celgate_policy_load_errors_total counter\ncelgate_policy_load_errors_total %llu\n",
          static_cast<unsigned long long>(r(policy_generation_)),
          static_cast<long long>(policy_loaded_at_.load(std::memory_order_relaxed)),
          static_cast<unsigned long long>(r(policy_load_errors_)));
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  AppendF(&out,
          "# HELP celgate_tls_certificate_expiry_seconds Seconds until the serving certificate's "
          "notAfter (negative once expired).\n"
          "# TYPE celgate_tls_certificate_expiry_seconds gauge\n"
          "celgate_tls_certificate_expiry_seconds %lld\n"
          "# HELP celgate_tls_certificate_reloads_total Serving certificate reloads.\n"
          "# TYPE celgate_tls_certificate_reloads_total counter\n"
          "celgate_tls_certificate_reloads_total %llu\n"
          "# HELP celgate_tls_certificate_reload_errors_total Certificate reloads rejected (the "
          "previous certificate stayed in use).\n"
          "# TYPE celgate_tls_certificate_reload_errors_total counter\n"
          "celgate_tls_certificate_reload_errors_total %llu\n",
          static_cast<long long>(cert_not_after_.load(std::memory_order_relaxed) - now),
          static_cast<unsigned long long>(r(cert_reloads_)),
          static_cast<unsigned long long>(r(cert_reload_errors_)));
  return out;
}

}  // namespace celgate::server
