// server/app.cc: AdmissionApp (server/app.h).
#include "server/app.h"

#include <boost/beast/core/string.hpp>
#include <charconv>

#include "server/log.h"
#include "server/metrics.h"

namespace celgate::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain";

std::string_view QueryParam(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = kv.find('=');
    if (kv.substr(0, eq) == key) {
      return eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1);
    }
  }
  return {};
}

void Fail(HttpResponse* res, int code, std::string_view reason, std::string_view message) {
  res->status = code;
  res->content_type = kJson;
  res->body = StatusBody(code, reason, message);
}

}  // namespace

bool ParseGoDuration(std::string_view s, std::chrono::nanoseconds* out) {
  if (s.empty()) return false;
  double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return false;
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + i, v);
    if (ec != std::errc() || p != s.data() + i) return false;
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && !((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) ++j;
    std::string_view unit = s.substr(0, j);
    s.remove_prefix(j);
    double mult;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1e3;
    else if (unit == "ms") mult = 1e6;
    else if (unit == "s") mult = 1e9;
    else if (unit == "m") mult = 60e9;
    else if (unit == "h") mult = 3600e9;
    else return false;
    total += v * mult;
  }
  if (total > 3600e9) total = 3600e9;
  *out = std::chrono::nanoseconds(static_cast<int64_t>(total));
  return true;
}

std::chrono::nanoseconds ReviewBudget(std::chrono::nanoseconds t) {
  auto a = t - std::chrono::seconds(1);
  auto b = t / 2;
  return a > b ? a : b;
}

bool AdmissionApp::OnHeaders(const HttpRequest& req, HttpResponse* res) {
  std::string_view path = req.target.substr(0, req.target.find('?'));
  if (admission_ && path == ctx_.validate_path) {
    if (req.method != HttpMethod::kPost) {
      Fail(res, 405, "MethodNotAllowed", "use POST for AdmissionReviews");
      res->allow = "POST";
      ctx_.metrics->RecordReview(Operation::kOther, Verdict::kError, 0);
      return true;
    }
    std::string_view media = req.content_type.substr(0, req.content_type.find(';'));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
    if (!boost::beast::iequals(media, kJson)) {
      Fail(res, 415, "UnsupportedMediaType",
           "Content-Type must be application/json, got '" + std::string(req.content_type) + "'");
      ctx_.metrics->RecordReview(Operation::kOther, Verdict::kError, 0);
      return true;
    }
    if (req.content_length && *req.content_length > ctx_.max_body_bytes) {
      Fail(res, 413, "RequestEntityTooLarge",
           "request body of " + std::to_string(*req.content_length) +
               " bytes exceeds the limit of " + std::to_string(ctx_.max_body_bytes));
      ctx_.metrics->RecordReview(Operation::kOther, Verdict::kError, 0);
      return true;
    }
    start_ = Clock::now();
    return false;  // read the body, then OnRequest
  }
  if (path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/livez") {
    if (req.method != HttpMethod::kGet && req.method != HttpMethod::kHead) {
      Fail(res, 405, "MethodNotAllowed", "use GET");
      res->allow = "GET, HEAD";
      return true;
    }
    res->status = 200;
    res->content_type = kText;
    if (path == "/metrics") {
      res->content_type = "text/plain; version=0.0.4; charset=utf-8";
      res->body = ctx_.metrics->Render();
    } else if (path == "/readyz" && ctx_.ready != nullptr && !ctx_.ready->load()) {
      res->status = 503;
      res->body = ctx_.draining != nullptr && ctx_.draining->load() ? "shutting down\n"
                                                                    : "not ready\n";
    } else {
      res->body = "ok\n";
    }
    res->head = req.method == HttpMethod::kHead;
    return true;
  }
  Fail(res, 404, "NotFound", "no such path: " + std::string(path));
  return true;
}

void AdmissionApp::CheckRecorder::Record(std::string_view policy, std::string_view binding,
                                         policy::CheckAction action, policy::CheckError error,
                                         int64_t elapsed_ns) {
  metrics_->RecordPolicyCheck(policy, binding, action, error, elapsed_ns);
}

void AdmissionApp::OnRequest(const HttpRequest& req, HttpResponse* res) { Validate(req, res); }

void AdmissionApp::OnProtocolError(int status) {
  if (status == 413) ctx_.metrics->RecordReview(Operation::kOther, Verdict::kError, 0);
}

void AdmissionApp::OnResponse(int status) { ctx_.metrics->RecordHttpStatus(status); }

void AdmissionApp::Validate(const HttpRequest& req, HttpResponse* res) {
  std::string_view query;
  if (size_t q = req.target.find('?'); q != std::string_view::npos) {
    query = req.target.substr(q + 1);
  }
  std::chrono::nanoseconds timeout = ctx_.default_review_timeout;
  if (std::string_view t = QueryParam(query, "timeout"); !t.empty()) ParseGoDuration(t, &timeout);
  Deadline deadline = Deadline::At(start_ + ReviewBudget(timeout));

  std::shared_ptr<const admission::Handler> handler = ctx_.handlers();
  if (handler == nullptr) {
    Fail(res, 503, "ServiceUnavailable", "no policy set loaded");
    ctx_.metrics->RecordReview(Operation::kOther, Verdict::kError, 0);
    return;
  }
  StatusOr<std::string> out = handler->Review(req.body, deadline, &info_);
  double secs = std::chrono::duration<double>(Clock::now() - start_).count();
  if (!out.ok()) {
    bool bad = out.status().code() == StatusCode::kInvalidArgument;
    Fail(res, bad ? 400 : 500, bad ? "BadRequest" : "InternalError", out.status().message());
    ctx_.metrics->RecordReview(Operation::kOther, Verdict::kError, secs);
    LogWarn("admission review failed", {{"error", out.status().message()}});
    return;
  }
  Verdict verdict = info_.verdict == admission::ReviewInfo::Verdict::kDeny   ? Verdict::kDeny
                    : info_.verdict == admission::ReviewInfo::Verdict::kWarn ? Verdict::kWarn
                                                                             : Verdict::kAllow;
  ctx_.metrics->RecordReview(ParseOperation(info_.operation), verdict, secs);
  if (LogEnabled(LogLevel::kInfo)) {
    static constexpr const char* kVerdict[] = {"allow", "warn", "deny", "error"};
    LogInfo("admission review", {{"uid", info_.uid},
                                 {"kind", info_.kind},
                                 {"namespace", info_.ns},
                                 {"name", info_.name},
                                 {"operation", info_.operation},
                                 {"decision", kVerdict[static_cast<int>(verdict)]},
                                 {"latency_ms", secs * 1e3}});
  }
  if (LogEnabled(LogLevel::kDebug)) {
    Log(LogLevel::kDebug, "admission review body", {{"request", req.body}, {"response", *out}});
  }
  res->status = 200;
  res->content_type = kJson;
  res->body = std::move(*out);
}

}  // namespace celgate::server
