// OAuth access-token refresh, the adapter side: the token request for each
// grant, the reading of each answer shape (Salesforce, Zoho, RFC 6749), the
// shared token session (invalidate only the rejected token; N threads
// rejected at once -> one token request), and which answers the Salesforce
// and Zoho adapters call a rejected token.
#include "adapters/common/oauth.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <latch>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/common/oauth_session.h"
#include "adapters/salesforce/salesforce_adapter.h"
#include "adapters/zoho/zoho_accounts.h"
#include "adapters/zoho/zoho_adapter.h"

namespace cti::adapters {
namespace {

const std::string kSecret = "s3cr3t+/=&value";
const std::string kRefresh = "1000.refresh&token=abc";

OAuthOptions refresh_options() {
  OAuthOptions o;
  o.token_url = "https://accounts.zoho.eu/oauth/v2/token";
  o.client_id = "1000.CLIENTID";
  o.client_secret = kSecret;
  o.refresh_token = kRefresh;
  o.scheme = "Zoho-oauthtoken";
  return o;
}

OAuthOptions client_credentials_options() {
  OAuthOptions o;
  o.token_url = "https://acme.my.salesforce.com/services/oauth2/token";
  o.client_id = "3MVG9 consumer key";
  o.client_secret = kSecret;
  return o;
}

core::HttpResponse answer(int status, std::string body) {
  core::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// The form body as a map, decoded independently of the encoder.
std::map<std::string, std::string> form_of(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= body.size()) {
    const auto end = std::min(body.find('&', start), body.size());
    const std::string pair = body.substr(start, end - start);
    const auto eq = pair.find('=');
    auto decode = [](const std::string& s) {
      std::string d;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
          d += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          d += s[i];
        }
      }
      return d;
    };
    out[decode(pair.substr(0, eq))] = eq == std::string::npos ? "" : decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

TEST(OAuthTokenRequest, RefreshTokenGrantIsAFormPostWithEveryValueEncoded) {
  const core::HttpRequest req = token_request(refresh_options());
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://accounts.zoho.eu/oauth/v2/token");  // no credentials in the URL
  EXPECT_EQ(req.content_type, "application/x-www-form-urlencoded");
  EXPECT_TRUE(req.headers.empty());  // no Authorization: the credentials are in the body
  const auto form = form_of(req.body);
  EXPECT_EQ(form, (std::map<std::string, std::string>{{"grant_type", "refresh_token"},
                                                      {"refresh_token", kRefresh},
                                                      {"client_id", "1000.CLIENTID"},
                                                      {"client_secret", kSecret}}));
  // Reserved characters are encoded, so '&', '=', '+' and '/' survive.
  EXPECT_EQ(req.body.find(kSecret), std::string::npos);
  EXPECT_NE(req.body.find("s3cr3t%2B%2F%3D%26value"), std::string::npos) << req.body;
}

TEST(OAuthTokenRequest, WithoutRefreshTokenItIsTheClientCredentialsGrant) {
  const core::HttpRequest req = token_request(client_credentials_options());
  EXPECT_EQ(req.url, "https://acme.my.salesforce.com/services/oauth2/token");
  const auto form = form_of(req.body);
  EXPECT_EQ(form, (std::map<std::string, std::string>{{"grant_type", "client_credentials"},
                                                      {"client_id", "3MVG9 consumer key"},
                                                      {"client_secret", kSecret}}));
  EXPECT_NE(req.body.find("client_id=3MVG9%20consumer%20key"), std::string::npos) << req.body;
}

TEST(OAuthTokenAnswer, SalesforceAnswerHasNoExpiry) {
  // Salesforce's client credentials answer (no expires_in: the session
  // timeout of the connected app's policy applies).
  const auto token = parse_token_answer(answer(
      200,
      R"({"access_token":"00D5g!AQ4AQtoken","signature":"x=","scope":"api",)"
      R"("instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00D/005",)"
      R"("token_type":"Bearer","issued_at":"1764322409000"})"));
  ASSERT_TRUE(token) << token.error();
  EXPECT_EQ(token->access_token, "00D5g!AQ4AQtoken");
  EXPECT_EQ(token->expires_in, 0);
}

TEST(OAuthTokenAnswer, ZohoAnswerHasExpiresIn) {
  const auto token = parse_token_answer(
      answer(200, R"({"access_token":"1000.abc.def","api_domain":"https://www.zohoapis.eu",)"
                  R"("token_type":"Bearer","expires_in":3600})"));
  ASSERT_TRUE(token) << token.error();
  EXPECT_EQ(token->access_token, "1000.abc.def");
  EXPECT_EQ(token->expires_in, 3600);
  // Some servers send the number as a string.
  const auto text = parse_token_answer(answer(200, R"({"access_token":"t","expires_in":"7200"})"));
  ASSERT_TRUE(text);
  EXPECT_EQ(text->expires_in, 7200);
}

TEST(OAuthTokenAnswer, EachErrorShapeSaysWhy) {
  struct Case {
    core::HttpResponse response;
    std::string reason;
  };
  const Case cases[] = {
      // RFC 6749 §5.2, Salesforce's refresh flow.
      {answer(400,
              R"({"error":"invalid_grant","error_description":"expired access/refresh token"})"),
       "HTTP 400: invalid_grant (expired access/refresh token)"},
      {answer(401,
              R"({"error":"invalid_client","error_description":"invalid client credentials"})"),
       "HTTP 401: invalid_client (invalid client credentials)"},
      {answer(400, R"({"error":"unsupported_grant_type"})"), "HTTP 400: unsupported_grant_type"},
      // An error without an OAuth body: the status alone (never the body).
      {answer(503, "<html>maintenance</html>"), "HTTP 503"},
      // Zoho: an invalid or revoked refresh token is a 200.
      {answer(200, R"({"error":"invalid_code"})"), "invalid_code"},
      {answer(200, R"({"error":"invalid_client"})"), "invalid_client"},
      {answer(200, R"({"token_type":"Bearer"})"),
       "the token endpoint's answer has no access_token"},
      {answer(200, R"({"access_token":""})"), "the token endpoint's answer has no access_token"},
      {answer(200, "access_token=abc"), "the token endpoint's answer is not a JSON object"},
      {answer(0, "connection refused"), "no answer from the token endpoint: connection refused"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.response.status) + " " + c.response.body);
    const auto token = parse_token_answer(c.response);
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error(), c.reason);
  }
}

// A token endpoint that counts its calls and hands out "t1", "t2", ...
struct CountingEndpoint {
  std::atomic<int> calls{0};
  std::string last_body;
  OAuthSession::SendFn fn() {
    return [this](const core::HttpRequest& req) {
      const int n = ++calls;
      last_body = req.body;
      return answer(200, R"({"access_token":"t)" + std::to_string(n) + R"(","expires_in":3600})");
    };
  }
};

TEST(OAuthSession, FetchesOnFirstUseAndKeepsTheToken) {
  CountingEndpoint endpoint;
  OAuthSession session(refresh_options());
  EXPECT_EQ(session.current(), "");
  EXPECT_EQ(session.token(endpoint.fn()).value(), "t1");
  EXPECT_EQ(session.token(endpoint.fn()).value(), "t1");
  EXPECT_EQ(endpoint.calls, 1);
  EXPECT_EQ(session.fetches(), 1u);
  EXPECT_EQ(session.current(), "t1");
  EXPECT_EQ(form_of(endpoint.last_body)["grant_type"], "refresh_token");
}

TEST(OAuthSession, AConfiguredTokenIsUsedFirst) {
  CountingEndpoint endpoint;
  OAuthSession session(refresh_options(), "configured");
  EXPECT_EQ(session.token(endpoint.fn()).value(), "configured");
  EXPECT_EQ(endpoint.calls, 0);
  session.invalidate("configured");
  EXPECT_EQ(session.token(endpoint.fn()).value(), "t1");
}

TEST(OAuthSession, InvalidateForgetsOnlyTheRejectedToken) {
  CountingEndpoint endpoint;
  OAuthSession session(refresh_options());
  ASSERT_EQ(session.token(endpoint.fn()).value(), "t1");
  session.invalidate("t1");
  EXPECT_EQ(session.current(), "");
  ASSERT_EQ(session.token(endpoint.fn()).value(), "t2");
  // A late 401 for t1 (another thread already refreshed) keeps t2.
  session.invalidate("t1");
  EXPECT_EQ(session.current(), "t2");
  session.invalidate("");
  EXPECT_EQ(session.current(), "t2");
  EXPECT_EQ(session.token(endpoint.fn()).value(), "t2");
  EXPECT_EQ(endpoint.calls, 2);
}

TEST(OAuthSession, TwoThreadsRejectedTogetherCauseOneRefresh) {
  CountingEndpoint endpoint;
  OAuthSession session(refresh_options(), "t0");
  const auto send = endpoint.fn();
  // Both threads hold t0 and have had it rejected before either refreshes.
  std::latch both_rejected(2);
  std::string got[2];
  auto worker = [&](int i) {
    const std::string mine = session.token(send).value();
    both_rejected.arrive_and_wait();
    session.invalidate(mine);
    got[i] = session.token(send).value();
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  EXPECT_EQ(endpoint.calls, 1);
  EXPECT_EQ(got[0], "t1");
  EXPECT_EQ(got[1], "t1");
}

TEST(OAuthSession, AThreadWaitingOnAFetchGetsItsToken) {
  // Thread A's token request is in flight when thread B asks: B waits for
  // it instead of sending a second one.
  std::latch in_flight(1), b_asking(1);
  std::atomic<int> calls{0};
  OAuthSession session(refresh_options());
  const OAuthSession::SendFn slow = [&](const core::HttpRequest&) {
    if (++calls == 1) {
      in_flight.count_down();
      b_asking.wait();
    }
    return answer(200, R"({"access_token":"only"})");
  };
  std::string got_a, got_b;
  std::thread a([&] { got_a = session.token(slow).value(); });
  in_flight.wait();
  std::thread b([&] {
    b_asking.count_down();
    got_b = session.token(slow).value();
  });
  a.join();
  b.join();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(got_a, "only");
  EXPECT_EQ(got_b, "only");
}

TEST(OAuthSession, AFailedFetchSaysWhyWithoutSecretsAndIsRetriedLater) {
  int calls = 0;
  OAuthSession session(refresh_options());
  // A server that echoes what it got (none should, but one might).
  const OAuthSession::SendFn refusing = [&](const core::HttpRequest&) {
    ++calls;
    return answer(400, R"({"error":"invalid_grant","error_description":"bad token )" + kRefresh +
                           " for secret " + kSecret + R"("})");
  };
  const auto token = session.token(refusing);
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().find("HTTP 400: invalid_grant"), std::string::npos) << token.error();
  EXPECT_EQ(token.error().find(kSecret), std::string::npos) << token.error();
  EXPECT_EQ(token.error().find(kRefresh), std::string::npos) << token.error();
  EXPECT_EQ(session.current(), "");
  // The next job asks again (the operator may have fixed the app meanwhile).
  CountingEndpoint endpoint;
  EXPECT_EQ(session.token(endpoint.fn()).value(), "t1");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(session.fetches(), 2u);
}

TEST(OAuthSession, ThreadsWaitingOnAFailedFetchShareItsError) {
  std::latch in_flight(1), b_asking(1);
  std::atomic<int> calls{0};
  OAuthSession session(refresh_options());
  const OAuthSession::SendFn refusing = [&](const core::HttpRequest&) {
    if (++calls == 1) {
      in_flight.count_down();
      b_asking.wait();
    }
    return answer(200, R"({"error":"invalid_code"})");
  };
  std::expected<std::string, std::string> got_a, got_b;
  std::thread a([&] { got_a = session.token(refusing); });
  in_flight.wait();
  std::thread b([&] {
    b_asking.count_down();
    got_b = session.token(refusing);
  });
  a.join();
  b.join();
  ASSERT_FALSE(got_a);
  ASSERT_FALSE(got_b);
  EXPECT_EQ(got_a.error(), "invalid_code");
  EXPECT_EQ(got_b.error(), "invalid_code");
  // B either waited on A's request (1 call) or asked after it ended (2).
  EXPECT_GE(calls, 1);
  EXPECT_LE(calls, 2);
}

std::string authorization(const core::HttpRequest& req) {
  for (const auto& [k, v] : req.headers)
    if (k == "Authorization") return v;
  return {};
}

TEST(OAuthAdapters, SalesforceTokenRejectedIsInvalidSessionId) {
  SalesforceOptions o;
  o.name = "sf";
  o.base_url = "https://acme.my.salesforce.com";
  o.oauth = client_credentials_options();
  o.oauth->scheme = "Zoho-oauthtoken";  // the adapter knows its own scheme
  const SalesforceAdapter adapter(o);
  ASSERT_NE(adapter.oauth(), nullptr);
  EXPECT_EQ(adapter.oauth()->scheme(), "Bearer");
  EXPECT_EQ(adapter.oauth()->options().token_url, o.oauth->token_url);
  EXPECT_TRUE(adapter.token_rejected(answer(
      401, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])")));
  // The recorded answer (tests/fixtures/crm/salesforce/, SOURCES.md: errors).
  std::ifstream in(std::string(CTI_FIXTURES) + "/crm/salesforce/lookup_invalid_session.json");
  const auto recorded = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(recorded.is_object());
  EXPECT_TRUE(adapter.token_rejected(
      answer(recorded["response"]["status"].get<int>(), recorded["response"]["body"].dump())));
  EXPECT_FALSE(adapter.token_rejected(answer(401, "unauthorized")));
  EXPECT_FALSE(adapter.token_rejected(
      answer(403, R"([{"message":"x","errorCode":"REQUEST_LIMIT_EXCEEDED"}])")));
  EXPECT_FALSE(adapter.token_rejected(answer(200, R"({"searchRecords":[]})")));
  // The runner sets the header: the adapter adds none of its own.
  const auto req = adapter.lookup(core::PhoneNumber::parse("+34912345678", "ES"));
  ASSERT_TRUE(req);
  EXPECT_EQ(authorization(*req), "");
}

TEST(OAuthAdapters, ZohoTokenRejectedIsInvalidTokenOrAuthenticationFailure) {
  ZohoOptions o;
  o.name = "zc";
  o.oauth = refresh_options();
  o.oauth->scheme = "Bearer";
  const ZohoAdapter adapter(o);
  ASSERT_NE(adapter.oauth(), nullptr);
  EXPECT_EQ(adapter.oauth()->scheme(), "Zoho-oauthtoken");
  EXPECT_TRUE(adapter.token_rejected(answer(
      401,
      R"({"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"})")));
  EXPECT_TRUE(adapter.token_rejected(answer(
      401,
      R"({"code":"AUTHENTICATION_FAILURE","details":{},"message":"Authentication failed","status":"error"})")));
  // A scope the token lacks is not cured by a refresh.
  EXPECT_FALSE(adapter.token_rejected(answer(
      401,
      R"({"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope","status":"error"})")));
  EXPECT_FALSE(adapter.token_rejected(answer(400, R"({"code":"INVALID_TOKEN"})")));
  EXPECT_FALSE(adapter.token_rejected(answer(401, "[]")));
  core::CallRecord r;
  r.call_id = "c-1";
  r.from = "+34912345678";
  r.to = "+34912000100";
  r.disposition = core::Disposition::Answered;
  const auto req = adapter.log_call(r, std::nullopt);
  ASSERT_TRUE(req);
  EXPECT_EQ(authorization(*req), "");
}

TEST(OAuthAdapters, WithoutOAuthTheStaticTokenStays) {
  SalesforceOptions s;
  s.name = "sf";
  s.base_url = "https://acme.my.salesforce.com";
  s.token = "static";
  const SalesforceAdapter sf(s);
  EXPECT_EQ(sf.oauth(), nullptr);
  EXPECT_EQ(authorization(*sf.lookup(core::PhoneNumber::parse("+34912345678", "ES"))),
            "Bearer static");
  ZohoOptions z;
  z.name = "zc";
  z.token = "static";
  const ZohoAdapter zc(z);
  EXPECT_EQ(zc.oauth(), nullptr);
  EXPECT_EQ(authorization(zc.search("Contacts", "+34912345678")), "Zoho-oauthtoken static");
}

TEST(ZohoAccounts, TheTokenUrlFollowsTheDataCentre) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://www.zohoapis.com", "https://accounts.zoho.com/oauth/v2/token"},
      {"https://www.zohoapis.eu/", "https://accounts.zoho.eu/oauth/v2/token"},
      {"https://zohoapis.in/crm", "https://accounts.zoho.in/oauth/v2/token"},
      {"https://www.zohoapis.com.au", "https://accounts.zoho.com.au/oauth/v2/token"},
      {"https://www.zohoapis.jp", "https://accounts.zoho.jp/oauth/v2/token"},
      {"https://www.zohoapis.ca", "https://accounts.zohocloud.ca/oauth/v2/token"},
      {"https://www.zohoapis.sa:443", "https://accounts.zoho.sa/oauth/v2/token"},
  };
  for (const auto& [base, token_url] : cases) EXPECT_EQ(zoho::token_url_for(base), token_url);
  EXPECT_EQ(zoho::token_url_for("http://127.0.0.1:8080"), std::nullopt);
  EXPECT_EQ(zoho::token_url_for("https://www.zohoapis.com.evil.example"), std::nullopt);
  EXPECT_EQ(zoho::token_url_for("https://proxy.example/www.zohoapis.eu"), std::nullopt);
}

}  // namespace
}  // namespace cti::adapters
