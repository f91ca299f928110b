// Http1Session driven byte by byte, without sockets: framing, keep-alive, pipelining, limits,
// timeouts, 100-continue and draining.
#include "server/http1.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

namespace celgate::server {
namespace {

// Answers /early/... from the header; echoes the body of anything else.
class EchoApp : public HttpApp {
 public:
  bool OnHeaders(const HttpRequest& req, HttpResponse* res) override {
    heads.emplace_back(req.target);
    if (req.target.rfind("/early", 0) == 0) {
      res->status = 404;
      res->content_type = "text/plain";
      res->body = "no";
      return true;
    }
    return false;
  }
  void OnRequest(const HttpRequest& req, HttpResponse* res) override {
    bodies.emplace_back(req.body);
    res->content_type = "text/plain";
    res->body = "echo:" + std::string(req.body);
  }
  void OnProtocolError(int status) override { errors.push_back(status); }
  void OnResponse(int status) override { statuses.push_back(status); }

  std::vector<std::string> heads, bodies;
  std::vector<int> errors, statuses;
};

std::string Post(std::string_view target, std::string_view body, std::string_view extra = "") {
  return "POST " + std::string(target) + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" +
         std::string(extra) + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

TEST(Http1Session, AnswersAPostAndStaysOpen) {
  EchoApp app;
  Http1Session s(&app, {});
  std::string out;
  s.Feed(Post("/v", "hello"), &out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\necho:hello");
  EXPECT_FALSE(s.closing());
  EXPECT_EQ(s.phase(), Http1Session::Phase::kIdle);
  EXPECT_EQ(app.statuses, std::vector<int>({200}));
}

TEST(Http1Session, AnyByteSplitGivesTheSameAnswers) {
  std::string stream = Post("/a", "first body") + Post("/b", "") + Post("/c", std::string(3000, 'x'));
  EchoApp whole_app;
  Http1Session whole(&whole_app, {});
  std::string expected;
  whole.Feed(stream, &expected);
  ASSERT_EQ(whole_app.bodies.size(), 3u);
  for (size_t step : {1u, 2u, 7u, 64u, 1000u}) {
    EchoApp app;
    Http1Session s(&app, {});
    std::string out;
    for (size_t i = 0; i < stream.size(); i += step) s.Feed(stream.substr(i, step), &out);
    EXPECT_EQ(out, expected) << "step " << step;
    EXPECT_EQ(app.bodies, whole_app.bodies) << "step " << step;
  }
  EXPECT_EQ(whole_app.bodies[0], "first body");
  EXPECT_EQ(whole_app.bodies[2], std::string(3000, 'x'));
}

TEST(Http1Session, PipelinedRequestsAreAnsweredInOrder) {
  EchoApp app;
  Http1Session s(&app, {});
  std::string out;
  s.Feed(Post("/1", "a") + Post("/2", "b"), &out);
  size_t first = out.find("echo:a");
  size_t second = out.find("echo:b");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
}

TEST(Http1Session, ChunkedBodyIsReassembled) {
  EchoApp app;
  Http1Session s(&app, {});
  std::string out;
  s.Feed("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n",
         &out);
  ASSERT_EQ(app.bodies.size(), 1u);
  EXPECT_EQ(app.bodies[0], "abcdefg");
  EXPECT_NE(out.find("echo:abcdefg"), std::string::npos);
}

TEST(Http1Session, ExpectContinueGetsAnInterimAnswerBeforeTheBody) {
  EchoApp app;
  Http1Session s(&app, {});
  std::string out;
  std::string req = Post("/v", "body", "Expect: 100-continue\r\n");
  size_t head_end = req.find("\r\n\r\n") + 4;
  s.Feed(req.substr(0, head_end), &out);
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(s.phase(), Http1Session::Phase::kBody);
  s.Feed(req.substr(head_end), &out);
  EXPECT_NE(out.find("echo:body"), std::string::npos);
}

TEST(Http1Session, EarlyAnswerWithoutBodyKeepsTheConnection) {
  EchoApp app;
  Http1Session s(&app, {});
  std::string out;
  s.Feed("GET /early HTTP/1.1\r\nHost: x\r\n\r\n", &out);
  EXPECT_EQ(out, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nno");
  EXPECT_FALSE(s.closing());
  s.Feed(Post("/v", "again"), &out);
  EXPECT_NE(out.find("echo:again"), std::string::npos);
}

TEST(Http1Session, EarlyAnswerWithAnnouncedBodyClosesWithoutReadingIt) {
  EchoApp app;
  Http1Session s(&app, {});
  std::string out;
  s.Feed(Post("/early", std::string(100, 'b')).substr(0, 80), &out);
  EXPECT_NE(out.find("404 Not Found"), std::string::npos);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(s.closing());
  EXPECT_TRUE(s.unread_body());
  EXPECT_TRUE(app.bodies.empty());
}

TEST(Http1Session, BodyOverTheLimitIs413) {
  EchoApp app;
  Http1Limits limits;
  limits.max_body_bytes = 10;
  Http1Session s(&app, limits);
  std::string out;
  s.Feed(Post("/v", std::string(11, 'z')), &out);
  EXPECT_EQ(out.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("\"reason\":\"RequestEntityTooLarge\""), std::string::npos);
  EXPECT_NE(out.find("\"code\":413"), std::string::npos);
  EXPECT_TRUE(s.closing());
  EXPECT_EQ(app.errors, std::vector<int>({413}));
  EXPECT_TRUE(app.bodies.empty());
}

TEST(Http1Session, ChunkedBodyOverTheLimitIs413) {
  EchoApp app;
  Http1Limits limits;
  limits.max_body_bytes = 5;
  Http1Session s(&app, limits);
  std::string out;
  s.Feed("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n4\r\nefgh\r\n",
         &out);
  EXPECT_NE(out.find(" 413 "), std::string::npos) << out;
  EXPECT_TRUE(s.closing());
}

TEST(Http1Session, HugeHeaderIs431) {
  EchoApp app;
  Http1Limits limits;
  limits.max_header_bytes = 256;
  Http1Session s(&app, limits);
  std::string out;
  std::string req = "GET / HTTP/1.1\r\nX-Big: " + std::string(1000, 'a');
  for (size_t i = 0; i < req.size() && !s.closing(); i += 100) s.Feed(req.substr(i, 100), &out);
  EXPECT_EQ(out.rfind("HTTP/1.1 431 ", 0), 0u) << out;
  EXPECT_TRUE(s.closing());
  EXPECT_EQ(app.errors, std::vector<int>({431}));
}

TEST(Http1Session, GarbageIs400AndNothingMoreIsRead) {
  EchoApp app;
  Http1Session s(&app, {});
  std::string out;
  s.Feed("\x01\x02 not http at all\r\n\r\n", &out);
  EXPECT_EQ(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("malformed HTTP request"), std::string::npos);
  EXPECT_TRUE(s.closing());
  std::string more;
  s.Feed(Post("/v", "x"), &more);
  EXPECT_TRUE(more.empty());
  EXPECT_TRUE(app.bodies.empty());
}

TEST(Http1Session, ConnectionCloseAndHttp10) {
  {
    EchoApp app;
    Http1Session s(&app, {});
    std::string out;
    s.Feed(Post("/v", "x", "Connection: close\r\n"), &out);
    EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
    EXPECT_TRUE(s.closing());
  }
  {
    EchoApp app;
    Http1Session s(&app, {});
    std::string out;
    s.Feed("POST /v HTTP/1.0\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\nx", &out);
    EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
    EXPECT_FALSE(s.closing());
  }
  {
    EchoApp app;
    Http1Session s(&app, {});
    std::string out;
    s.Feed("POST /v HTTP/1.0\r\nContent-Length: 1\r\n\r\nx", &out);
    EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
    EXPECT_TRUE(s.closing());
  }
}

TEST(Http1Session, TimeoutMidRequestIs408AndIdleTimeoutIsSilent) {
  {
    EchoApp app;
    Http1Session s(&app, {});
    std::string out;
    s.Feed("POST /v HTTP/1.1\r\nHo", &out);
    EXPECT_EQ(s.phase(), Http1Session::Phase::kHeader);
    s.OnTimeout(&out);
    EXPECT_EQ(out.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << out;
    EXPECT_TRUE(s.closing());
  }
  {
    EchoApp app;
    Http1Session s(&app, {});
    std::string out;
    std::string req = Post("/v", "abcdef");
    s.Feed(req.substr(0, req.size() - 3), &out);
    EXPECT_EQ(s.phase(), Http1Session::Phase::kBody);
    s.OnTimeout(&out);
    EXPECT_NE(out.find(" 408 "), std::string::npos);
    EXPECT_TRUE(s.unread_body());
  }
  {
    EchoApp app;
    Http1Session s(&app, {});
    std::string out;
    s.OnTimeout(&out);
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(s.closing());
  }
}

TEST(Http1Session, DrainingAnswersWithConnectionClose) {
  EchoApp app;
  Http1Session s(&app, {});
  std::string out;
  s.Feed(Post("/v", "1"), &out);
  EXPECT_EQ(out.find("Connection: close"), std::string::npos);
  s.SetDraining();
  out.clear();
  s.Feed(Post("/v", "2"), &out);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(s.closing());
}

TEST(Http1Session, WatchedDrainFlagIsReadAtEachResponse) {
  EchoApp app;
  Http1Session s(&app, {});
  std::atomic<bool> flag{false};
  s.WatchDrainFlag(&flag);
  std::string out;
  s.Feed(Post("/v", "1"), &out);
  EXPECT_FALSE(s.closing());
  flag.store(true);  // e.g. SIGTERM handled on another thread
  out.clear();
  s.Feed(Post("/v", "2"), &out);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(s.closing());
}

TEST(Http1Session, HeadSendsTheLengthButNoBody) {
  class HeadApp : public EchoApp {
    bool OnHeaders(const HttpRequest& req, HttpResponse* res) override {
      res->content_type = "text/plain";
      res->body = "ok\n";
      res->head = req.method == HttpMethod::kHead;
      return true;
    }
  } app;
  Http1Session s(&app, {});
  std::string out;
  s.Feed("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n", &out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n");
}

TEST(StatusBody, IsAMetav1StatusWithQuotedMessage) {
  EXPECT_EQ(StatusBody(400, "BadRequest", "bad \"x\""),
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            "\"message\":\"bad \\\"x\\\"\",\"reason\":\"BadRequest\",\"code\":400}");
}

}  // namespace
}  // namespace celgate::server
