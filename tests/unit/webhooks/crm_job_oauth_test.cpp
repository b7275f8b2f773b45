// The CRM job runner with OAuth adapters: the first request fetches an access
// token through the same sender; a token the CRM rejects is refreshed once and
// the request resent once; a refused refresh is a Retry whose reason names the
// OAuth error and no secret; adapters without OAuth are sent as before.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "adapters/common/oauth_session.h"
#include "adapters/salesforce/salesforce_adapter.h"
#include "adapters/zoho/zoho_adapter.h"
#include "webhooks/crm_job.h"

namespace cti::webhooks {
namespace {

using adapters::Step;

const std::string kTokenUrl = "https://acme.my.salesforce.com/services/oauth2/token";
const std::string kClientSecret = "client-Secret-Value-9";
const std::string kRefreshToken = "refresh-Token-Value-8";
const std::string kInvalidSession =
    R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])";

core::HttpResponse answer(int status, std::string body) {
  core::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string authorization(const core::HttpRequest& req) {
  std::string value;
  int count = 0;
  for (const auto& [k, v] : req.headers)
    if (k == "Authorization") {
      value = v;
      ++count;
    }
  EXPECT_LE(count, 1) << "one Authorization header";
  return value;
}

adapters::SalesforceOptions salesforce(bool with_oauth, std::string first_token = {}) {
  adapters::SalesforceOptions o;
  o.name = "sf";
  o.base_url = "https://acme.my.salesforce.com";
  o.token = std::move(first_token);
  if (with_oauth) {
    adapters::OAuthOptions oauth;
    oauth.token_url = kTokenUrl;
    oauth.client_id = "consumer-key";
    oauth.client_secret = kClientSecret;
    oauth.refresh_token = kRefreshToken;
    o.oauth = oauth;
  }
  return o;
}

core::CallRecord ended_call() {
  core::CallRecord r;
  r.call_id = "main-1.0";
  r.direction = core::Direction::Inbound;
  r.from = "+34600111222";
  r.to = "+34912000100";
  r.disposition = core::Disposition::Answered;
  r.talk_s = 42;
  return r;
}

// A scripted Salesforce: the token endpoint hands out t1, t2, ... (or the
// scripted refusal); the API accepts only the tokens in `valid`.
struct FakeSalesforce {
  std::vector<std::string> valid;
  std::function<core::HttpResponse()> token_answer;  // empty: issue the next token
  int tokens_issued = 0;
  std::vector<core::HttpRequest> api_requests, token_requests;

  SendFn fn() {
    return [this](const core::HttpRequest& req) {
      if (req.url == kTokenUrl) {
        token_requests.push_back(req);
        if (token_answer) return token_answer();
        return answer(200, R"({"access_token":"t)" + std::to_string(++tokens_issued) +
                               R"(","token_type":"Bearer"})");
      }
      api_requests.push_back(req);
      const std::string auth = authorization(req);
      bool ok = false;
      for (const auto& t : valid) ok = ok || auth == "Bearer " + t;
      if (!ok) return answer(401, kInvalidSession);
      if (req.url.find("/search/") != std::string::npos)
        return answer(200, R"({"searchRecords":[]})");
      return answer(201, R"({"id":"00T5g000001","success":true,"errors":[]})");
    };
  }
};

TEST(CrmJobOAuth, TheFirstRequestFetchesATokenThroughTheSameSender) {
  const adapters::SalesforceAdapter adapter(salesforce(true));
  FakeSalesforce crm;
  crm.valid = {"t1"};
  const JobResult r = run_crm_log(adapter, ended_call(), 1, crm.fn());
  EXPECT_TRUE(r.final.is(Step::Kind::Done)) << r.final.reason;
  ASSERT_EQ(crm.token_requests.size(), 1u);
  EXPECT_EQ(crm.token_requests[0].method, "POST");
  EXPECT_EQ(crm.token_requests[0].content_type, "application/x-www-form-urlencoded");
  EXPECT_NE(crm.token_requests[0].body.find("grant_type=refresh_token"), std::string::npos);
  ASSERT_EQ(crm.api_requests.size(), 2u);  // lookup, Task
  for (const auto& req : crm.api_requests) EXPECT_EQ(authorization(req), "Bearer t1");
  EXPECT_EQ(r.requests, 2);
  EXPECT_EQ(r.token_requests, 1);
  EXPECT_EQ(r.last_status, 201);
  // The next job reuses the token.
  const JobResult again = run_crm_log(adapter, ended_call(), 1, crm.fn());
  EXPECT_TRUE(again.final.is(Step::Kind::Done));
  EXPECT_EQ(again.token_requests, 0);
  EXPECT_EQ(crm.token_requests.size(), 1u);
}

TEST(CrmJobOAuth, ARejectedTokenIsRefreshedOnceAndTheRequestResent) {
  // Started with a configured token that has since expired.
  const adapters::SalesforceAdapter adapter(salesforce(true, "expired"));
  FakeSalesforce crm;
  crm.valid = {"t1"};
  const JobResult r = run_crm_log(adapter, ended_call(), 1, crm.fn());
  EXPECT_TRUE(r.final.is(Step::Kind::Done)) << r.final.reason;
  EXPECT_EQ(crm.token_requests.size(), 1u);
  EXPECT_EQ(r.token_requests, 1);
  ASSERT_EQ(crm.api_requests.size(), 3u);  // lookup (401), lookup again, Task
  EXPECT_EQ(authorization(crm.api_requests[0]), "Bearer expired");
  EXPECT_EQ(crm.api_requests[1].url, crm.api_requests[0].url);  // the same request
  EXPECT_EQ(authorization(crm.api_requests[1]), "Bearer t1");
  EXPECT_EQ(authorization(crm.api_requests[2]), "Bearer t1");
  EXPECT_EQ(r.requests, 3);
  EXPECT_EQ(adapter.oauth()->current(), "t1");
}

TEST(CrmJobOAuth, ATokenExpiringMidJobIsRefreshedBeforeTheTask) {
  const adapters::SalesforceAdapter adapter(salesforce(true, "t0"));
  FakeSalesforce crm;
  crm.valid = {"t0", "t1"};
  // t0 works for the lookup, then expires.
  SendFn send = [&, inner = crm.fn()](const core::HttpRequest& req) {
    if (crm.api_requests.size() == 1) crm.valid = {"t1"};
    return inner(req);
  };
  const JobResult r = run_crm_log(adapter, ended_call(), 1, send);
  EXPECT_TRUE(r.final.is(Step::Kind::Done)) << r.final.reason;
  ASSERT_EQ(crm.api_requests.size(), 3u);
  EXPECT_EQ(authorization(crm.api_requests[1]), "Bearer t0");  // the Task, rejected
  EXPECT_EQ(authorization(crm.api_requests[2]), "Bearer t1");  // the same Task again
  EXPECT_EQ(crm.api_requests[2].body, crm.api_requests[1].body);
  EXPECT_EQ(crm.api_requests[2].idempotency_key, crm.api_requests[1].idempotency_key);
  EXPECT_EQ(r.token_requests, 1);
}

TEST(CrmJobOAuth, ARefusedRefreshIsARetryThatNamesTheErrorAndNoSecret) {
  const adapters::SalesforceAdapter adapter(salesforce(true, "expired"));
  FakeSalesforce crm;
  crm.token_answer = [] {
    return answer(
        400, R"({"error":"invalid_grant","error_description":"expired access/refresh token"})");
  };
  const JobResult r = run_crm_log(adapter, ended_call(), 1, crm.fn());
  ASSERT_TRUE(r.final.is(Step::Kind::Retry)) << r.final.reason;
  EXPECT_EQ(r.final.reason,
            "sf: could not get an access token: HTTP 400: invalid_grant (expired access/refresh "
            "token)");
  EXPECT_EQ(r.final.reason.find(kClientSecret), std::string::npos);
  EXPECT_EQ(r.final.reason.find(kRefreshToken), std::string::npos);
  EXPECT_EQ(crm.api_requests.size(), 1u);  // the rejected lookup only: nothing resent
  EXPECT_EQ(crm.token_requests.size(), 1u);
  EXPECT_EQ(r.last_status, 401);
}

TEST(CrmJobOAuth, NoTokenAtAllSendsNothingToTheCrm) {
  const adapters::SalesforceAdapter adapter(salesforce(true));
  FakeSalesforce crm;
  crm.token_answer = [] { return answer(0, "Could not establish connection"); };
  const JobResult r = run_lookup(adapter, core::PhoneNumber::parse("+34600111222", "ES"), crm.fn());
  ASSERT_TRUE(r.final.is(Step::Kind::Retry));
  EXPECT_EQ(r.final.reason,
            "sf: could not get an access token: no answer from the token endpoint: Could not "
            "establish connection");
  EXPECT_TRUE(crm.api_requests.empty());
  EXPECT_EQ(r.requests, 0);
  EXPECT_EQ(r.token_requests, 1);
}

TEST(CrmJobOAuth, AFreshTokenRejectedTooIsARetryAfterOneRefresh) {
  const adapters::SalesforceAdapter adapter(salesforce(true, "expired"));
  FakeSalesforce crm;  // accepts no token at all (a deactivated integration user)
  const JobResult r = run_crm_log(adapter, ended_call(), 1, crm.fn());
  ASSERT_TRUE(r.final.is(Step::Kind::Retry)) << r.final.reason;
  EXPECT_NE(r.final.reason.find("sf: the CRM rejected a freshly issued access token: HTTP 401"),
            std::string::npos)
      << r.final.reason;
  EXPECT_EQ(crm.token_requests.size(), 1u);  // no refresh loop
  EXPECT_EQ(crm.api_requests.size(), 2u);
  EXPECT_EQ(r.last_status, 401);
}

TEST(CrmJobOAuth, ZohoGetsItsOwnSchemeAndRefreshesOnInvalidToken) {
  adapters::ZohoOptions o;
  o.name = "zc";
  o.base_url = "https://www.zohoapis.eu";
  adapters::OAuthOptions oauth;
  oauth.token_url = "https://accounts.zoho.eu/oauth/v2/token";
  oauth.client_id = "1000.ID";
  oauth.client_secret = kClientSecret;
  oauth.refresh_token = kRefreshToken;
  o.oauth = oauth;
  const adapters::ZohoAdapter adapter(o);
  std::vector<std::string> auth;
  int token_requests = 0;
  const SendFn send = [&](const core::HttpRequest& req) {
    if (req.url == "https://accounts.zoho.eu/oauth/v2/token") {
      ++token_requests;
      return answer(200, R"({"access_token":"z)" + std::to_string(token_requests) +
                             R"(","api_domain":"https://www.zohoapis.eu","expires_in":3600})");
    }
    auth.push_back(authorization(req));
    if (auth.back() != "Zoho-oauthtoken z2")
      return answer(401, R"({"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token",)"
                         R"("status":"error"})");
    return answer(204, "");  // no match
  };
  const JobResult r = run_lookup(adapter, core::PhoneNumber::parse("+34600111222", "ES"), send);
  ASSERT_TRUE(r.final.is(Step::Kind::Done)) << r.final.reason;
  EXPECT_EQ(token_requests, 2);  // the first token, then one refresh
  ASSERT_GE(auth.size(), 2u);
  EXPECT_EQ(auth[0], "Zoho-oauthtoken z1");
  EXPECT_EQ(auth[1], "Zoho-oauthtoken z2");
}

TEST(CrmJobOAuth, AdaptersWithoutOAuthAreSentAsBefore) {
  const adapters::SalesforceAdapter adapter(salesforce(false, "static-token"));
  FakeSalesforce crm;
  crm.valid = {"static-token"};
  JobResult r = run_crm_log(adapter, ended_call(), 1, crm.fn());
  EXPECT_TRUE(r.final.is(Step::Kind::Done)) << r.final.reason;
  EXPECT_TRUE(crm.token_requests.empty());
  EXPECT_EQ(r.token_requests, 0);
  ASSERT_EQ(crm.api_requests.size(), 2u);
  EXPECT_EQ(authorization(crm.api_requests[0]), "Bearer static-token");
  // A rejected static token is the adapter's to read: one request, no resend.
  crm.valid.clear();
  crm.api_requests.clear();
  r = run_crm_log(adapter, ended_call(), 1, crm.fn());
  EXPECT_TRUE(r.final.is(Step::Kind::Retry));
  EXPECT_NE(r.final.reason.find("INVALID_SESSION_ID"), std::string::npos) << r.final.reason;
  EXPECT_EQ(crm.api_requests.size(), 1u);
}

TEST(CrmJobOAuth, TheRefreshDoesNotCountTowardTheStepBound) {
  // Two steps allowed; the lookup's resend and the token request are not steps.
  const adapters::SalesforceAdapter adapter(salesforce(true, "expired"));
  FakeSalesforce crm;
  crm.valid = {"t1"};
  const JobResult r = run_crm_log(adapter, ended_call(), 1, crm.fn(), /*max_requests=*/2);
  EXPECT_TRUE(r.final.is(Step::Kind::Done)) << r.final.reason;
  EXPECT_EQ(r.requests, 3);
  // ...while an adapter asking for more steps than that still fails.
  const JobResult bounded = run_crm_log(adapter, ended_call(), 1, crm.fn(), /*max_requests=*/1);
  EXPECT_TRUE(bounded.final.is(Step::Kind::Fail)) << bounded.final.reason;
}

}  // namespace
}  // namespace cti::webhooks
