// k8s/url.cc: a behavioural port of Go's net/url parsing (parse, parseAuthority, parseHost,
// unescape, escape, EscapedPath, ParseQuery). Entry point: url.h.
#include "k8s/url.h"

#include <optional>

#include "k8s/internal/go_text.h"

namespace celgate::k8s {
namespace {

using internal::GoQuote;

enum class Mode { kPath, kPathSegment, kHost, kZone, kUserPassword, kQueryComponent, kFragment };

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int Unhex(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return c - 'A' + 10;
}

bool ShouldEscape(unsigned char c, Mode mode) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return false;
  }
  if (mode == Mode::kHost || mode == Mode::kZone) {
    switch (c) {
      case '!':
      case '$':
      case '&':
      case '\'':
      case '(':
      case ')':
      case '*':
      case '+':
      case ',':
      case ';':
      case '=':
      case ':':
      case '[':
      case ']':
      case '<':
      case '>':
      case '"':
        return false;
      default:
        break;
    }
  }
  switch (c) {
    case '-':
    case '_':
    case '.':
    case '~':
      return false;
    case '$':
    case '&':
    case '+':
    case ',':
    case '/':
    case ':':
    case ';':
    case '=':
    case '?':
    case '@':
      switch (mode) {
        case Mode::kPath:
          return c == '?';
        case Mode::kPathSegment:
          return c == '/' || c == ';' || c == ',' || c == '?';
        case Mode::kUserPassword:
          return c == '@' || c == '/' || c == '?' || c == ':';
        case Mode::kQueryComponent:
          return true;
        case Mode::kFragment:
          return false;
        default:
          break;
      }
      break;
    default:
      break;
  }
  if (mode == Mode::kFragment) {
    switch (c) {
      case '!':
      case '(':
      case ')':
      case '*':
        return false;
      default:
        break;
    }
  }
  return true;
}

// Go's unescape; on error returns nullopt and sets *err.
std::optional<std::string> Unescape(std::string_view s, Mode mode, std::string* err) {
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) {
        std::string_view bad = s.substr(i, 3);
        *err = "invalid URL escape " + GoQuote(bad);
        return std::nullopt;
      }
      if (mode == Mode::kHost && Unhex(s[i + 1]) < 8 && s.substr(i, 3) != "%25") {
        *err = "invalid URL escape " + GoQuote(s.substr(i, 3));
        return std::nullopt;
      }
      if (mode == Mode::kZone) {
        int v = Unhex(s[i + 1]) << 4 | Unhex(s[i + 2]);
        if (s.substr(i, 3) != "%25" && v != ' ' &&
            ShouldEscape(static_cast<unsigned char>(v), Mode::kHost)) {
          *err = "invalid URL escape " + GoQuote(s.substr(i, 3));
          return std::nullopt;
        }
      }
      i += 3;
    } else {
      if ((mode == Mode::kHost || mode == Mode::kZone) && static_cast<unsigned char>(c) < 0x80 &&
          ShouldEscape(static_cast<unsigned char>(c), mode)) {
        *err = "invalid character " + GoQuote(s.substr(i, 1)) + " in host name";
        return std::nullopt;
      }
      ++i;
    }
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      out.push_back(static_cast<char>(Unhex(s[i + 1]) << 4 | Unhex(s[i + 2])));
      i += 2;
    } else if (c == '+' && mode == Mode::kQueryComponent) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Escape(std::string_view s, Mode mode) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (ShouldEscape(c, mode)) {
      if (c == ' ' && mode == Mode::kQueryComponent) {
        out.push_back('+');
      } else {
        out.push_back('%');
        out.push_back(kUpperHex[c >> 4]);
        out.push_back(kUpperHex[c & 15]);
      }
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

bool ValidOptionalPort(std::string_view port) {
  if (port.empty()) {
    return true;
  }
  if (port[0] != ':') {
    return false;
  }
  for (char b : port.substr(1)) {
    if (b < '0' || b > '9') {
      return false;
    }
  }
  return true;
}

bool ValidUserinfo(std::string_view s) {
  for (char r : s) {
    if ((r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')) {
      continue;
    }
    switch (r) {
      case '-':
      case '.':
      case '_':
      case ':':
      case '~':
      case '!':
      case '$':
      case '&':
      case '\'':
      case '(':
      case ')':
      case '*':
      case '+':
      case ',':
      case ';':
      case '=':
      case '%':
      case '@':
        continue;
      default:
        return false;
    }
  }
  return true;
}

std::optional<std::string> ParseHost(std::string_view host, std::string* err) {
  if (!host.empty() && host[0] == '[') {
    size_t i = host.rfind(']');
    if (i == std::string_view::npos) {
      *err = "missing ']' in host";
      return std::nullopt;
    }
    std::string_view colon_port = host.substr(i + 1);
    if (!ValidOptionalPort(colon_port)) {
      *err = "invalid port " + GoQuote(colon_port) + " after host";
      return std::nullopt;
    }
    size_t zone = host.substr(0, i).find("%25");
    if (zone != std::string_view::npos) {
      std::optional<std::string> h1 = Unescape(host.substr(0, zone), Mode::kHost, err);
      if (!h1) {
        return std::nullopt;
      }
      std::optional<std::string> h2 = Unescape(host.substr(zone, i - zone), Mode::kZone, err);
      if (!h2) {
        return std::nullopt;
      }
      std::optional<std::string> h3 = Unescape(host.substr(i), Mode::kHost, err);
      if (!h3) {
        return std::nullopt;
      }
      return *h1 + *h2 + *h3;
    }
  } else {
    size_t i = host.rfind(':');
    if (i != std::string_view::npos) {
      std::string_view colon_port = host.substr(i);
      if (!ValidOptionalPort(colon_port)) {
        *err = "invalid port " + GoQuote(colon_port) + " after host";
        return std::nullopt;
      }
    }
  }
  return Unescape(host, Mode::kHost, err);
}

struct Parsed {
  std::string scheme, opaque, user, host, path, raw_path, raw_query;
  bool has_user = false;
  bool force_query = false;
};

// Go's url.parse; returns the reason text on failure.
std::optional<Parsed> GoParse(std::string_view raw, bool via_request, std::string* err) {
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      *err = "net/url: invalid control character in URL";
      return std::nullopt;
    }
  }
  if (raw.empty() && via_request) {
    *err = "empty url";
    return std::nullopt;
  }
  Parsed u;
  if (raw == "*") {
    u.path = "*";
    return u;
  }
  std::string_view rest = raw;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      continue;
    }
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      if (i == 0) {
        break;
      }
      continue;
    }
    if (c == ':') {
      if (i == 0) {
        *err = "missing protocol scheme";
        return std::nullopt;
      }
      u.scheme = std::string(raw.substr(0, i));
      rest = raw.substr(i + 1);
    }
    break;
  }
  for (char& c : u.scheme) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  size_t q = rest.find('?');
  if (!rest.empty() && rest.back() == '?' && q == rest.size() - 1) {
    u.force_query = true;
    rest.remove_suffix(1);
  } else if (q != std::string_view::npos) {
    u.raw_query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (rest.empty() || rest[0] != '/') {
    if (!u.scheme.empty()) {
      u.opaque = std::string(rest);
      return u;
    }
    if (via_request) {
      *err = "invalid URI for request";
      return std::nullopt;
    }
    std::string_view segment = rest.substr(0, rest.find('/'));
    if (segment.find(':') != std::string_view::npos) {
      *err = "first path segment in URL cannot contain colon";
      return std::nullopt;
    }
  }
  bool starts2 = rest.size() >= 2 && rest[0] == '/' && rest[1] == '/';
  bool starts3 = starts2 && rest.size() >= 3 && rest[2] == '/';
  if ((!u.scheme.empty() || (!via_request && !starts3)) && starts2) {
    std::string_view authority = rest.substr(2);
    rest = {};
    size_t slash = authority.find('/');
    if (slash != std::string_view::npos) {
      rest = authority.substr(slash);
      authority = authority.substr(0, slash);
    }
    size_t at = authority.rfind('@');
    std::optional<std::string> host =
        ParseHost(at == std::string_view::npos ? authority : authority.substr(at + 1), err);
    if (!host) {
      return std::nullopt;
    }
    u.host = *host;
    if (at != std::string_view::npos) {
      std::string_view userinfo = authority.substr(0, at);
      if (!ValidUserinfo(userinfo)) {
        *err = "net/url: invalid userinfo";
        return std::nullopt;
      }
      size_t colon = userinfo.find(':');
      std::optional<std::string> name =
          Unescape(userinfo.substr(0, colon), Mode::kUserPassword, err);
      if (!name) {
        return std::nullopt;
      }
      if (colon != std::string_view::npos) {
        std::optional<std::string> pw =
            Unescape(userinfo.substr(colon + 1), Mode::kUserPassword, err);
        if (!pw) {
          return std::nullopt;
        }
      }
      u.user = std::string(userinfo);
      u.has_user = true;
    }
  }
  std::optional<std::string> path = Unescape(rest, Mode::kPath, err);
  if (!path) {
    return std::nullopt;
  }
  u.path = *path;
  if (Escape(u.path, Mode::kPath) != rest) {
    u.raw_path = std::string(rest);
  }
  return u;
}

std::string UrlError(std::string_view s, std::string_view reason) {
  return "parse " + GoQuote(s) + ": " + std::string(reason);
}

bool ValidEncoded(std::string_view s, Mode mode) {
  for (char ch : s) {
    switch (ch) {
      case '!':
      case '$':
      case '&':
      case '\'':
      case '(':
      case ')':
      case '*':
      case '+':
      case ',':
      case ';':
      case '=':
      case ':':
      case '@':
      case '[':
      case ']':
      case '%':
        continue;
      default:
        if (ShouldEscape(static_cast<unsigned char>(ch), mode)) {
          return false;
        }
    }
  }
  return true;
}

}  // namespace

std::string URL::ParseRequestURIError(std::string_view text) {
  std::string err;
  if (!GoParse(text, /*via_request=*/true, &err).has_value()) {
    return UrlError(text, err);
  }
  return "";
}

StatusOr<URL> URL::Parse(std::string_view text) {
  constexpr char kPrefix[] = "URL parse error during conversion from string: ";
  std::string err = ParseRequestURIError(text);
  if (!err.empty()) {
    return InvalidArgumentError(kPrefix + err);
  }
  // url.Parse: cut the fragment first.
  size_t hash = text.find('#');
  std::string_view main = text.substr(0, hash);
  std::optional<Parsed> p = GoParse(main, /*via_request=*/false, &err);
  if (!p) {
    return InvalidArgumentError(kPrefix + UrlError(main, err));
  }
  URL u;
  if (hash != std::string_view::npos) {
    std::optional<std::string> frag = Unescape(text.substr(hash + 1), Mode::kFragment, &err);
    if (!frag) {
      return InvalidArgumentError(kPrefix + UrlError(text, err));
    }
    u.fragment_ = *frag;
  }
  u.scheme_ = std::move(p->scheme);
  u.opaque_ = std::move(p->opaque);
  u.user_ = std::move(p->user);
  u.has_user_ = p->has_user;
  u.host_ = std::move(p->host);
  u.path_ = std::move(p->path);
  u.raw_path_ = std::move(p->raw_path);
  u.raw_query_ = std::move(p->raw_query);
  u.force_query_ = p->force_query;
  return u;
}

namespace {

void SplitHostPort(std::string_view host_port, std::string* host, std::string* port) {
  std::string_view h = host_port;
  std::string_view p;
  size_t colon = h.rfind(':');
  if (colon != std::string_view::npos && ValidOptionalPort(h.substr(colon))) {
    p = h.substr(colon + 1);
    h = h.substr(0, colon);
  }
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  *host = std::string(h);
  *port = std::string(p);
}

}  // namespace

std::string URL::hostname() const {
  std::string h, p;
  SplitHostPort(host_, &h, &p);
  return h;
}

std::string URL::port() const {
  std::string h, p;
  SplitHostPort(host_, &h, &p);
  return p;
}

std::string URL::escaped_path() const {
  if (!raw_path_.empty() && ValidEncoded(raw_path_, Mode::kPath)) {
    std::string err;
    std::optional<std::string> p = Unescape(raw_path_, Mode::kPath, &err);
    if (p && *p == path_) {
      return raw_path_;
    }
  }
  if (path_ == "*") {
    return "*";
  }
  return Escape(path_, Mode::kPath);
}

std::vector<std::pair<std::string, std::vector<std::string>>> URL::Query() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  std::string_view q = raw_query_;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view key = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (key.find(';') != std::string_view::npos || key.empty()) {
      continue;
    }
    size_t eq = key.find('=');
    std::string_view value = eq == std::string_view::npos ? std::string_view() : key.substr(eq + 1);
    key = key.substr(0, eq);
    std::string err;
    std::optional<std::string> k = Unescape(key, Mode::kQueryComponent, &err);
    if (!k) {
      continue;
    }
    std::optional<std::string> v = Unescape(value, Mode::kQueryComponent, &err);
    if (!v) {
      continue;
    }
    auto it = out.begin();
    for (; it != out.end(); ++it) {
      if (it->first == *k) {
        break;
      }
    }
    if (it == out.end()) {
      out.emplace_back(*k, std::vector<std::string>{});
      it = out.end() - 1;
    }
    it->second.push_back(*v);
  }
  return out;
}

bool URL::operator==(const URL& o) const {
  return scheme_ == o.scheme_ && opaque_ == o.opaque_ && user_ == o.user_ &&
         has_user_ == o.has_user_ && host_ == o.host_ && path_ == o.path_ &&
         raw_path_ == o.raw_path_ && raw_query_ == o.raw_query_ && fragment_ == o.fragment_ &&
         force_query_ == o.force_query_;
}

}  // namespace celgate::k8s
