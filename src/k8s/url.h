// k8s/url.h: URLs as the Kubernetes CEL URL library sees them (library/urls.go).
//
// Where this sits: k8s/ (plain C++, no CEL); k8s/cellib/urls and the "uri" named format use it.
//
// A string is a valid URL when Go's url.ParseRequestURI accepts it (an absolute URI with a
// scheme, or an absolute path "/x"). The stored components then come from Go's lenient
// url.Parse, which handles a "#fragment" properly. All getters reproduce Go's net/url results.
// Value type; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace celgate::k8s {

class URL {
 public:
  // Errors (kInvalidArgument): "URL parse error during conversion from string: <go error>",
  // where <go error> is Go's *url.Error text, e.g.
  //   parse "../x": invalid URI for request
  //   parse "https://a:b:c/": invalid port ":c" after host
  static StatusOr<URL> Parse(std::string_view text);

  // The bare Go error text of url.ParseRequestURI(text) (`parse "<s>": <reason>`), or "" when
  // it succeeds. This is what the "uri" named format reports.
  static std::string ParseRequestURIError(std::string_view text);

  const std::string& scheme() const { return scheme_; }  // lowercased; "" if absent
  const std::string& host() const { return host_; }      // with port, IPv6 in brackets
  std::string hostname() const;                          // Go URL.Hostname()
  std::string port() const;                              // Go URL.Port()
  std::string escaped_path() const;                      // Go URL.EscapedPath()
  const std::string& path() const { return path_; }      // unescaped path
  const std::string& raw_query() const { return raw_query_; }
  const std::string& fragment() const { return fragment_; }
  // Go URL.Query(): keys in order of first appearance, values in order. Pairs whose key or
  // value fails to unescape, empty pairs and pairs containing ';' are dropped.
  std::vector<std::pair<std::string, std::vector<std::string>>> Query() const;

  // Same parsed components.
  bool operator==(const URL& o) const;
  bool operator!=(const URL& o) const { return !(*this == o); }

 private:
  std::string scheme_, opaque_, user_, host_, path_, raw_path_, raw_query_, fragment_;
  bool has_user_ = false;
  bool force_query_ = false;
};

}  // namespace celgate::k8s
