// The pure parts: router without sockets, token hashing, parameter and
// target parsing.
#include "connector/api/router.h"

#include <gtest/gtest.h>

#include "connector/api/auth.h"
#include "connector/api/listen_address.h"
#include "connector/api/params.h"
#include "connector/api/target.h"
#include "unit/api/fake_backend.h"

namespace cti::api::test {
namespace {

namespace http = boost::beast::http;

TEST(HashToken, IsLowercaseHexSha256) {
  // FIPS 180-2 test vector for SHA-256("abc").
  EXPECT_EQ(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(BearerToken, ParsesSchemeCaseInsensitively) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer   abc  "), "abc");
  EXPECT_EQ(bearer_token("BEARER abc"), "abc");
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Bearer   "));
  EXPECT_FALSE(bearer_token("Bearerabc"));
  EXPECT_FALSE(bearer_token("Basic abc"));
  EXPECT_FALSE(bearer_token(""));
}

TEST(TokenVerifier, AcceptsOnlyConfiguredTokens) {
  auto upper = hash_token("two");
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto v = TokenVerifier::from_hashes({hash_token("one"), upper});
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->verify("one"));
  EXPECT_TRUE(v->verify("two"));
  EXPECT_FALSE(v->verify("three"));
  EXPECT_FALSE(v->verify(""));
  EXPECT_TRUE(v->verify_authorization("Bearer one"));
  EXPECT_FALSE(v->verify_authorization("one"));
  // The hash itself is not a token.
  EXPECT_FALSE(v->verify(hash_token("one")));

  const auto none = TokenVerifier::from_hashes({});
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->verify("one"));

  EXPECT_FALSE(TokenVerifier::from_hashes({"abc"}));
  EXPECT_FALSE(TokenVerifier::from_hashes({std::string(64, 'g')}));
}

TEST(Params, Limit) {
  EXPECT_EQ(parse_limit(std::nullopt), default_limit);
  EXPECT_EQ(parse_limit("1"), 1u);
  EXPECT_EQ(parse_limit("1000"), 1000u);
  for (std::string_view bad :
       {"0", "1001", "abc", "", "10x", "-5", " 5", "99999999999999999999999"})
    EXPECT_FALSE(parse_limit(bad)) << bad;
}

TEST(Params, SinceStateAndId) {
  EXPECT_EQ(parse_since(std::nullopt).value(), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-28T15:13:29Z").value(),
            core::parse_rfc3339("2026-11-28T15:13:29Z"));
  EXPECT_FALSE(parse_since("yesterday"));
  EXPECT_EQ(parse_delivery_state(std::nullopt).value(), "dead");
  EXPECT_EQ(parse_delivery_state("delivered").value(), "delivered");
  EXPECT_FALSE(parse_delivery_state("DEAD"));
  EXPECT_EQ(parse_delivery_id("42").value(), 42);
  EXPECT_FALSE(parse_delivery_id("0"));
  EXPECT_FALSE(parse_delivery_id("4x"));
  // Long client input is cut in the echoed error text.
  const auto err = parse_limit(std::string(500, '9'));
  ASSERT_FALSE(err);
  EXPECT_LT(err.error().size(), 200u);
}

TEST(Target, SplitsAndDecodes) {
  EXPECT_EQ(target_path("/v1/calls?limit=5"), "/v1/calls");
  EXPECT_EQ(percent_decode("a%2Fb+c%41").value(), "a/b+cA");
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%zz"));
  const auto q = parse_query("/x?a=1&b=&c&a=2&d=%3D");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->get("a"), "1");  // the first value wins
  EXPECT_EQ(q->get("b"), "");
  EXPECT_EQ(q->get("c"), "");
  EXPECT_EQ(q->get("d"), "=");
  EXPECT_FALSE(q->get("e"));
  EXPECT_FALSE(parse_query("/x?a=%G0"));
  EXPECT_EQ(path_segments("/v1/calls/a%2Fb").value(),
            (std::vector<std::string>{"v1", "calls", "a/b"}));
  EXPECT_EQ(path_segments("/").value(), (std::vector<std::string>{""}));
  EXPECT_FALSE(path_segments("v1"));
}

TEST(ListenAddress, Parses) {
  EXPECT_EQ(parse_listen_address("127.0.0.1:8080")->port(), 8080);
  EXPECT_EQ(parse_listen_address("[::1]:0")->address().to_string(), "::1");
  EXPECT_FALSE(parse_listen_address("127.0.0.1"));
  EXPECT_FALSE(parse_listen_address("127.0.0.1:65536"));
  EXPECT_FALSE(parse_listen_address("::1:80"));
  EXPECT_FALSE(parse_listen_address("example.com:80"));
}

class RouterTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeBackend> backend_ = std::make_shared<FakeBackend>();  // before router_
  Router router_{backend_, TokenVerifier::from_hashes({hash_token("tok")}).value()};

  Router::Result call(http::verb method, std::string target, bool auth = true) {
    Request req{method, target, 11};
    if (auth) req.set(http::field::authorization, "Bearer tok");
    return router_.handle(req);
  }
  static nlohmann::json body(const Router::Result& r) {
    return nlohmann::json::parse(r.response.body());
  }
};

TEST_F(RouterTest, LabelsResultsWithRouteTemplates) {
  EXPECT_EQ(call(http::verb::get, "/v1/calls/1795879455.42").route, "/v1/calls/{call_id}");
  EXPECT_EQ(call(http::verb::get, "/v1/calls?limit=3").route, "/v1/calls");
  EXPECT_EQ(call(http::verb::post, "/v1/deliveries/7/replay").route, "/v1/deliveries/{id}/replay");
  EXPECT_EQ(call(http::verb::get, "/v1/health", false).route, "/v1/health");
  EXPECT_EQ(call(http::verb::get, "/metrics", false).route, "/metrics");  // 401, known route
  EXPECT_EQ(call(http::verb::get, "/random").route, unmatched_route);
}

TEST_F(RouterTest, DecodesPathParameters) {
  // "%2E" is '.', so this names the same call as /v1/calls/1795879455.42.
  const auto r = call(http::verb::get, "/v1/calls/1795879455%2E42");
  ASSERT_EQ(r.response.result_int(), 200) << r.response.body();
  EXPECT_EQ(body(r)["call_id"], "1795879455.42");
  const auto bad = call(http::verb::get, "/v1/calls/%zz");
  EXPECT_EQ(bad.response.result_int(), 400);
}

TEST_F(RouterTest, ProblemInstanceNeverCarriesTheQuery) {
  const auto r = call(http::verb::get, "/v1/calls?limit=abc&since=x", true);
  EXPECT_EQ(r.response.result_int(), 400);
  EXPECT_EQ(body(r)["instance"], "/v1/calls");
}

TEST_F(RouterTest, HealthAllowsOnlyGet) {
  const auto r = call(http::verb::post, "/v1/health", false);
  EXPECT_EQ(r.response.result_int(), 405);
  EXPECT_EQ(r.response[http::field::allow], "GET");
}

TEST_F(RouterTest, InvalidUtf8InPathDoesNotThrow) {
  const auto r = call(http::verb::get, "/v1/calls/%FF%FE");
  EXPECT_EQ(r.response.result_int(), 404);
  EXPECT_NO_THROW(body(r));
}

}  // namespace
}  // namespace cti::api::test
