// The "oauth" key of the salesforce and zoho crm[] blocks: a valid block
// builds an adapter with a token session (token_url defaults: Salesforce's
// instance, Zoho's data centre), `token` becomes optional (and is the first
// access token when given), and each mistake is reported at its JSON path
// without showing a secret.
#include <gtest/gtest.h>

#include "adapters/common/oauth_session.h"
#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

const std::string kClientSecret = "client-Secret-Value-7";
const std::string kRefreshToken = "1000.refresh-Token-Value-6";

EnvLookup oauth_env() {
  return fake_env({{"AMI_SECRET", kAmiSecret},
                   {"WEBHOOK_SECRET", kWebhookSecret},
                   {"API_TOKEN", kApiToken},
                   {"CRM_CLIENT_ID", "client-id-5"},
                   {"CRM_CLIENT_SECRET", kClientSecret},
                   {"CRM_REFRESH_TOKEN", kRefreshToken},
                   {"EMPTY", ""}});
}

json with_crm(json block) {
  json j = base_config();
  j["crm"].push_back(std::move(block));
  return j;
}

json oauth_block(bool refresh = true) {
  json o = {{"client_id", "${CRM_CLIENT_ID}"}, {"client_secret", "${CRM_CLIENT_SECRET}"}};
  if (refresh) o["refresh_token"] = "${CRM_REFRESH_TOKEN}";
  return o;
}

json salesforce_block() {
  return {{"type", "salesforce"},
          {"name", "sf"},
          {"base_url", "https://acme.my.salesforce.com/"},
          {"oauth", oauth_block(false)}};
}

json zoho_block() { return {{"type", "zoho"}, {"name", "zc"}, {"oauth", oauth_block()}}; }

const adapters::OAuthSession* session_of(const Config& c) {
  return c.crm_adapters.at(0).adapter->oauth();
}

TEST(OAuthConfig, SalesforceClientCredentialsNeedsNoToken) {
  auto c = parse(with_crm(salesforce_block()), oauth_env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto* session = session_of(*c);
  ASSERT_NE(session, nullptr);
  const auto& o = session->options();
  EXPECT_EQ(o.token_url, "https://acme.my.salesforce.com/services/oauth2/token");
  EXPECT_EQ(o.client_id, "client-id-5");
  EXPECT_EQ(o.client_secret, kClientSecret);
  EXPECT_EQ(o.refresh_token, "");  // client credentials grant
  EXPECT_EQ(session->scheme(), "Bearer");
  EXPECT_EQ(session->current(), "");  // fetched on first use
}

TEST(OAuthConfig, SalesforceRefreshTokenAndAFirstToken) {
  json block = salesforce_block();
  block["oauth"] = oauth_block(true);
  block["oauth"]["token_url"] = "https://login.salesforce.com/services/oauth2/token";
  block["token"] = "first-access-token";
  auto c = parse(with_crm(block), oauth_env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto* session = session_of(*c);
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->options().token_url, "https://login.salesforce.com/services/oauth2/token");
  EXPECT_EQ(session->options().refresh_token, kRefreshToken);
  EXPECT_EQ(session->current(), "first-access-token");
}

TEST(OAuthConfig, ZohoTokenUrlFollowsTheDataCentre) {
  const std::pair<json, std::string> cases[] = {
      {json::object(), "https://accounts.zoho.com/oauth/v2/token"},
      {{{"data_centre", "eu"}}, "https://accounts.zoho.eu/oauth/v2/token"},
      {{{"data_centre", "ca"}}, "https://accounts.zohocloud.ca/oauth/v2/token"},
      {{{"base_url", "https://www.zohoapis.com.au"}},
       "https://accounts.zoho.com.au/oauth/v2/token"},
      {{{"base_url", "http://127.0.0.1:9000"},
        {"oauth", {{"token_url", "http://127.0.0.1:9001/oauth/v2/token"}}}},
       "http://127.0.0.1:9001/oauth/v2/token"},
  };
  for (const auto& [extra, token_url] : cases) {
    SCOPED_TRACE(extra.dump());
    json block = zoho_block();
    for (const auto& [k, v] : extra.items()) {
      if (k == "oauth")
        block["oauth"].update(v);
      else
        block[k] = v;
    }
    auto c = parse(with_crm(block), oauth_env());
    ASSERT_TRUE(c) << c.error().to_string();
    const auto* session = session_of(*c);
    ASSERT_NE(session, nullptr);
    EXPECT_EQ(session->options().token_url, token_url);
    EXPECT_EQ(session->options().refresh_token, kRefreshToken);
    EXPECT_EQ(session->scheme(), "Zoho-oauthtoken");
  }
}

TEST(OAuthConfig, WithoutOAuthThereIsNoSessionAndTokenIsRequired) {
  json block = salesforce_block();
  block.erase("oauth");
  block["token"] = "static";
  auto c = parse(with_crm(block), oauth_env());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(session_of(*c), nullptr);
  block.erase("token");
  EXPECT_EQ(error_of(with_crm(block), oauth_env()).path, "$.crm[1].token");
}

struct Case {
  const char* name;
  json (*block)();
  void (*mutate)(json&);
  const char* path;
  const char* reason;
};

TEST(OAuthConfig, MistakesAreReportedAtTheirPath) {
  const Case cases[] = {
      {"not an object", salesforce_block, [](json& b) { b["oauth"] = "yes"; }, "$.crm[1].oauth",
       "expected an object"},
      {"no client id", salesforce_block, [](json& b) { b["oauth"].erase("client_id"); },
       "$.crm[1].oauth.client_id", "missing required key"},
      {"empty client id", salesforce_block, [](json& b) { b["oauth"]["client_id"] = "${EMPTY}"; },
       "$.crm[1].oauth.client_id", "empty"},
      {"no client secret", zoho_block, [](json& b) { b["oauth"].erase("client_secret"); },
       "$.crm[1].oauth.client_secret", "missing required key"},
      {"unset client secret", salesforce_block,
       [](json& b) { b["oauth"]["client_secret"] = "${NOT_SET}"; }, "$.crm[1].oauth.client_secret",
       "NOT_SET"},
      {"client secret not a string", salesforce_block,
       [](json& b) { b["oauth"]["client_secret"] = 12345; }, "$.crm[1].oauth.client_secret",
       "expected a string"},
      {"empty refresh token", salesforce_block,
       [](json& b) { b["oauth"]["refresh_token"] = "${EMPTY}"; }, "$.crm[1].oauth.refresh_token",
       "empty"},
      {"zoho without refresh token", zoho_block, [](json& b) { b["oauth"].erase("refresh_token"); },
       "$.crm[1].oauth.refresh_token", "refresh token"},
      {"bad token url", salesforce_block,
       [](json& b) { b["oauth"]["token_url"] = "login.salesforce.com"; },
       "$.crm[1].oauth.token_url", "expected an http:// or https:// URL"},
      {"zoho proxy without token url", zoho_block,
       [](json& b) { b["base_url"] = "https://crm-proxy.example"; }, "$.crm[1].oauth.token_url",
       "base_url names no Zoho data centre"},
      {"typo", salesforce_block, [](json& b) { b["oauth"]["clientId"] = "x"; },
       "$.crm[1].oauth.clientId", "unknown key"},
      {"oauth on a crm without it",
       []() -> json {
         return {{"type", "pipedrive"},
                 {"name", "pd"},
                 {"base_url", "https://acme.pipedrive.com"},
                 {"token", "t"}};
       },
       [](json& b) { b["oauth"] = oauth_block(); }, "$.crm[1].oauth", "unknown key"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    json block = c.block();
    c.mutate(block);
    const ConfigError e = error_of(with_crm(block), oauth_env());
    EXPECT_EQ(e.path, c.path) << e.to_string();
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << e.reason;
    EXPECT_EQ(e.to_string().find(kClientSecret), std::string::npos) << e.to_string();
    EXPECT_EQ(e.to_string().find(kRefreshToken), std::string::npos) << e.to_string();
  }
}

}  // namespace
}  // namespace cti::config
