// The real server on 127.0.0.1 (ephemeral port), its io_context on two
// threads, driven by a real HTTP client over TCP.
#include "connector/api/server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "connector/api/auth.h"
#include "connector/json/call_json.h"
#include "unit/api/fake_backend.h"
#include "unit/api/test_client.h"

namespace cti::api::test {
namespace {

const std::string token = "s3cret-token-for-tests";
const std::string other_token = "another-valid-token";

class ApiServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    options.token_hashes = {hash_token(token), hash_token(other_token)};
    server_ = std::make_unique<Server>(ioc_, options, backend_);
    auto bound = server_->start();
    ASSERT_TRUE(bound.has_value()) << bound.error();
    port_ = *bound;
    for (auto& t : threads_) t = std::thread([this] { ioc_.run(); });
  }

  void TearDown() override {
    if (server_) server_->stop();
    ioc_.stop();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    server_.reset();
  }

  std::optional<ClientResponse> get(const std::string& target,
                                    std::optional<std::string> with_token = token) {
    return fetch(port_, http::verb::get, target, std::move(with_token));
  }

  static nlohmann::json body_json(const ClientResponse& res) {
    return nlohmann::json::parse(res.body());
  }

  static std::string header(const ClientResponse& res, http::field f) {
    const auto it = res.find(f);
    return it == res.end() ? std::string{} : std::string(it->value());
  }
  static std::string header(const ClientResponse& res, const char* name) {
    const auto it = res.find(name);
    return it == res.end() ? std::string{} : std::string(it->value());
  }

  // A problem+json response with the given status and slug, instance = path.
  static void expect_problem(const std::optional<ClientResponse>& res, unsigned status,
                             const std::string& slug, const std::string& instance) {
    ASSERT_TRUE(res.has_value());
    EXPECT_EQ(res->result_int(), status);
    EXPECT_EQ(header(*res, http::field::content_type), "application/problem+json");
    EXPECT_EQ(header(*res, http::field::cache_control), "no-store");
    EXPECT_EQ(header(*res, "X-Content-Type-Options"), "nosniff");
    const auto j = body_json(*res);
    EXPECT_EQ(j.at("type"), "https://cti-connector.dev/problems/" + slug);
    EXPECT_EQ(j.at("status"), status);
    EXPECT_TRUE(j.at("title").is_string() && !j.at("title").get<std::string>().empty());
    EXPECT_TRUE(j.at("detail").is_string());
    EXPECT_EQ(j.at("instance"), instance);
  }

  net::io_context ioc_;
  std::shared_ptr<FakeBackend> backend_ = std::make_shared<FakeBackend>();
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::array<std::thread, 2> threads_;
};

TEST_F(ApiServerTest, HealthNeedsNoToken) {
  start();
  const auto res = get("/v1/health", std::nullopt);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(header(*res, http::field::content_type), "application/json");
  EXPECT_EQ(header(*res, http::field::cache_control), "no-store");
  EXPECT_EQ(header(*res, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(body_json(*res), backend_->health());
}

TEST_F(ApiServerTest, EveryOtherRouteWithoutTokenIs401) {
  start();
  const std::vector<std::pair<http::verb, std::string>> routes = {
      {http::verb::get, "/v1/calls"},      {http::verb::get, "/v1/calls/1795879455.42"},
      {http::verb::get, "/v1/deliveries"}, {http::verb::post, "/v1/deliveries/7/replay"},
      {http::verb::get, "/metrics"},
  };
  for (const auto& [method, target] : routes) {
    SCOPED_TRACE(target);
    const auto res = fetch(port_, method, target);
    expect_problem(res, 401, "unauthorized", target);
    EXPECT_EQ(header(*res, http::field::www_authenticate), "Bearer");
  }
  std::lock_guard lock(backend_->mutex_);
  EXPECT_EQ(backend_->replays, 0);  // the unauthenticated replay did nothing
}

TEST_F(ApiServerTest, BadTokensAre401) {
  start();
  expect_problem(get("/v1/calls", "wrong-token"), 401, "unauthorized", "/v1/calls");
  expect_problem(get("/v1/calls", token + "x"), 401, "unauthorized", "/v1/calls");
  // Right token, wrong scheme.
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  ASSERT_FALSE(client.write_raw("GET /v1/calls HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " +
                                token + "\r\n\r\n"));
  const auto res = client.read();
  expect_problem(res, 401, "unauthorized", "/v1/calls");
  EXPECT_EQ(header(*res, http::field::www_authenticate), "Bearer");
}

TEST_F(ApiServerTest, ListCallsWithEitherConfiguredToken) {
  start();
  for (const auto& t : {token, other_token}) {
    const auto res = get("/v1/calls", t);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->result_int(), 200) << res->body();
    EXPECT_EQ(header(*res, http::field::content_type), "application/json");
    const auto j = body_json(*res);
    const auto expected = backend_->calls();
    ASSERT_EQ(j.at("count"), expected.size());
    ASSERT_EQ(j.at("calls").size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
      EXPECT_EQ(j["calls"][i], cti::json::to_json(expected[i]));
    EXPECT_EQ(j["calls"][0]["call_id"], "1795879455.42");
  }
  std::lock_guard lock(backend_->mutex_);
  EXPECT_EQ(backend_->last_limit, 100u);  // default limit
  EXPECT_FALSE(backend_->last_since.has_value());
}

TEST_F(ApiServerTest, ListCallsPassesSinceAndLimit) {
  start();
  // Unencoded '+' in the offset must stay a '+', and %2B must decode to one.
  for (const std::string since : {"2026-11-28T17:00:00+01:00", "2026-11-28T17:00:00%2B01:00"}) {
    const auto res = get("/v1/calls?since=" + since + "&limit=5");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->result_int(), 200) << res->body();
    const auto j = body_json(*res);
    ASSERT_EQ(j.at("count"), 1);  // only the call started at 16:13:29Z
    EXPECT_EQ(j["calls"][0]["call_id"], "1795879999.7");
    std::lock_guard lock(backend_->mutex_);
    EXPECT_EQ(backend_->last_limit, 5u);
    EXPECT_EQ(backend_->last_since, core::parse_rfc3339("2026-11-28T16:00:00Z"));
  }
}

TEST_F(ApiServerTest, GetCallAndUnknownCall) {
  start();
  const auto ok = get("/v1/calls/1795879455.42");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->result_int(), 200);
  EXPECT_EQ(body_json(*ok), cti::json::to_json(backend_->calls()[0]));

  const auto missing = get("/v1/calls/unknown");
  expect_problem(missing, 404, "not-found", "/v1/calls/unknown");
  EXPECT_NE(body_json(*missing)["detail"].get<std::string>().find("unknown"), std::string::npos);
}

TEST_F(ApiServerTest, BadQueryParametersAre400NamingTheParameter) {
  start();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/calls?limit=0", "limit"},
      {"/v1/calls?limit=abc", "limit"},
      {"/v1/calls?limit=1001", "limit"},
      {"/v1/calls?limit=-1", "limit"},
      {"/v1/calls?limit=", "limit"},
      {"/v1/calls?since=garbage", "since"},
      {"/v1/calls?since=2026-13-45T99:00:00Z", "since"},
      {"/v1/deliveries?state=lost", "state"},
      {"/v1/deliveries?limit=abc", "limit"},
  };
  for (const auto& [target, param] : cases) {
    SCOPED_TRACE(target);
    const auto res = get(target);
    const std::string path = target.substr(0, target.find('?'));
    expect_problem(res, 400, "bad-request", path);
    EXPECT_NE(body_json(*res)["detail"].get<std::string>().find("'" + param + "'"),
              std::string::npos);
  }
  // Limits at the edges are accepted.
  for (const std::string limit : {"1", "1000"}) {
    const auto res = get("/v1/calls?limit=" + limit);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result_int(), 200);
  }
}

TEST_F(ApiServerTest, ListDeliveriesDefaultsToDead) {
  start();
  const auto res = get("/v1/deliveries");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->result_int(), 200) << res->body();
  const auto j = body_json(*res);
  ASSERT_EQ(j.at("deliveries").size(), 1u);
  const auto& d = j["deliveries"][0];
  EXPECT_EQ(d["id"], 7);
  EXPECT_EQ(d["state"], "dead");
  EXPECT_EQ(d["adapter"], "hooks");
  EXPECT_EQ(d["last_status"], 400);
  EXPECT_EQ(d["created_at"], "2026-11-28T15:13:29.778Z");
  EXPECT_TRUE(d["delivered_at"].is_null());

  const auto pending = get("/v1/deliveries?state=pending");
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->result_int(), 200);
  EXPECT_EQ(body_json(*pending)["deliveries"][0]["id"], 8);
  std::lock_guard lock(backend_->mutex_);
  EXPECT_EQ(backend_->last_state, "pending");
}

TEST_F(ApiServerTest, Replay) {
  start();
  expect_problem(fetch(port_, http::verb::post, "/v1/deliveries/99/replay", token), 404,
                 "not-found", "/v1/deliveries/99/replay");
  expect_problem(fetch(port_, http::verb::post, "/v1/deliveries/8/replay", token), 409, "conflict",
                 "/v1/deliveries/8/replay");
  expect_problem(fetch(port_, http::verb::post, "/v1/deliveries/abc/replay", token), 400,
                 "bad-request", "/v1/deliveries/abc/replay");

  const auto ok = fetch(port_, http::verb::post, "/v1/deliveries/7/replay", token);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->result_int(), 202) << ok->body();
  EXPECT_EQ(body_json(*ok), (nlohmann::json{{"id", 7}, {"state", "pending"}}));
  EXPECT_EQ(backend_->delivery(7)->state, "pending");
  // Now pending, so a second replay conflicts.
  expect_problem(fetch(port_, http::verb::post, "/v1/deliveries/7/replay", token), 409, "conflict",
                 "/v1/deliveries/7/replay");
}

TEST_F(ApiServerTest, MetricsIsPrometheusText) {
  start();
  ASSERT_TRUE(get("/v1/health", std::nullopt));  // counted before /metrics renders
  const auto res = get("/metrics");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->result_int(), 200);
  EXPECT_EQ(header(*res, http::field::content_type), "text/plain; version=0.0.4");

  const std::string label = R"([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")";
  const std::regex sample("^[a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{" + label + "(?:," + label +
                          ")*\\})? (?:-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|[-+]Inf|NaN)$");
  const std::regex comment("^# (?:HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$");
  std::istringstream lines(res->body());
  std::string line;
  int samples = 0;
  std::optional<double> health_ok;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line.starts_with("#")) {
      EXPECT_TRUE(std::regex_match(line, comment)) << line;
      continue;
    }
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
    ++samples;
    const std::string key = R"(cti_api_requests_total{route="/v1/health",status="200"} )";
    if (line.starts_with(key)) health_ok = std::stod(line.substr(key.size()));
  }
  EXPECT_GT(samples, 0);
  ASSERT_TRUE(health_ok.has_value()) << res->body();
  EXPECT_GE(*health_ok, 1.0);
}

TEST_F(ApiServerTest, OversizedBodyIs413AndServerCarriesOn) {
  ServerOptions options;
  options.max_body_bytes = 64 * 1024;
  start(options);
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  // The whole 1 MiB is sent, as a naive client would: the server must still
  // answer 413 (it drains what it will not read rather than resetting).
  const auto res =
      client.request(http::verb::post, "/v1/deliveries/7/replay", token, std::string(1 << 20, 'x'));
  expect_problem(res, 413, "payload-too-large", "/v1/deliveries/7/replay");
  EXPECT_FALSE(res->keep_alive());
  EXPECT_TRUE(client.wait_closed());
  EXPECT_EQ(backend_->delivery(7)->state, "dead");  // nothing was replayed

  const auto after = get("/v1/health", std::nullopt);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->result_int(), 200);
}

TEST_F(ApiServerTest, OversizedHeadersAre431) {
  ServerOptions options;
  options.max_header_bytes = 4 * 1024;
  start(options);
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  ASSERT_FALSE(client.write_raw("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Padding: " +
                                std::string(8 * 1024, 'p') + "\r\n\r\n"));
  const auto res = client.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 431);
  EXPECT_EQ(body_json(*res)["type"], "https://cti-connector.dev/problems/headers-too-large");
}

TEST_F(ApiServerTest, MethodNotAllowedListsAllowedMethods) {
  start();
  const auto del = fetch(port_, http::verb::delete_, "/v1/calls", token);
  expect_problem(del, 405, "method-not-allowed", "/v1/calls");
  EXPECT_EQ(header(*del, http::field::allow), "GET, POST");

  const auto get_replay = get("/v1/deliveries/7/replay");
  expect_problem(get_replay, 405, "method-not-allowed", "/v1/deliveries/7/replay");
  EXPECT_EQ(header(*get_replay, http::field::allow), "POST");
  EXPECT_EQ(backend_->delivery(7)->state, "dead");
}

TEST_F(ApiServerTest, UnknownPathIs404WithTokenAnd401Without) {
  start();
  expect_problem(get("/v1/nothing-here"), 404, "not-found", "/v1/nothing-here");
  expect_problem(get("/v1/calls/"), 404, "not-found", "/v1/calls/");
  expect_problem(get("/v1/nothing-here", std::nullopt), 401, "unauthorized", "/v1/nothing-here");
}

TEST_F(ApiServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start();
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  const auto first = client.request(http::verb::get, "/v1/calls?limit=1", token);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->result_int(), 200);
  EXPECT_TRUE(first->keep_alive());
  const auto second = client.request(http::verb::get, "/v1/health");
  ASSERT_TRUE(second) << "the connection was not kept alive";
  EXPECT_EQ(second->result_int(), 200);
}

TEST_F(ApiServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  ASSERT_FALSE(client.write_raw(
      "GET /v1/calls/1795879999.7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
      "\r\n\r\nGET /v1/calls/nope HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
      "\r\n\r\n"));
  const auto a = client.read();
  const auto b = client.read();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->result_int(), 200);
  EXPECT_EQ(body_json(*a)["call_id"], "1795879999.7");
  EXPECT_EQ(b->result_int(), 404);
}

TEST_F(ApiServerTest, HandlerExceptionIs500AndConnectionSurvives) {
  start();
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  const std::string path = std::string("/v1/calls/") + FakeBackend::throwing_call_id;
  const auto boom = client.request(http::verb::get, path, token);
  expect_problem(boom, 500, "internal", path);
  // The exception text is logged, never shown to the client.
  EXPECT_EQ(body_json(*boom)["detail"].get<std::string>().find("fire"), std::string::npos);
  const auto next = client.request(http::verb::get, "/v1/calls/1795879455.42", token);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->result_int(), 200);
}

TEST_F(ApiServerTest, MalformedRequestIs400) {
  start();
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  ASSERT_FALSE(client.write_raw("NOT HTTP AT ALL\r\n\r\n"));
  const auto res = client.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 400);
  EXPECT_EQ(body_json(*res)["type"], "https://cti-connector.dev/problems/bad-request");
  EXPECT_TRUE(client.wait_closed());
}

TEST_F(ApiServerTest, Http10WithoutKeepAliveIsClosedAfterTheResponse) {
  start();
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  ASSERT_FALSE(client.write_raw("GET /v1/health HTTP/1.0\r\n\r\n"));
  const auto res = client.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_TRUE(client.wait_closed());
}

TEST_F(ApiServerTest, IdleConnectionIsClosed) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  start(options);
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  EXPECT_TRUE(client.wait_closed());  // well before the client's own 20 s deadline
}

TEST_F(ApiServerTest, ConnectionLimitClosesExtraConnections) {
  ServerOptions options;
  options.max_connections = 1;
  start(options);
  TestClient first(port_);
  ASSERT_FALSE(first.connect_error);
  // A completed request proves the first connection is registered.
  ASSERT_TRUE(first.request(http::verb::get, "/v1/health"));

  TestClient second(port_);
  ASSERT_FALSE(second.connect_error);  // the kernel accepts; the server then closes it
  beast::error_code ec;
  // The write may already fail if the close arrived first; either way no response comes.
  (void)second.write_raw("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_FALSE(second.read(&ec).has_value());
  EXPECT_TRUE(ec);

  const auto again = first.request(http::verb::get, "/v1/health");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->result_int(), 200);
}

TEST_F(ApiServerTest, StopClosesOpenConnections) {
  start();
  TestClient client(port_);
  ASSERT_FALSE(client.connect_error);
  ASSERT_TRUE(client.request(http::verb::get, "/v1/health"));
  server_->stop();
  EXPECT_TRUE(client.wait_closed());
}

TEST(ApiServerStart, ReportsBadOptions) {
  net::io_context ioc;
  auto backend = std::make_shared<FakeBackend>();
  {
    ServerOptions o;
    o.listen = "localhost:8080";
    const auto r = Server(ioc, o, backend).start();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("IP address"), std::string::npos) << r.error();
  }
  {
    ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.token_hashes = {"plain-text-token"};
    const auto r = Server(ioc, o, backend).start();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("token hash 0"), std::string::npos) << r.error();
  }
  {
    ServerOptions o;
    o.listen = "127.0.0.1:0";
    Server first(ioc, o, backend);
    const auto port = first.start();
    ASSERT_TRUE(port) << port.error();
    o.listen = "127.0.0.1:" + std::to_string(*port);
    const auto r = Server(ioc, o, backend).start();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("bind"), std::string::npos) << r.error();
    EXPECT_FALSE(first.start());  // already started
  }
}

}  // namespace
}  // namespace cti::api::test
