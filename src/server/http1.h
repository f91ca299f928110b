// server/http1.h: the server side of one HTTP/1.1 connection, without any I/O.
//
// Http1Session turns the plaintext bytes a client sends into requests for an HttpApp and the
// app's answers into response bytes. The socket/TLS layer (server.cc) only moves bytes: it
// feeds what it reads, writes what the session produced, and closes when the session says so.
// Keeping the protocol free of I/O lets unit tests and the HTTP fuzz target (fuzz/) drive the
// exact code the server runs, byte by byte.
//
// Request framing is Boost.Beast's basic_parser (RFC 9112: request line, fields, Content-Length
// and chunked bodies, limits); this file adds what a webhook needs on top: an early look at the
// headers (reject wrong method/path/type/size before reading a body), Expect: 100-continue,
// keep-alive and pipelining, Connection: close while draining, 400/408/413/431 answers for
// protocol errors, and responses formatted straight into the output buffer (one write).
//
// Not thread-safe; one session per connection. No allocation per request once the connection's
// buffers have grown to the largest request seen.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace celgate::server {

enum class HttpMethod : uint8_t { kGet, kHead, kPost, kOther };

// One request as the app sees it. Views are valid during the callback only.
struct HttpRequest {
  HttpMethod method = HttpMethod::kOther;
  std::string_view method_name;
  std::string_view target;        // origin-form: path and optional ?query
  std::string_view content_type;  // raw Content-Type value
  std::optional<uint64_t> content_length;
  std::string_view body;          // complete body (OnRequest only)
  bool body_pending = false;      // OnHeaders: a body follows the header
};

struct HttpResponse {
  int status = 200;
  std::string_view content_type;  // must outlive the callback (static strings)
  std::string body;
  std::string_view allow;         // Allow header (405), empty = none
  bool close = false;             // close the connection after this response
  // HEAD: send the headers of the GET answer (Content-Length of `body`) without the body.
  bool head = false;
};

// What the protocol layer needs from the application. Called synchronously from Feed().
class HttpApp {
 public:
  virtual ~HttpApp() = default;
  // The header is complete (body not read yet). Return true to answer now with `res`; when a
  // body was announced it is then not read, and the connection closes after the answer.
  virtual bool OnHeaders(const HttpRequest& req, HttpResponse* res) = 0;
  // The complete request. `res` starts as a 200 with no body.
  virtual void OnRequest(const HttpRequest& req, HttpResponse* res) = 0;
  // The session answered a protocol error itself (400, 408, 413, 431).
  virtual void OnProtocolError(int status) { (void)status; }
  // Every response written (after OnHeaders/OnRequest or a protocol error), with its status.
  virtual void OnResponse(int status) { (void)status; }
};

// A metav1.Status failure body, as kube-apiserver writes for errors:
// {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":...,
//  "reason":...,"code":...}.
std::string StatusBody(int code, std::string_view reason, std::string_view message);

struct Http1Limits {
  size_t max_header_bytes = 64 << 10;
  size_t max_body_bytes = 16 << 20;
};

class Http1Session {
 public:
  // Where the connection is, for the I/O layer's timeouts and for shutdown.
  enum class Phase : uint8_t {
    kIdle,     // between requests, nothing buffered (idle timeout; closed at once on drain)
    kHeader,   // part of a request header received (header timeout)
    kBody,     // header complete, body incomplete (body timeout)
    kClosing,  // the last response is in the output; no more input is processed
  };

  Http1Session(HttpApp* app, Http1Limits limits);
  ~Http1Session();
  Http1Session(const Http1Session&) = delete;
  Http1Session& operator=(const Http1Session&) = delete;

  // Consumes `data` (any split of the byte stream) and appends response bytes (including
  // 100 Continue interim responses) to `out`. Requests are answered in order.
  void Feed(std::string_view data, std::string* out);
  // The peer closed its sending side. A partial request is dropped (nobody could read an
  // answer reliably); returns with phase() == kClosing.
  void OnEof();
  // The I/O layer's timer for the current phase ran out. In kHeader/kBody this appends a 408
  // answer; the connection then closes.
  void OnTimeout(std::string* out);
  // The server is shutting down: every later response carries Connection: close.
  void SetDraining() { draining_ = true; }
  // Same, decided when each response is written: the server's shutdown flag, which another
  // thread may set at any time. Must outlive the session.
  void WatchDrainFlag(const std::atomic<bool>* flag) { drain_flag_ = flag; }

  Phase phase() const { return phase_; }
  // Requests whose first byte has arrived. With phase(), tells the I/O layer when a new
  // phase began: a phase's timeout runs from its start, whatever trickles in meanwhile.
  uint64_t requests_started() const { return requests_started_; }
  // True when the connection must be closed once `out` has been written.
  bool closing() const { return phase_ == Phase::kClosing; }
  // True when a request's body was left unread (early answer): the I/O layer should read and
  // discard for a little while before closing, so the client sees the answer, not a reset.
  bool unread_body() const { return unread_body_; }

  static std::string_view Reason(int status);

 private:
  class Parser;
  // Parses from `data`; returns bytes consumed, or stops with a phase change.
  size_t Parse(std::string_view data, std::string* out);
  void StartRequest();
  void Finish(HttpResponse& res, std::string* out, bool keep_alive, bool http10);
  void ProtocolError(int status, std::string_view reason, std::string_view message,
                     std::string* out);

  HttpApp* app_;
  Http1Limits limits_;
  std::unique_ptr<Parser> parser_;  // current request; reset between requests
  std::string pending_;             // unconsumed bytes of an incomplete header
  std::string body_;                // body of the current request (capacity kept)
  HttpResponse res_;                // reused between requests (keeps its body capacity)
  Phase phase_ = Phase::kIdle;
  uint64_t requests_started_ = 0;
  bool draining_ = false;
  const std::atomic<bool>* drain_flag_ = nullptr;
  bool Draining() {
    if (!draining_ && drain_flag_ != nullptr && drain_flag_->load(std::memory_order_relaxed)) {
      draining_ = true;
    }
    return draining_;
  }
  bool unread_body_ = false;
  bool headers_seen_ = false;  // OnHeaders ran for the current request
};

}  // namespace celgate::server
