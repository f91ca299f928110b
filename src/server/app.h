// server/app.h: what `celgate serve` answers, independent of sockets and TLS.
//
// AdmissionApp is the HttpApp (server/http1.h) of one connection:
//   POST <validate_path>[?timeout=..]  -> admission::Handler::Review (the engine entry point)
//   GET|HEAD /healthz /livez /readyz /metrics
// It checks method, path, Content-Type and size from the header (before any body is read),
// turns the review answer into metrics and one log line, and words every refusal as a
// metav1.Status. The I/O layer (server.cc) and the HTTP fuzz target both drive it through an
// Http1Session.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "admission/handler.h"
#include "policy/evaluator.h"
#include "server/http1.h"
#include "server/server.h"

namespace celgate::server {

class Metrics;

// Shared by every connection of a server; read-only while serving except the flags.
struct AppContext {
  std::string validate_path = "/validate";
  std::chrono::nanoseconds default_review_timeout = std::chrono::seconds(10);
  size_t max_body_bytes = 16 << 20;
  HandlerSource handlers;
  Metrics* metrics = nullptr;              // required
  const std::atomic<bool>* ready = nullptr;     // /readyz; null = always ready
  const std::atomic<bool>* draining = nullptr;  // /readyz wording; null = never
};

class AdmissionApp final : public HttpApp {
 public:
  // `admission`: serve the validate path (the TLS port); the plain metrics port does not.
  AdmissionApp(const AppContext* ctx, bool admission)
      : ctx_(*ctx), admission_(admission), checks_(ctx->metrics) {
    info_.checks = &checks_;
  }

  bool OnHeaders(const HttpRequest& req, HttpResponse* res) override;
  void OnRequest(const HttpRequest& req, HttpResponse* res) override;
  void OnProtocolError(int status) override;
  void OnResponse(int status) override;

 private:
  void Validate(const HttpRequest& req, HttpResponse* res);

  // Per-policy check records -> the celgate_validating_admission_policy_check_* families.
  class CheckRecorder final : public policy::CheckSink {
   public:
    explicit CheckRecorder(Metrics* m) : metrics_(m) {}
    void Record(std::string_view policy, std::string_view binding, policy::CheckAction action,
                policy::CheckError error, int64_t elapsed_ns) override;

   private:
    Metrics* metrics_;
  };

  const AppContext& ctx_;
  bool admission_;
  std::chrono::steady_clock::time_point start_;
  CheckRecorder checks_;
  admission::ReviewInfo info_;  // reused: keeps its strings' capacity
};

// Parses a Go duration as kube-apiserver writes ?timeout= ("10s", "1m30s", "500ms"); false on
// anything else.
bool ParseGoDuration(std::string_view s, std::chrono::nanoseconds* out);

// The time a review may take given kube-apiserver's ?timeout=. The apiserver rounds the time
// left UP to whole seconds, so the real budget is in (t-1s, t]: keep max(t-1s, t/2).
std::chrono::nanoseconds ReviewBudget(std::chrono::nanoseconds timeout);

}  // namespace celgate::server
