// Tests for k8s/url.h: validity (ParseRequestURI), components (Parse) and Go's error texts.
#include "k8s/url.h"

#include <gtest/gtest.h>

namespace celgate::k8s {
namespace {

URL U(std::string_view s) {
  StatusOr<URL> u = URL::Parse(s);
  EXPECT_TRUE(u.ok()) << s << ": " << u.status().ToString();
  return u.ok() ? *u : URL();
}

TEST(URL, ComponentsMatchGo) {
  struct Case {
    const char* in;
    const char* scheme;
    const char* host;
    const char* hostname;
    const char* port;
    const char* path;
  } cases[] = {
      {"https://example.com/path", "https", "example.com", "example.com", "", "/path"},
      {"https://example.com:8080/x", "https", "example.com:8080", "example.com", "8080", "/x"},
      {"https://[::1]:80/", "https", "[::1]:80", "::1", "80", "/"},
      {"https://[::1]", "https", "[::1]", "::1", "", ""},
      {"/absolute-path", "", "", "", "", "/absolute-path"},
      {"https://example.com/path with spaces/", "https", "example.com", "example.com", "",
       "/path%20with%20spaces/"},
      {"HTTPS://EXAMPLE.com/A", "https", "EXAMPLE.com", "EXAMPLE.com", "", "/A"},
      {"https://user:pw@host.io/p", "https", "host.io", "host.io", "", "/p"},
      {"https://example.com/a%2Fb", "https", "example.com", "example.com", "", "/a%2Fb"},
      {"https://example.com/a#frag", "https", "example.com", "example.com", "", "/a"},
      {"https://example.com:/x", "https", "example.com:", "example.com", "", "/x"},
      {"mailto:someone@example.com", "mailto", "", "", "", ""},
      {"https://example.com?", "https", "example.com", "example.com", "", ""},
      {"https:///x", "https", "", "", "", "/x"},
  };
  for (const Case& c : cases) {
    URL u = U(c.in);
    EXPECT_EQ(u.scheme(), c.scheme) << c.in;
    EXPECT_EQ(u.host(), c.host) << c.in;
    EXPECT_EQ(u.hostname(), c.hostname) << c.in;
    EXPECT_EQ(u.port(), c.port) << c.in;
    EXPECT_EQ(u.escaped_path(), c.path) << c.in;
  }
  EXPECT_EQ(U("https://example.com/a#frag").fragment(), "frag");
}

TEST(URL, QueryDecodesLikeGo) {
  using Q = std::vector<std::pair<std::string, std::vector<std::string>>>;
  EXPECT_EQ(U("https://example.com/?k=v&k=w&a=b+c&e=%41&&x&=y").Query(),
            (Q{{"k", {"v", "w"}}, {"a", {"b c"}}, {"e", {"A"}}, {"x", {""}}, {"", {"y"}}}));
  EXPECT_EQ(U("https://example.com/?a=1;b=2&c=3").Query(), (Q{{"c", {"3"}}}));
  EXPECT_EQ(U("https://example.com/?bad=%zz&ok=1").Query(), (Q{{"ok", {"1"}}}));
  EXPECT_EQ(U("https://example.com/path").Query(), Q{});
  EXPECT_EQ(U("https://example.com/?a=b#x=y").Query(), (Q{{"a", {"b"}}}));
}

TEST(URL, RejectsWithGoErrorTexts) {
  const std::string p = "URL parse error during conversion from string: ";
  struct Case {
    const char* in;
    std::string msg;
  } cases[] = {
      {"../relative", p + "parse \"../relative\": invalid URI for request"},
      {"example.com", p + "parse \"example.com\": invalid URI for request"},
      {"", p + "parse \"\": empty url"},
      {"https://a:b:c/", p + "parse \"https://a:b:c/\": invalid port \":c\" after host"},
      {"://x", p + "parse \"://x\": missing protocol scheme"},
      {"https://exa mple.com/",
       p + "parse \"https://exa mple.com/\": invalid character \" \" in host name"},
      {"https://example.com/%zz", p + "parse \"https://example.com/%zz\": invalid URL escape "
                                      "\"%zz\""},
      {"https://[::1/", p + "parse \"https://[::1/\": missing ']' in host"},
      {"https://a b@c/", p + "parse \"https://a b@c/\": net/url: invalid userinfo"},
      {"http://x/\n", p + "parse \"http://x/\\n\": net/url: invalid control character in URL"},
      {"https://example.com/a#%zz", p + "parse \"https://example.com/a#%zz\": invalid URL "
                                        "escape \"%zz\""},
  };
  for (const Case& c : cases) {
    StatusOr<URL> u = URL::Parse(c.in);
    ASSERT_FALSE(u.ok()) << c.in;
    EXPECT_EQ(u.status().message(), c.msg) << c.in;
  }
  EXPECT_EQ(URL::ParseRequestURIError("https://ok.example/"), "");
  EXPECT_EQ(URL::ParseRequestURIError("nope"), "parse \"nope\": invalid URI for request");
}

TEST(URL, EqualityComparesComponents) {
  EXPECT_EQ(U("https://a.io/x"), U("HTTPS://a.io/x"));
  EXPECT_NE(U("https://a.io/x"), U("https://a.io/y"));
}

}  // namespace
}  // namespace celgate::k8s
