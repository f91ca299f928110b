// server/server.cc: Beast/Asio implementation of server/server.h. The only translation unit of
// the server that includes Beast (it is heavy to compile): listener, per-connection coroutine,
// routing, limits, admission endpoint and graceful shutdown.
#include "server/server.h"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <thread>
#include <unordered_set>
#include <vector>

#include "json/json.h"
#include "net/tls.h"
#include "server/internal/envelope.h"
#include "server/log.h"
#include "server/metrics.h"

namespace celgate::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Parses a Go duration string as kube-apiserver writes ?timeout= ("10s", "1m30s", "500ms").
// Returns false on anything else.
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

// The time the review may take given kube-apiserver's ?timeout=: the apiserver rounds the time
// left UP to whole seconds, so the real budget is in (t-1s, t]; keep max(t-1s, t/2).
std::chrono::nanoseconds ReviewBudget(std::chrono::nanoseconds t) {
  auto a = t - std::chrono::seconds(1);
  auto b = t / 2;
  return a > b ? a : b;
}

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

std::string StatusBody(int code, std::string_view reason, std::string_view message) {
  std::string out = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},";
  out += "\"status\":\"Failure\",\"message\":" + json::Quote(message);
  out += ",\"reason\":\"" + std::string(reason) + "\",\"code\":" + std::to_string(code) + "}";
  return out;
}

// One open connection, as seen by shutdown: idle connections are cancelled at once.
struct ConnState {
  bool idle = true;
  beast::tcp_stream* lowest = nullptr;
};

struct Worker {
  std::unordered_set<ConnState*> conns;  // touched only on this worker's thread
  asio::io_context ioc{1};
  int index = 0;
};

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& o, net::TlsContextStore* tls, HandlerSource h, Metrics* m)
      : options_(o), tls_(tls), handlers_(std::move(h)), metrics_(m) {
    int n = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
    if (n < 1) n = 1;
    for (int i = 0; i < n; ++i) {
      workers_.push_back(std::make_unique<Worker>());
      workers_.back()->index = i;
    }
  }

  Status Bind() {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(options_.address, ec);
    if (ec) return InvalidArgumentError("bad listen address '" + options_.address + "'");
    for (int k = 0; k < 2; ++k) {
      int port = k == 0 ? options_.port : options_.metrics_port;
      if (k == 1 && port < 0) break;
      auto acc = std::make_unique<tcp::acceptor>(workers_[0]->ioc);
      tcp::endpoint ep(addr, static_cast<unsigned short>(port));
      acc->open(ep.protocol(), ec);
      if (!ec) acc->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acc->bind(ep, ec);
      if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        return UnavailableError("cannot listen on " + options_.address + ":" +
                                std::to_string(port) + ": " + ec.message());
      }
      (k == 0 ? tls_acceptor_ : plain_acceptor_) = std::move(acc);
    }
    return OkStatus();
  }

  int port() const override { return tls_acceptor_->local_endpoint().port(); }
  int metrics_port() const override {
    return plain_acceptor_ ? plain_acceptor_->local_endpoint().port() : -1;
  }

  void Run() override {
    asio::co_spawn(workers_[0]->ioc, Accept(*tls_acceptor_, true), asio::detached);
    if (plain_acceptor_) {
      asio::co_spawn(workers_[0]->ioc, Accept(*plain_acceptor_, false), asio::detached);
    }
    std::unique_ptr<asio::signal_set> signals;
    if (options_.handle_signals) {
      signals = std::make_unique<asio::signal_set>(workers_[0]->ioc, SIGTERM, SIGINT, SIGHUP);
      WaitSignal(signals.get());
    }
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    for (auto& w : workers_) guards.push_back(asio::make_work_guard(w->ioc));
    ready_.store(true);
    std::vector<std::thread> threads;
    for (size_t i = 1; i < workers_.size(); ++i) {
      threads.emplace_back([this, i] { RunWorker(*workers_[i]); });
    }
    RunWorker(*workers_[0]);
    for (auto& t : threads) t.join();
    ready_.store(false);
  }

  void Shutdown() override {
    if (draining_.exchange(true)) return;
    ready_.store(false);
    asio::post(workers_[0]->ioc, [this] {
      boost::system::error_code ec;
      tls_acceptor_->close(ec);
      if (plain_acceptor_) plain_acceptor_->close(ec);
      drain_deadline_ = Clock::now() + options_.grace_period;
      LogInfo("shutting down", {{"connections", static_cast<long long>(
                                                    metrics_->connections_active())},
                                {"grace_period_s",
                                 std::chrono::duration<double>(options_.grace_period).count()}});
      asio::co_spawn(workers_[0]->ioc, DrainWatch(), asio::detached);
    });
    for (auto& w : workers_) {
      Worker* wp = w.get();
      asio::post(wp->ioc, [wp] {
        for (ConnState* c : wp->conns) {
          if (c->idle && c->lowest != nullptr) c->lowest->cancel();
        }
      });
    }
  }

 private:
  void RunWorker(Worker& w) {
    Metrics::SetThreadShard(w.index);
    for (;;) {
      try {
        w.ioc.run();
        return;
      } catch (const std::exception& e) {
        LogError("I/O thread caught an exception", {{"error", e.what()}});
      }
    }
  }

  void WaitSignal(asio::signal_set* signals) {
    signals->async_wait([this, signals](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        LogInfo("SIGHUP: reloading");
        if (options_.on_reload) options_.on_reload();
        WaitSignal(signals);
        return;
      }
      LogInfo("signal received", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      signals->cancel();
      if (options_.shutdown_delay.count() > 0) {
        ready_.store(false);
        LogInfo("still serving before the drain",
                {{"shutdown_delay_s", std::chrono::duration<double>(options_.shutdown_delay).count()}});
        auto timer = std::make_shared<asio::steady_timer>(workers_[0]->ioc, options_.shutdown_delay);
        timer->async_wait([this, timer](const boost::system::error_code&) { Shutdown(); });
      } else {
        Shutdown();
      }
    });
  }

  asio::awaitable<void> DrainWatch() {
    asio::steady_timer timer(workers_[0]->ioc);
    for (;;) {
      if (metrics_->connections_active() <= 0 || Clock::now() >= drain_deadline_) break;
      timer.expires_after(std::chrono::milliseconds(20));
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    int64_t left = metrics_->connections_active();
    if (left > 0) {
      LogWarn("grace period over: dropping connections", {{"connections", static_cast<long long>(left)}});
    } else {
      LogInfo("all connections closed");
    }
    for (auto& w : workers_) w->ioc.stop();
  }

  asio::awaitable<void> Accept(tcp::acceptor& acceptor, bool tls) {
    size_t next = 0;
    for (;;) {
      Worker& w = *workers_[next++ % workers_.size()];
      boost::system::error_code ec;
      tcp::socket sock = co_await acceptor.async_accept(
          w.ioc, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || draining_.load()) co_return;
        if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
          LogError("accept failed, pausing", {{"error", ec.message()}});
          asio::steady_timer t(workers_[0]->ioc, std::chrono::milliseconds(100));
          co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        continue;
      }
      if (metrics_->connections_active() >= options_.max_connections) {
        metrics_->ConnectionRejected();
        sock.close(ec);
        continue;
      }
      sock.set_option(tcp::no_delay(true), ec);
      if (tls) {
        asio::co_spawn(w.ioc, TlsSession(w, std::move(sock)), asio::detached);
      } else {
        asio::co_spawn(w.ioc, PlainSession(w, std::move(sock)), asio::detached);
      }
    }
  }

  // Registers a connection with its worker for shutdown, and counts it.
  struct ConnGuard {
    ConnGuard(Worker& w, Metrics* m, beast::tcp_stream* lowest) : w_(w), m_(m) {
      state.lowest = lowest;
      w_.conns.insert(&state);
      m_->ConnectionOpened();
    }
    ~ConnGuard() {
      w_.conns.erase(&state);
      m_->ConnectionClosed();
    }
    ConnState state;
    Worker& w_;
    Metrics* m_;
  };

  asio::awaitable<void> TlsSession(Worker& w, tcp::socket sock) {
    std::shared_ptr<ssl::context> ctx = tls_->Current();
    TlsStream stream(std::move(sock), *ctx);
    ConnGuard guard(w, metrics_, &beast::get_lowest_layer(stream));
    if (draining_.load()) co_return;
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(options_.handshake_timeout);
    co_await stream.async_handshake(ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      metrics_->HandshakeFailed();
      if (LogEnabled(LogLevel::kDebug)) {
        Log(LogLevel::kDebug, "TLS handshake failed", {{"error", ec.message()}});
      }
      co_return;
    }
    bool server_closed = co_await Serve(stream, guard.state, true);
    if (server_closed) {
      // Best-effort close_notify; never wait long for the peer's.
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
      co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  asio::awaitable<void> PlainSession(Worker& w, tcp::socket sock) {
    beast::tcp_stream stream(std::move(sock));
    ConnGuard guard(w, metrics_, &stream);
    co_await Serve(stream, guard.state, false);
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  template <class Stream>
  static bool Pending(Stream& s) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      return SSL_pending(s.native_handle()) > 0;
    } else {
      return false;
    }
  }

  // The HTTP/1.1 loop of one connection. Returns true when the server decided to close
  // (as opposed to the peer closing or an I/O error).
  template <class Stream>
  asio::awaitable<bool> Serve(Stream& stream, ConnState& state, bool admission) {
    beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      // Idle: wait for the first byte of the next request (cancelled at once on shutdown).
      state.idle = true;
      if (draining_.load()) co_return true;
      if (buffer.size() == 0 && !Pending(stream)) {
        lowest.expires_after(options_.idle_timeout);
        size_t n = co_await stream.async_read_some(
            buffer.prepare(8192), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return false;
        buffer.commit(n);
      }
      state.idle = false;

      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
      parser.body_limit(options_.max_body_bytes);
      lowest.expires_after(options_.header_timeout);
      co_await http::async_read_header(stream, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
      Response res;
      bool close = false;
      Clock::time_point start = Clock::now();
      if (ec) {
        if (ec == http::error::body_limit) {  // Content-Length beyond the limit
          Error(&res, 413, "RequestEntityTooLarge",
                "request body exceeds the limit of " + std::to_string(options_.max_body_bytes) +
                    " bytes");
          metrics_->RecordReview(Operation::kOther, Verdict::kError, 0);
        } else if (ec == http::error::header_limit) {
          Error(&res, 431, "RequestHeaderFieldsTooLarge", "request headers are too large");
        } else if (ec == beast::error::timeout) {
          Error(&res, 408, "Timeout", "request headers not received in time");
        } else if (ec == http::error::end_of_stream || ec == asio::error::eof ||
                   ec == asio::ssl::error::stream_truncated ||
                   ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
          co_return false;
        } else {
          Error(&res, 400, "BadRequest", "malformed HTTP request: " + ec.message());
        }
        close = true;
      } else {
        close = co_await Route(stream, buffer, parser, &res, admission, start);
      }
      if (!parser.keep_alive() || draining_.load()) close = true;
      res.keep_alive(!close);
      res.prepare_payload();
      metrics_->RecordHttpStatus(res.result_int());
      lowest.expires_after(options_.write_timeout);
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
      if (close) {
        // Lingering close: a client still sending the body it was refused (413, 415, ...)
        // would otherwise get a reset before it reads our answer. Bounded in bytes and time.
        if (!parser.is_done()) co_await Linger(stream);
        co_return true;
      }
    }
  }

  template <class Stream>
  asio::awaitable<void> Linger(Stream& stream) {
    char scratch[16384];
    size_t total = 0;
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    while (total < (4u << 20)) {
      size_t n = co_await stream.async_read_some(asio::buffer(scratch),
                                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      total += n;
    }
  }

  static void Error(Response* res, int code, std::string_view reason, std::string_view msg) {
    res->result(static_cast<http::status>(code));
    res->version(11);
    res->set(http::field::content_type, "application/json");
    res->body() = StatusBody(code, reason, msg);
  }

  // Handles one request whose headers were read; reads the body when needed. Returns true
  // when the connection must close after the response (body left unread, or broken).
  template <class Stream>
  asio::awaitable<bool> Route(Stream& stream, beast::flat_buffer& buffer,
                              http::request_parser<http::string_body>& parser, Response* res,
                              bool admission, Clock::time_point start) {
    const auto& req = parser.get();
    std::string_view target(req.target().data(), req.target().size());
    size_t q = target.find('?');
    std::string_view path = target.substr(0, q);
    std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    bool body_pending = !parser.is_done();
    res->version(11);

    if (admission && path == options_.validate_path) {
      if (req.method() != http::verb::post) {
        Error(res, 405, "MethodNotAllowed", "use POST for AdmissionReviews");
        res->set(http::field::allow, "POST");
        RecordError(req);
        co_return body_pending;
      }
      std::string_view ct(req[http::field::content_type].data(),
                          req[http::field::content_type].size());
      std::string_view media = ct.substr(0, ct.find(';'));
      while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
      if (!beast::iequals(media, "application/json")) {
        Error(res, 415, "UnsupportedMediaType",
              "Content-Type must be application/json, got '" + std::string(ct) + "'");
        RecordError(req);
        co_return body_pending;
      }
      if (parser.content_length() && *parser.content_length() > options_.max_body_bytes) {
        Error(res, 413, "RequestEntityTooLarge",
              "request body of " + std::to_string(*parser.content_length()) +
                  " bytes exceeds the limit of " + std::to_string(options_.max_body_bytes));
        RecordError(req);
        co_return true;
      }
      boost::system::error_code ec;
      if (body_pending) {
        if (beast::iequals(req[http::field::expect], "100-continue")) {
          http::response<http::empty_body> cont{http::status::continue_, 11};
          beast::get_lowest_layer(stream).expires_after(options_.write_timeout);
          co_await http::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
          if (ec) co_return true;
        }
        beast::get_lowest_layer(stream).expires_after(options_.body_timeout);
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec == http::error::body_limit) {
          Error(res, 413, "RequestEntityTooLarge",
                "request body exceeds the limit of " + std::to_string(options_.max_body_bytes) +
                    " bytes");
          RecordError(req);
          co_return true;
        }
        if (ec) {
          Error(res, 400, "BadRequest", "cannot read request body: " + ec.message());
          RecordError(req);
          co_return true;
        }
      }
      Validate(parser.get().body(), query, res, start);
      co_return false;
    }

    if (path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/livez") {
      if (req.method() != http::verb::get && req.method() != http::verb::head) {
        Error(res, 405, "MethodNotAllowed", "use GET");
        res->set(http::field::allow, "GET, HEAD");
        co_return body_pending;
      }
      res->result(http::status::ok);
      if (path == "/metrics") {
        res->set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res->body() = metrics_->Render();
      } else if (path == "/readyz" && !ready_.load()) {
        res->result(http::status::service_unavailable);
        res->set(http::field::content_type, "text/plain");
        res->body() = draining_.load() ? "shutting down\n" : "not ready\n";
      } else {
        res->set(http::field::content_type, "text/plain");
        res->body() = "ok\n";
      }
      if (req.method() == http::verb::head) {
        // prepare_payload would set Content-Length 0; keep the GET length as HEAD requires.
        res->content_length(res->body().size());
        res->body().clear();
        res->set(http::field::content_length, std::to_string(res->body().size()));
      }
      co_return body_pending;
    }
    Error(res, 404, "NotFound", "no such path: " + std::string(path));
    co_return body_pending;
  }

  void RecordError(const Request&) {
    metrics_->RecordReview(Operation::kOther, Verdict::kError, 0);
  }

  // POST /validate with a complete body.
  void Validate(std::string_view body, std::string_view query, Response* res,
                Clock::time_point start) {
    // Checks the envelope ourselves (the handler accepts a review without uid) and picks the
    // fields the log and the metrics need, with a single scan (no second JSON document).
    internal::Envelope env;
    std::string problem;
    if (!internal::ScanEnvelope(body, &env, &problem)) {
      // fall through with `problem` set
    } else if (env.kind != "AdmissionReview") {
      problem = "kind must be AdmissionReview, got '" + env.kind + "'";
    } else if (env.api_version != "admission.k8s.io/v1" &&
               env.api_version != "admission.k8s.io/v1beta1") {
      problem = "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got '" +
                env.api_version + "'";
    } else if (!env.has_request) {
      problem = "AdmissionReview has no request";
    } else if (env.uid.empty()) {
      problem = "AdmissionReview request has no uid";
    }
    if (!problem.empty()) {
      Error(res, 400, "BadRequest", problem);
      RecordError({});
      return;
    }
    const std::string& operation = env.operation;
    Operation op = ParseOperation(operation);

    std::chrono::nanoseconds timeout = options_.default_review_timeout;
    std::string_view t = QueryParam(query, "timeout");
    if (!t.empty()) ParseGoDuration(t, &timeout);
    Deadline deadline = Deadline::At(start + ReviewBudget(timeout));

    std::shared_ptr<const admission::Handler> handler = handlers_();
    if (handler == nullptr) {
      Error(res, 503, "ServiceUnavailable", "no policy set loaded");
      metrics_->RecordReview(op, Verdict::kError, 0);
      return;
    }
    StatusOr<std::string> out = handler->Review(body, deadline);
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    if (!out.ok()) {
      bool bad = out.status().code() == StatusCode::kInvalidArgument;
      Error(res, bad ? 400 : 500, bad ? "BadRequest" : "InternalError", out.status().message());
      metrics_->RecordReview(op, Verdict::kError, secs);
      LogWarn("admission review failed", {{"uid", env.uid},
                                          {"error", out.status().message()}});
      return;
    }
    // The verdict, from our own encoder's output (small).
    Verdict verdict = Verdict::kAllow;
    StatusOr<json::Document> answer = json::Parse(*out);
    if (answer.ok()) {
      json::Value r = answer->root().Find("response");
      if (!r.Find("allowed").as_bool()) {
        verdict = Verdict::kDeny;
      } else if (r.Find("warnings").size() > 0) {
        verdict = Verdict::kWarn;
      }
    }
    metrics_->RecordReview(op, verdict, secs);
    if (LogEnabled(LogLevel::kInfo)) {
      static constexpr const char* kVerdict[] = {"allow", "warn", "deny", "error"};
      LogInfo("admission review",
              {{"uid", env.uid},
               {"kind", env.resource_kind},
               {"namespace", env.ns},
               {"name", env.name},
               {"operation", operation},
               {"decision", kVerdict[static_cast<int>(verdict)]},
               {"latency_ms", secs * 1e3}});
    }
    if (LogEnabled(LogLevel::kDebug)) {
      Log(LogLevel::kDebug, "admission review body", {{"request", body}, {"response", *out}});
    }
    res->result(http::status::ok);
    res->set(http::field::content_type, "application/json");
    res->body() = std::move(*out);
  }

  ServerOptions options_;
  net::TlsContextStore* tls_;
  HandlerSource handlers_;
  Metrics* metrics_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<tcp::acceptor> tls_acceptor_;
  std::unique_ptr<tcp::acceptor> plain_acceptor_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> ready_{false};
  Clock::time_point drain_deadline_;
};

}  // namespace

StatusOr<std::unique_ptr<Server>> Server::Create(const ServerOptions& options,
                                                 net::TlsContextStore* tls,
                                                 HandlerSource handlers, Metrics* metrics) {
  auto s = std::make_unique<ServerImpl>(options, tls, std::move(handlers), metrics);
  if (Status st = s->Bind(); !st.ok()) return st;
  return std::unique_ptr<Server>(std::move(s));
}

}  // namespace celgate::server
