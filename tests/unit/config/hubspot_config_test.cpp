// The "hubspot" crm[] block: a valid block builds the adapter with its
// defaults; each mistake is reported at its JSON path.
#include <gtest/gtest.h>

#include "adapters/hubspot/hubspot_adapter.h"
#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

json with_hubspot(json block) {
  json j = base_config();
  j["crm"].push_back(std::move(block));
  return j;
}

json hubspot_block() {
  return {{"type", "hubspot"},
          {"name", "hs"},
          {"token", "${HUBSPOT_TOKEN}"},
          {"users", {{"ana", "75001"}}}};
}

EnvLookup env_with_token() {
  return fake_env({{"AMI_SECRET", kAmiSecret},
                   {"WEBHOOK_SECRET", kWebhookSecret},
                   {"API_TOKEN", kApiToken},
                   {"HUBSPOT_TOKEN", "pat-na1-Secret"}});
}

TEST(HubspotConfig, ValidBlockBuildsTheAdapterWithTheVendorsBaseUrl) {
  auto c = parse(with_hubspot(hubspot_block()), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  ASSERT_EQ(c->crm_adapters.size(), 1u);
  EXPECT_EQ(c->crm_adapters[0].type, "hubspot");
  const auto& adapter = *c->crm_adapters[0].adapter;
  EXPECT_EQ(adapter.name(), "hs");
  EXPECT_TRUE(adapter.logs_calls());
  const auto req = adapter.lookup(core::PhoneNumber::parse("+34912345678", "ES"));
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://api.hubapi.com/crm/v3/objects/contacts/search");
  bool bearer = false;
  for (const auto& [k, v] : req->headers)
    bearer = bearer || (k == "Authorization" && v == "Bearer pat-na1-Secret");
  EXPECT_TRUE(bearer);
}

TEST(HubspotConfig, BaseUrlPointsTestsAtALocalServer) {
  json block = hubspot_block();
  block["base_url"] = "http://127.0.0.1:8099/";
  auto c = parse(with_hubspot(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->crm_adapters[0].adapter->lookup(core::PhoneNumber::parse("+34912345678", "ES"))->url,
            "http://127.0.0.1:8099/crm/v3/objects/contacts/search");
}

struct Case {
  const char* name;
  void (*mutate)(json&);
  const char* path;
  const char* reason;
};

TEST(HubspotConfig, MistakesAreReportedAtTheirPath) {
  const Case cases[] = {
      {"no token", [](json& b) { b.erase("token"); }, "$.crm[1].token", "required"},
      {"bad url", [](json& b) { b["base_url"] = "ftp://x"; }, "$.crm[1].base_url",
       "expected an http:// or https:// URL"},
      {"unknown agent",
       [](json& b) {
         b["users"] = {{"bob", "1"}};
       },
       "$.crm[1].users.bob", "\"bob\" is not a configured agent id or extension"},
      {"empty user",
       [](json& b) {
         b["users"] = {{"ana", ""}};
       },
       "$.crm[1].users.ana", "empty"},
      {"bad region", [](json& b) { b["default_region"] = "Spain"; }, "$.crm[1].default_region",
       "ISO 3166"},
      {"limit", [](json& b) { b["lookup_limit"] = 500; }, "$.crm[1].lookup_limit",
       "between 1 and 200"},
      {"typo", [](json& b) { b["portalid"] = "1"; }, "$.crm[1].portalid", "unknown key"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    json block = hubspot_block();
    c.mutate(block);
    const ConfigError e = error_of(with_hubspot(block), env_with_token());
    EXPECT_EQ(e.path, c.path) << e.to_string();
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << e.reason;
  }
}

TEST(HubspotConfig, TokenNeverAppearsInErrors) {
  json block = hubspot_block();
  block["lookup_limit"] = 0;
  const ConfigError e = error_of(with_hubspot(block), env_with_token());
  EXPECT_EQ(e.to_string().find("pat-na1-Secret"), std::string::npos);
}

}  // namespace
}  // namespace cti::config

namespace cti::config {
namespace {

TEST(HubspotConfig, UsersKeyedByAgentIdMatchRecordsThatNameTheExtension) {
  auto c = testing::parse(with_hubspot(hubspot_block()), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  core::CallRecord r;
  r.call_id = "c-1";
  r.direction = core::Direction::Inbound;
  r.from = "+34912345678";
  r.to = "+34930000000";
  r.agent = "1001";  // ana's extension: records name agents this way
  r.disposition = core::Disposition::Answered;
  const auto req = c->crm_adapters[0].adapter->log_call(r, std::nullopt);
  ASSERT_TRUE(req);
  EXPECT_EQ(nlohmann::json::parse(req->body)["properties"]["hubspot_owner_id"], "75001");
}

}  // namespace
}  // namespace cti::config
