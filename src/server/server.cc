// server/server.cc: sockets, TLS and connection life cycle of server/server.h.
//
// The protocol lives elsewhere (server/http1.h parses and frames, server/app.h answers); this
// file moves bytes. Per connection, one coroutine on the connection's I/O thread:
//   read ciphertext from the socket -> OpenSSL (through a BIO over our own buffers) ->
//   plaintext into Http1Session::Feed -> response bytes -> SSL_write into the output buffer ->
//   one non-blocking send (the common case) or an asynchronous write when the socket is full.
// OpenSSL never touches the socket, so every read and write goes through Asio's reactor and a
// request costs one receive and one send system call. Timeouts are deadlines checked by a
// per-thread sweep (no timer per read or write); shutdown cancels idle reads.
#include "server/server.h"

#include <openssl/bio.h>
#include <sched.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <iterator>
#include <fstream>
#include <cmath>
#include <charconv>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <thread>
#include <unordered_set>
#include <vector>

#include "net/tls.h"
#include "server/app.h"
#include "server/drain_read.h"
#include "server/http1.h"
#include "server/log.h"
#include "server/metrics.h"

namespace celgate::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr size_t kReadBuffer = 16 * 1024;
// A lingering close reads and drops what the client still sends, so that it sees our answer
// rather than a reset; bounded in bytes and time.
constexpr size_t kLingerBytes = 4 << 20;

// ---- OpenSSL I/O over our buffers -----------------------------------------------------------
// The BIO reads the ciphertext the socket delivered (`in`) and appends what OpenSSL writes to
// `out`; the coroutine moves both to and from the socket.
struct BioBuffers {
  const char* in = nullptr;
  size_t in_len = 0;
  std::string* out = nullptr;
};

int BioWrite(BIO* b, const char* data, int len) {
  auto* io = static_cast<BioBuffers*>(BIO_get_data(b));
  BIO_clear_retry_flags(b);
  io->out->append(data, static_cast<size_t>(len));
  return len;
}

int BioRead(BIO* b, char* buf, int len) {
  auto* io = static_cast<BioBuffers*>(BIO_get_data(b));
  BIO_clear_retry_flags(b);
  if (io->in_len == 0) {
    BIO_set_retry_read(b);
    return -1;
  }
  size_t n = std::min(static_cast<size_t>(len), io->in_len);
  std::memcpy(buf, io->in, n);
  io->in += n;
  io->in_len -= n;
  return static_cast<int>(n);
}

long BioCtrl(BIO*, int cmd, long, void*) {  // NOLINT(runtime/int): OpenSSL's signature
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

int BioCreate(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

BIO_METHOD* BufferBioMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "celgate buffers");
    BIO_meth_set_write(m, BioWrite);
    BIO_meth_set_read(m, BioRead);
    BIO_meth_set_ctrl(m, BioCtrl);
    BIO_meth_set_create(m, BioCreate);
    return m;
  }();
  return method;
}

// SSL_get_error reads the thread's error queue, so it must be empty before each SSL_ call.
// ERR_clear_error walks all its slots every time (about 2% of a request's CPU when called
// three times per request); peeking at an empty queue is a couple of loads.
void ClearSslErrors() {
  if (ERR_peek_error() != 0) ERR_clear_error();
}

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

// ---- connections and I/O threads ------------------------------------------------------------

// One open connection, as the sweep and shutdown see it.
struct Conn {
  tcp::socket* sock = nullptr;
  Clock::time_point deadline = Clock::time_point::max();
  bool idle = false;       // waiting for the next request (cancelled at once on shutdown)
  bool timed_out = false;  // the sweep cancelled the pending operation
};

// Declared before `ioc` on purpose: the io_context is destroyed first, and destroying it
// destroys the suspended connection coroutines, which unregister from `conns`.
struct Worker {
  std::unordered_set<Conn*> conns;  // touched only on this worker's thread
  std::vector<char> plain;          // SSL_read scratch (used between suspensions only)
  int index = 0;
  asio::io_context ioc{1};
};

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& o, net::TlsContextStore* tls, HandlerSource h, Metrics* m)
      : options_(o), tls_(tls), metrics_(m) {
    int n = o.threads > 0 ? o.threads : AvailableCpus();
    for (int i = 0; i < n; ++i) {
      workers_.push_back(std::make_unique<Worker>());
      workers_.back()->index = i;
      workers_.back()->plain.resize(kReadBuffer);
    }
    app_.validate_path = o.validate_path;
    app_.default_review_timeout = o.default_review_timeout;
    app_.max_body_bytes = o.max_body_bytes;
    app_.handlers = std::move(h);
    app_.metrics = m;
    app_.ready = &ready_;
    app_.draining = &draining_;
    limits_.max_body_bytes = o.max_body_bytes;
    limits_.max_header_bytes = o.max_header_bytes;
    // Deadlines are checked at a tenth of the shortest timeout (10 ms .. 250 ms).
    auto shortest = std::min({o.handshake_timeout, o.header_timeout, o.body_timeout,
                              o.write_timeout, o.idle_timeout});
    sweep_every_ = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(shortest / 10),
                              std::chrono::milliseconds(10), std::chrono::milliseconds(250));
  }

  Status Bind() {
    error_code ec;
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
    // The handlers are installed here, not in Run(): a SIGTERM that arrives once the caller
    // knows the port (e.g. right after --port-file is written) is queued by Asio and starts
    // the graceful shutdown as soon as Run() waits, instead of killing the process.
    if (options_.handle_signals) {
      signals_ = std::make_unique<asio::signal_set>(workers_[0]->ioc, SIGTERM, SIGINT, SIGHUP);
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
    if (signals_) WaitSignal(signals_.get());
    for (auto& w : workers_) asio::co_spawn(w->ioc, Sweep(*w), asio::detached);
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
      error_code ec;
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
        for (Conn* c : wp->conns) {
          error_code ec;
          if (c->idle) c->sock->cancel(ec);
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
    signals->async_wait([this, signals](const error_code& ec, int sig) {
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
        timer->async_wait([this, timer](const error_code&) { Shutdown(); });
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
      error_code ec;
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

  // Cancels the pending operation of every connection whose deadline passed.
  asio::awaitable<void> Sweep(Worker& w) {
    asio::steady_timer timer(w.ioc);
    for (;;) {
      timer.expires_after(sweep_every_);
      error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      Clock::time_point now = Clock::now();
      for (Conn* c : w.conns) {
        if (!c->timed_out && c->deadline <= now) {
          c->timed_out = true;
          c->sock->cancel(ec);
        }
      }
    }
  }

  asio::awaitable<void> Accept(tcp::acceptor& acceptor, bool tls) {
    size_t next = 0;
    for (;;) {
      Worker& w = *workers_[next++ % workers_.size()];
      error_code ec;
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
      asio::co_spawn(w.ioc, Connection(w, std::move(sock), tls), asio::detached);
    }
  }

  // Registers a connection with its worker (sweep, shutdown) and counts it.
  struct ConnGuard {
    ConnGuard(Worker& w, Metrics* m, tcp::socket* sock) : w_(w), m_(m) {
      conn.sock = sock;
      w_.conns.insert(&conn);
      m_->ConnectionOpened();
    }
    ~ConnGuard() {
      w_.conns.erase(&conn);
      m_->ConnectionClosed();
    }
    Conn conn;
    Worker& w_;
    Metrics* m_;
  };

  void Arm(Conn& c, std::chrono::milliseconds timeout) { c.deadline = Clock::now() + timeout; }

  // Sends `data` (then clears it): one non-blocking send, the rest asynchronously.
  asio::awaitable<bool> Send(Conn& c, tcp::socket& sock, std::string& data) {
    error_code ec;
    size_t sent = sock.write_some(asio::buffer(data), ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
    if (ec) sent = 0;
    if (sent < data.size()) {
      // The write timeout covers this write only; the read deadline in force resumes after.
      Clock::time_point read_deadline = c.deadline;
      Arm(c, options_.write_timeout);
      co_await asio::async_write(sock, asio::buffer(data.data() + sent, data.size() - sent),
                                 asio::redirect_error(asio::use_awaitable, ec));
      c.deadline = read_deadline;
      if (ec) co_return false;
    }
    data.clear();
    co_return true;
  }

  // One connection from accept to close.
  asio::awaitable<void> Connection(Worker& w, tcp::socket sock, bool tls) {
    ConnGuard guard(w, metrics_, &sock);
    Conn& c = guard.conn;
    if (draining_.load()) co_return;
    error_code ec;
    sock.set_option(tcp::no_delay(true), ec);
    sock.non_blocking(true, ec);
    if (ec) co_return;

    std::vector<char> raw(kReadBuffer);
    std::string wire;  // bytes to send (ciphertext on the TLS port)
    std::string out;   // plaintext answers from the session
    BioBuffers bio;
    bio.out = &wire;
    std::shared_ptr<asio::ssl::context> ctx;  // keeps the SSL_CTX of this connection alive
    std::unique_ptr<SSL, SslFree> ssl;

    if (tls) {
      ctx = tls_->Current();
      ssl.reset(SSL_new(ctx->native_handle()));
      BIO* b = ssl ? BIO_new(BufferBioMethod()) : nullptr;
      if (b == nullptr) {
        LogError("cannot create a TLS session", {});
        co_return;
      }
      BIO_set_data(b, &bio);
      SSL_set_bio(ssl.get(), b, b);  // one BIO for both directions: one reference consumed
      SSL_set_accept_state(ssl.get());
      Arm(c, options_.handshake_timeout);
      for (;;) {
        ClearSslErrors();
        int r = SSL_do_handshake(ssl.get());
        if (!wire.empty() && !co_await Send(c, sock, wire)) co_return;
        if (r == 1) break;
        if (SSL_get_error(ssl.get(), r) != SSL_ERROR_WANT_READ) {
          metrics_->HandshakeFailed();
          if (LogEnabled(LogLevel::kDebug)) {
            const char* why = ERR_reason_error_string(ERR_peek_error());
            Log(LogLevel::kDebug, "TLS handshake failed", {{"error", why ? why : "protocol error"}});
          }
          co_return;
        }
        size_t n = co_await sock.async_read_some(asio::buffer(raw),
                                                 asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          // Timed out, or the client went away mid-handshake (EOF, reset): a failed handshake.
          if (!draining_.load()) metrics_->HandshakeFailed();
          co_return;
        }
        bio.in = raw.data();
        bio.in_len = n;
      }
    }

    AdmissionApp app(&app_, tls);
    Http1Session http(&app, limits_);
    http.WatchDrainFlag(&draining_);
    bool peer_closed = false;
    Http1Session::Phase armed_phase = Http1Session::Phase::kClosing;  // nothing armed yet
    uint64_t armed_request = 0;
    for (;;) {
      // Everything received so far, through TLS, into the session.
      if (tls) {
        for (;;) {
          ClearSslErrors();
          int r = SSL_read(ssl.get(), w.plain.data(), static_cast<int>(w.plain.size()));
          if (r > 0) {
            http.Feed(std::string_view(w.plain.data(), static_cast<size_t>(r)), &out);
            if (http.closing()) break;
            continue;
          }
          int e = SSL_get_error(ssl.get(), r);
          if (e == SSL_ERROR_WANT_READ) break;
          // close_notify, or a broken record: no more requests on this connection.
          http.OnEof();
          peer_closed = e != SSL_ERROR_ZERO_RETURN;  // on error, no close_notify back
          break;
        }
        if (!out.empty()) {
          ClearSslErrors();
          if (SSL_write(ssl.get(), out.data(), static_cast<int>(out.size())) <= 0) co_return;
          out.clear();
        }
      } else if (!out.empty()) {
        wire.swap(out);
        out.clear();
      }
      if (!wire.empty()) {
        // Yield once before sending: the other connections made ready by the same epoll_wait
        // are served first, and the answers then leave back to back.
        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        if (!co_await Send(c, sock, wire)) co_return;
      }
      if (http.closing() || peer_closed) break;
      if (draining_.load(std::memory_order_relaxed) &&
          http.phase() == Http1Session::Phase::kIdle) {
        break;
      }

      // Wait for more bytes. Each phase's timeout runs from the start of that phase (idle:
      // the last answer; header: the request's first byte; body: the end of the header), so
      // a client trickling bytes cannot extend it.
      if (http.phase() != armed_phase || http.requests_started() != armed_request) {
        armed_phase = http.phase();
        armed_request = http.requests_started();
        switch (armed_phase) {
          case Http1Session::Phase::kIdle:
            Arm(c, options_.idle_timeout);
            break;
          case Http1Session::Phase::kHeader:
            Arm(c, options_.header_timeout);
            break;
          default:
            Arm(c, options_.body_timeout);
            break;
        }
      }
      c.idle = http.phase() == Http1Session::Phase::kIdle;
      // Between requests the read waits for epoll when the last read left the socket drained
      // (drain_read.h): no recv() that fails with EAGAIN after every answer. Mid-request (also
      // when OpenSSL holds part of a record) one direct recv() comes first, so an end of stream
      // or reset that came with the last bytes is seen now rather than at a timeout.
      const bool between_requests = c.idle && !(tls && SSL_has_pending(ssl.get()) == 1);
      size_t n = 0;
      bool read = false;
      if (!between_requests) {
        n = sock.read_some(asio::buffer(raw), ec);
        read = ec != asio::error::would_block;
      }
      if (!read) {
        n = co_await sock.async_read_some(DrainReportingBuffer(raw.data(), raw.size()),
                                          asio::redirect_error(asio::use_awaitable, ec));
      }
      c.idle = false;
      if (ec) {
        if (c.timed_out) {
          c.timed_out = false;
          http.OnTimeout(&out);  // 408 mid-request; silent close when idle
          continue;              // write it, then close
        }
        if (ec == asio::error::operation_aborted && draining_.load()) break;
        http.OnEof();
        peer_closed = true;
        break;
      }
      if (tls) {
        bio.in = raw.data();
        bio.in_len = n;
      } else {
        http.Feed(std::string_view(raw.data(), n), &out);
      }
    }

    // Server-side close: close_notify, FIN, then drain what the client still sends for a
    // moment so that it reads our last answer instead of a reset.
    if (peer_closed) co_return;
    if (tls) {
      ClearSslErrors();
      SSL_shutdown(ssl.get());
      if (!wire.empty() && !co_await Send(c, sock, wire)) co_return;
    }
    sock.shutdown(tcp::socket::shutdown_send, ec);
    c.timed_out = false;
    Arm(c, http.unread_body() ? std::chrono::milliseconds(2000) : std::chrono::milliseconds(500));
    size_t total = 0;
    while (total < kLingerBytes) {
      size_t n = co_await sock.async_read_some(asio::buffer(raw),
                                               asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      total += n;
    }
  }

  ServerOptions options_;
  net::TlsContextStore* tls_;
  Metrics* metrics_;
  AppContext app_;
  Http1Limits limits_;
  std::chrono::milliseconds sweep_every_{100};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<tcp::acceptor> tls_acceptor_;
  std::unique_ptr<tcp::acceptor> plain_acceptor_;
  std::unique_ptr<asio::signal_set> signals_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> ready_{false};
  Clock::time_point drain_deadline_;
};

}  // namespace

std::optional<double> ParseCgroupCpuMax(std::string_view cpu_max) {
  // cgroup v2 (Documentation/admin-guide/cgroup-v2.rst): "$MAX $PERIOD", MAX "max" or a quota
  // in microseconds per PERIOD.
  const size_t space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view quota = cpu_max.substr(0, space);
  std::string_view period = cpu_max.substr(space + 1);
  while (!period.empty() && (period.back() == '\n' || period.back() == ' ')) period.remove_suffix(1);
  uint64_t q = 0, per = 0;
  auto number = [](std::string_view t, uint64_t* out) {
    const auto r = std::from_chars(t.data(), t.data() + t.size(), *out);
    return r.ec == std::errc() && r.ptr == t.data() + t.size() && *out > 0;
  };
  if (quota == "max" || !number(quota, &q) || !number(period, &per)) return std::nullopt;
  return static_cast<double>(q) / static_cast<double>(per);
}

namespace {
// The path of the first /proc/self/cgroup line ("ID:CONTROLLERS:PATH", cgroups(7)) for which
// match(ID, CONTROLLERS) holds.
template <typename Match>
std::optional<std::string> CgroupPath(std::string_view text, Match match) {
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const size_t c1 = line.find(':');
    const size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    if (match(line.substr(0, c1), line.substr(c1 + 1, c2 - c1 - 1))) {
      return std::string(line.substr(c2 + 1));
    }
  }
  return std::nullopt;
}
}  // namespace

std::optional<std::string> ParseCgroupV2Path(std::string_view text) {
  return CgroupPath(text, [](std::string_view id, std::string_view controllers) {
    return id == "0" && controllers.empty();
  });
}

std::optional<std::string> ParseCgroupV1CpuPath(std::string_view text) {
  return CgroupPath(text, [](std::string_view, std::string_view controllers) {
    while (!controllers.empty()) {
      const size_t comma = std::min(controllers.find(','), controllers.size());
      if (controllers.substr(0, comma) == "cpu") return true;
      controllers.remove_prefix(std::min(comma + 1, controllers.size()));
    }
    return false;
  });
}

std::optional<double> ParseCgroupV1Quota(std::string_view quota_us, std::string_view period_us) {
  std::string text(quota_us);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return ParseCgroupCpuMax(text + " " + std::string(period_us));
}

int DefaultIoThreads(int affinity_cpus, std::optional<double> cgroup_cpu_limit) {
  int n = affinity_cpus > 0 ? affinity_cpus : 1;
  if (cgroup_cpu_limit && *cgroup_cpu_limit > 0) {
    const double capped = std::max(2.0, std::ceil(*cgroup_cpu_limit));
    if (capped < n) n = static_cast<int>(capped);
  }
  return n;
}

namespace {
std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}
}  // namespace

int AvailableCpus() {
  int affinity = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) affinity = CPU_COUNT(&set);
  if (affinity <= 0) affinity = static_cast<int>(std::thread::hardware_concurrency());
  // The leaf cgroup's limit only, as Go does; container runtimes hide the parents anyway.
  std::optional<double> limit;
  if (std::optional<std::string> self = ReadSmallFile("/proc/self/cgroup")) {
    if (std::optional<std::string> path = ParseCgroupV2Path(*self)) {
      if (std::optional<std::string> max = ReadSmallFile("/sys/fs/cgroup" + *path + "/cpu.max")) {
        limit = ParseCgroupCpuMax(*max);
      }
    }
    if (!limit) {  // cgroup v1 (hybrid hosts): the cpu controller's usual mount points
      if (std::optional<std::string> path = ParseCgroupV1CpuPath(*self)) {
        for (const char* mount : {"/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpu"}) {
          const std::string dir = std::string(mount) + (*path == "/" ? "" : *path);
          std::optional<std::string> q = ReadSmallFile(dir + "/cpu.cfs_quota_us");
          std::optional<std::string> p = ReadSmallFile(dir + "/cpu.cfs_period_us");
          if (q && p) {
            limit = ParseCgroupV1Quota(*q, *p);
            break;
          }
        }
      }
    }
  }
  return DefaultIoThreads(affinity, limit);
}

StatusOr<std::unique_ptr<Server>> Server::Create(const ServerOptions& options,
                                                 net::TlsContextStore* tls,
                                                 HandlerSource handlers, Metrics* metrics) {
  auto s = std::make_unique<ServerImpl>(options, tls, std::move(handlers), metrics);
  if (Status st = s->Bind(); !st.ok()) return st;
  return std::unique_ptr<Server>(std::move(s));
}

}  // namespace celgate::server
