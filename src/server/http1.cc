// server/http1.cc: Http1Session (server/http1.h) on Beast's basic_parser.
#include "server/http1.h"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/core/string.hpp>
#include <charconv>

#include "json/json.h"

namespace celgate::server {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

void AppendNumber(std::string* out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out->append(buf, static_cast<size_t>(end - buf));
}

}  // namespace

std::string StatusBody(int code, std::string_view reason, std::string_view message) {
  std::string out = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},";
  out += "\"status\":\"Failure\",\"message\":" + json::Quote(message);
  out += ",\"reason\":\"";
  out += reason;
  out += "\",\"code\":" + std::to_string(code) + "}";
  return out;
}

// The request head is copied into session-owned strings (capacity kept between requests):
// Beast hands out views into the bytes being parsed, which do not outlive put().
class Http1Session::Parser final : public http::basic_parser<true> {
 public:
  Parser(std::string* body, size_t max_body) : body_(body), max_body_(max_body) {}

  HttpMethod method = HttpMethod::kOther;
  std::string method_name;
  std::string target;
  std::string content_type;
  bool expect_continue = false;
  int version = 11;
  // Set by a put() whose bytes hold the whole Content-Length body: a view into those bytes
  // (valid until put()'s caller lets go of them) instead of a copy into `*body_`.
  std::string_view whole_body;

 private:
  void on_request_impl(http::verb m, beast::string_view method_str, beast::string_view t,
                       int v, beast::error_code&) override {
    method = m == http::verb::get    ? HttpMethod::kGet
             : m == http::verb::head ? HttpMethod::kHead
             : m == http::verb::post ? HttpMethod::kPost
                                     : HttpMethod::kOther;
    method_name.assign(method_str.data(), method_str.size());
    target.assign(t.data(), t.size());
    version = v;
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = http::error::bad_version;  // never called for a request parser
  }
  void on_field_impl(http::field f, beast::string_view, beast::string_view value,
                     beast::error_code&) override {
    if (f == http::field::content_type) {
      content_type.assign(value.data(), value.size());
    } else if (f == http::field::expect) {
      expect_continue = beast::iequals(value, "100-continue");
    }
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code&) override {
    body_->clear();
    body_length_ = length ? *length : 0;
    if (length) body_->reserve(static_cast<size_t>(std::min<uint64_t>(*length, max_body_)));
  }
  size_t on_body_impl(beast::string_view s, beast::error_code&) override {
    if (body_->empty() && body_length_ != 0 && s.size() == body_length_) {
      whole_body = std::string_view(s.data(), s.size());  // the usual case: no copy
    } else {
      body_->append(s.data(), s.size());
    }
    return s.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view s, beast::error_code&) override {
    body_->append(s.data(), s.size());
    return s.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  std::string* body_;
  size_t max_body_;
  uint64_t body_length_ = 0;  // Content-Length (0: none, or chunked)
};

Http1Session::Http1Session(HttpApp* app, Http1Limits limits) : app_(app), limits_(limits) {}
Http1Session::~Http1Session() = default;

std::string_view Http1Session::Reason(int status) {
  beast::string_view r = http::obsolete_reason(static_cast<http::status>(status));
  return std::string_view(r.data(), r.size());
}

void Http1Session::StartRequest() {
  parser_ = std::make_unique<Parser>(&body_, limits_.max_body_bytes);
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(limits_.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(static_cast<std::uint64_t>(limits_.max_body_bytes));
  parser_->eager(false);  // stop after the header: the app looks at it before the body
  headers_seen_ = false;
  body_.clear();
}

void Http1Session::Feed(std::string_view data, std::string* out) {
  if (phase_ == Phase::kClosing || data.empty()) return;
  // Bytes of an incomplete header wait in pending_; Beast needs the whole header in one buffer.
  bool from_pending = !pending_.empty();
  if (from_pending) {
    pending_.append(data.data(), data.size());
    data = pending_;
  }
  size_t consumed = 0;
  while (consumed < data.size() && phase_ != Phase::kClosing) {
    size_t n = Parse(data.substr(consumed), out);
    if (n == 0) break;  // needs more bytes
    consumed += n;
  }
  if (phase_ == Phase::kClosing) {
    pending_.clear();
    return;
  }
  if (from_pending) {
    pending_.erase(0, consumed);
  } else if (consumed < data.size()) {
    pending_.assign(data.data() + consumed, data.size() - consumed);
  }
}

size_t Http1Session::Parse(std::string_view data, std::string* out) {
  if (!parser_) StartRequest();
  if (phase_ == Phase::kIdle) {
    phase_ = Phase::kHeader;
    ++requests_started_;
  }
  beast::error_code ec;
  parser_->whole_body = {};  // a view from an earlier put() would point at released bytes
  size_t used = parser_->put(boost::asio::const_buffer(data.data(), data.size()), ec);
  if (ec == http::error::need_more) {
    // Beast reports need_more with 0 bytes used until the header is complete; a header larger
    // than the limit ends with header_limit instead.
    return used;
  }
  if (ec) {
    if (ec == http::error::header_limit) {
      ProtocolError(431, "RequestHeaderFieldsTooLarge", "request headers are too large", out);
    } else if (ec == http::error::body_limit) {
      ProtocolError(413, "RequestEntityTooLarge",
                    "request body exceeds the limit of " +
                        std::to_string(limits_.max_body_bytes) + " bytes",
                    out);
      unread_body_ = true;
    } else {
      ProtocolError(400, "BadRequest", "malformed HTTP request: " + ec.message(), out);
    }
    return used;
  }
  HttpRequest req;
  req.method = parser_->method;
  req.method_name = parser_->method_name;
  req.target = parser_->target;
  req.content_type = parser_->content_type;
  if (auto len = parser_->content_length()) req.content_length = *len;
  if (parser_->is_header_done() && !headers_seen_) {
    headers_seen_ = true;
    req.body_pending = !parser_->is_done();
    if (app_->OnHeaders(req, &res_)) {
      // Answered from the header. With a body still to come the connection closes (the body
      // is not read); without one it stays open like after any other answer.
      unread_body_ = req.body_pending;
      bool keep_alive = !req.body_pending && parser_->keep_alive() && !Draining() && !res_.close;
      bool http10 = parser_->version == 10;
      parser_.reset();
      Finish(res_, out, keep_alive, http10);
      if (phase_ != Phase::kClosing) phase_ = Phase::kIdle;
      return used;
    }
    if (req.body_pending) {
      phase_ = Phase::kBody;
      if (parser_->expect_continue) out->append(kContinue);
      parser_->eager(true);
      return used;
    }
  }
  if (!parser_->is_done()) return used;
  req.body_pending = false;
  // A body that came whole in this put() is read where it lies in `data`.
  req.body = parser_->whole_body.empty() ? std::string_view(body_) : parser_->whole_body;
  app_->OnRequest(req, &res_);
  bool keep_alive = parser_->keep_alive() && !Draining() && !res_.close;
  // An HTTP/1.0 client keeps the connection only when the answer says so.
  bool http10 = parser_->version == 10;
  parser_.reset();
  Finish(res_, out, keep_alive, http10);
  if (phase_ != Phase::kClosing) phase_ = Phase::kIdle;
  return used;
}

void Http1Session::Finish(HttpResponse& res, std::string* out, bool keep_alive, bool http10) {
  out->append("HTTP/1.1 ");
  AppendNumber(out, static_cast<uint64_t>(res.status));
  out->push_back(' ');
  out->append(Reason(res.status));
  out->append("\r\n");
  if (!res.content_type.empty()) {
    out->append("Content-Type: ");
    out->append(res.content_type);
    out->append("\r\n");
  }
  out->append("Content-Length: ");
  AppendNumber(out, res.body.size());
  out->append("\r\n");
  if (!res.allow.empty()) {
    out->append("Allow: ");
    out->append(res.allow);
    out->append("\r\n");
  }
  if (!keep_alive) {
    out->append("Connection: close\r\n");
  } else if (http10) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("\r\n");
  if (!res.head) out->append(res.body);
  app_->OnResponse(res.status);
  if (!keep_alive) phase_ = Phase::kClosing;
  res.status = 200;
  res.content_type = {};
  res.body.clear();
  res.allow = {};
  res.close = false;
  res.head = false;
}

void Http1Session::ProtocolError(int status, std::string_view reason, std::string_view message,
                                 std::string* out) {
  app_->OnProtocolError(status);
  res_.status = status;
  res_.content_type = "application/json";
  res_.body = StatusBody(status, reason, message);
  parser_.reset();
  Finish(res_, out, false, false);
}

void Http1Session::OnEof() {
  parser_.reset();
  pending_.clear();
  phase_ = Phase::kClosing;
}

void Http1Session::OnTimeout(std::string* out) {
  if (phase_ == Phase::kHeader) {
    ProtocolError(408, "Timeout", "request header not received in time", out);
  } else if (phase_ == Phase::kBody) {
    ProtocolError(408, "Timeout", "request body not received in time", out);
    unread_body_ = true;
  } else {
    parser_.reset();
    phase_ = Phase::kClosing;
  }
}

}  // namespace celgate::server
