// fuzz/http_fuzzer.cc: libFuzzer target for the server's request path without sockets:
// bytes -> Http1Session (framing, limits, keep-alive, pipelining) -> AdmissionApp (routing,
// header checks, /healthz /readyz /metrics) -> admission::Handler::Review -> response bytes.
// It is the code `celgate serve` runs on the plaintext of every connection (server.cc only
// adds TLS and sockets), reliability.md 8.1.
//
// Input layout: byte 0 picks how the rest is split into Feed() calls (1..64 bytes, or all at
// once) and whether the stream ends with a timeout or a drain; the rest is the byte stream.
//
// Invariants: no crash, leak or UB; the output is a sequence of complete HTTP/1.1 responses
// (status line, Content-Length, exactly that many body bytes unless the answer is to HEAD),
// one per response the app was told about, plus 100 Continue interim answers; once the
// session is closing, further input produces nothing.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "admission/handler.h"
#include "policy/loader.h"
#include "policy/object_store.h"
#include "policy/policy.h"
#include "server/app.h"
#include "server/http1.h"
#include "server/log.h"
#include "server/metrics.h"

#ifndef CELGATE_FUZZ_TESTDATA
#error "CELGATE_FUZZ_TESTDATA must name test/testdata (set by fuzz/CMakeLists.txt)"
#endif

namespace {

using namespace celgate;  // NOLINT: fuzz target

struct Engine {
  std::shared_ptr<const admission::Handler> handler;
  std::unique_ptr<server::Metrics> metrics;
  std::atomic<bool> ready{true};
  std::atomic<bool> draining{false};
  server::AppContext ctx;
};

Engine* MakeEngine() {
  server::SetLogLevel(server::LogLevel::kError);  // refused reviews log at warn: keep quiet
  policy::Manifests m;
  const std::string dir = std::string(CELGATE_FUZZ_TESTDATA) + "/policy/replicas/";
  Status s = policy::LoadPaths({dir + "policy.yaml", dir + "params.yaml"}, {}, &m);
  if (!s.ok() || m.has_errors()) std::abort();  // the fixed policy set must load cleanly
  std::shared_ptr<const policy::PolicySet> set = policy::BuildPolicySet(m);
  auto store = std::make_shared<policy::ObjectStore>(m.objects);
  auto* e = new Engine();
  e->handler = admission::NewHandler([set] { return set; }, store);
  e->metrics = std::make_unique<server::Metrics>(1);
  e->ctx.max_body_bytes = 64 << 10;
  std::shared_ptr<const admission::Handler> h = e->handler;
  e->ctx.handlers = [h] { return h; };
  e->ctx.metrics = e->metrics.get();
  e->ctx.ready = &e->ready;
  e->ctx.draining = &e->draining;
  return e;
}

// Forwards to the real app and records what each response must look like.
class Recorder final : public server::HttpApp {
 public:
  explicit Recorder(server::HttpApp* inner) : inner_(inner) {}
  bool OnHeaders(const server::HttpRequest& req, server::HttpResponse* res) override {
    bool early = inner_->OnHeaders(req, res);
    if (early) head_next_ = res->head;
    return early;
  }
  void OnRequest(const server::HttpRequest& req, server::HttpResponse* res) override {
    inner_->OnRequest(req, res);
    head_next_ = res->head;
  }
  void OnProtocolError(int status) override {
    inner_->OnProtocolError(status);
    head_next_ = false;
  }
  void OnResponse(int status) override {
    inner_->OnResponse(status);
    expected.push_back({status, head_next_});
    head_next_ = false;
  }
  struct Expected {
    int status;
    bool head;
  };
  std::vector<Expected> expected;

 private:
  server::HttpApp* inner_;
  bool head_next_ = false;
};

// Checks that `out` is exactly the responses in `expected` (100 Continue lines allowed).
void CheckOutput(std::string_view out, const std::vector<Recorder::Expected>& expected) {
  size_t next = 0;
  while (!out.empty()) {
    size_t end = out.find("\r\n\r\n");
    if (end == std::string_view::npos || out.substr(0, 9) != "HTTP/1.1 ") std::abort();
    std::string_view head = out.substr(0, end + 2);
    out.remove_prefix(end + 4);
    int status = std::atoi(std::string(head.substr(9, 3)).c_str());
    if (status == 100) continue;
    if (next >= expected.size() || expected[next].status != status) std::abort();
    size_t cl = head.find("\r\nContent-Length: ");
    if (cl == std::string_view::npos) std::abort();
    size_t len = std::strtoull(std::string(head.substr(cl + 18)).c_str(), nullptr, 10);
    if (!expected[next].head) {
      if (out.size() < len) std::abort();
      out.remove_prefix(len);
    }
    ++next;
  }
  if (next != expected.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Engine* engine = MakeEngine();
  if (size == 0) return 0;
  const uint8_t control = data[0];
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t step = (control & 0x3F) == 0 ? stream.size() + 1 : (control & 0x3F);

  server::AdmissionApp app(&engine->ctx, /*admission=*/true);
  Recorder recorder(&app);
  server::Http1Limits limits;
  limits.max_header_bytes = 4096;
  limits.max_body_bytes = engine->ctx.max_body_bytes;
  server::Http1Session session(&recorder, limits);
  std::string out;
  for (size_t i = 0; i < stream.size(); i += step) {
    bool was_closing = session.closing();
    size_t before = out.size();
    session.Feed(stream.substr(i, step), &out);
    if (was_closing && out.size() != before) std::abort();  // nothing after the close
  }
  if (control & 0x80) session.OnTimeout(&out);
  if ((control & 0x40) && session.phase() == server::Http1Session::Phase::kIdle) {
    session.SetDraining();
    session.Feed("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", &out);
    if (!session.closing()) std::abort();  // a drained session answers once, then closes
  }
  CheckOutput(out, recorder.expected);
  return 0;
}
