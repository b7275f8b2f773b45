// The "salesforce" crm[] block: a valid block builds the adapter; the
// instance URL is required (no vendor default); each mistake is reported at
// its JSON path.
#include <gtest/gtest.h>

#include "adapters/salesforce/salesforce_adapter.h"
#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

json with_salesforce(json block) {
  json j = base_config();
  j["crm"].push_back(std::move(block));
  return j;
}

json salesforce_block() {
  return {{"type", "salesforce"},
          {"name", "sf"},
          {"base_url", "https://acme.my.salesforce.com/"},
          {"token", "${SALESFORCE_TOKEN}"},
          {"users", {{"ana", "005Dn000001AnaXIAS"}}}};
}

EnvLookup env_with_token() {
  return fake_env({{"AMI_SECRET", kAmiSecret},
                   {"WEBHOOK_SECRET", kWebhookSecret},
                   {"API_TOKEN", kApiToken},
                   {"SALESFORCE_TOKEN", "00DFake!SecretAccessToken"}});
}

std::string lookup_url(const Config& c) {
  return c.crm_adapters.at(0).adapter->lookup(core::PhoneNumber::parse("+34912345678", "ES"))->url;
}

TEST(SalesforceConfig, ValidBlockBuildsTheAdapter) {
  auto c = parse(with_salesforce(salesforce_block()), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  ASSERT_EQ(c->crm_adapters.size(), 1u);
  EXPECT_EQ(c->crm_adapters[0].type, "salesforce");
  const auto& adapter = *c->crm_adapters[0].adapter;
  EXPECT_EQ(adapter.name(), "sf");
  EXPECT_TRUE(adapter.logs_calls());
  const auto req = adapter.lookup(core::PhoneNumber::parse("+34912345678", "ES"));
  ASSERT_TRUE(req);
  EXPECT_TRUE(req->url.starts_with("https://acme.my.salesforce.com/services/data/v61.0/search/?q="))
      << req->url;
  bool bearer = false;
  for (const auto& [k, v] : req->headers)
    bearer = bearer || (k == "Authorization" && v == "Bearer 00DFake!SecretAccessToken");
  EXPECT_TRUE(bearer);
  // The agent map reaches the Task's OwnerId.
  core::CallRecord r;
  r.call_id = "c-1";
  r.from = "+34912345678";
  r.to = "+34912000100";
  r.agent = "ana";
  r.disposition = core::Disposition::Answered;
  EXPECT_EQ(json::parse(adapter.log_call(r, std::nullopt)->body)["OwnerId"], "005Dn000001AnaXIAS");
}

TEST(SalesforceConfig, ApiVersionAndRegionAreConfigurable) {
  json block = salesforce_block();
  block["api_version"] = "v62.0";  // the "v" is tolerated
  block["default_region"] = "GB";
  auto c = parse(with_salesforce(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(lookup_url(*c).starts_with("https://acme.my.salesforce.com/services/data/v62.0/"));
  block["api_version"] = "63.0";
  c = parse(with_salesforce(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(lookup_url(*c).starts_with("https://acme.my.salesforce.com/services/data/v63.0/"));
}

TEST(SalesforceConfig, CreateUnknownContactsIsOffByDefaultAndMakesLeadsUnlessToldContacts) {
  const auto number = core::PhoneNumber::parse("+34912345678", "ES");
  auto c = parse(with_salesforce(salesforce_block()), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_FALSE(c->crm_adapters[0].adapter->creates_contacts());
  EXPECT_FALSE(c->crm_adapters[0].adapter->create_contact(number));

  json block = salesforce_block();
  block["create_unknown_contacts"] = true;
  c = parse(with_salesforce(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(c->crm_adapters[0].adapter->creates_contacts());
  auto req = c->crm_adapters[0].adapter->create_contact(number);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://acme.my.salesforce.com/services/data/v61.0/sobjects/Lead");

  block["create_as"] = "contact";
  c = parse(with_salesforce(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  req = c->crm_adapters[0].adapter->create_contact(number);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://acme.my.salesforce.com/services/data/v61.0/sobjects/Contact");
}

struct Case {
  const char* name;
  void (*mutate)(json&);
  const char* path;
  const char* reason;
};

TEST(SalesforceConfig, MistakesAreReportedAtTheirPath) {
  const Case cases[] = {
      {"no instance url", [](json& b) { b.erase("base_url"); }, "$.crm[1].base_url", "required"},
      {"no token", [](json& b) { b.erase("token"); }, "$.crm[1].token", "required"},
      {"bad url", [](json& b) { b["base_url"] = "acme.my.salesforce.com"; }, "$.crm[1].base_url",
       "expected an http:// or https:// URL"},
      {"bad version", [](json& b) { b["api_version"] = "61"; }, "$.crm[1].api_version",
       "REST API version such as \"61.0\""},
      {"version not a string", [](json& b) { b["api_version"] = 61.0; }, "$.crm[1].api_version",
       "expected a string"},
      {"bad app url", [](json& b) { b["app_url"] = "lightning"; }, "$.crm[1].app_url",
       "expected an http:// or https:// URL"},
      {"unknown agent",
       [](json& b) {
         b["users"] = {{"bob", "005X"}};
       },
       "$.crm[1].users.bob", "\"bob\" is not a configured agent id or extension"},
      {"bad region", [](json& b) { b["default_region"] = "Spain"; }, "$.crm[1].default_region",
       "ISO 3166"},
      {"create not a bool", [](json& b) { b["create_unknown_contacts"] = "true"; },
       "$.crm[1].create_unknown_contacts", "expected true or false"},
      {"create_as without create_unknown_contacts", [](json& b) { b["create_as"] = "contact"; },
       "$.crm[1].create_as", "has no effect without \"create_unknown_contacts\": true"},
      {"object name instead of create_as", [](json& b) { b["create_as"] = "Lead"; },
       "$.crm[1].create_as", "expected \"lead\" or \"contact\", got \"Lead\""},
      {"typo", [](json& b) { b["apiVersion"] = "61.0"; }, "$.crm[1].apiVersion", "unknown key"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    json block = salesforce_block();
    c.mutate(block);
    const ConfigError e = error_of(with_salesforce(block), env_with_token());
    EXPECT_EQ(e.path, c.path) << e.to_string();
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << e.reason;
  }
}

TEST(SalesforceConfig, TokenNeverAppearsInErrors) {
  json block = salesforce_block();
  block["api_version"] = "x";
  const ConfigError e = error_of(with_salesforce(block), env_with_token());
  EXPECT_EQ(e.to_string().find("SecretAccessToken"), std::string::npos);
  block = salesforce_block();
  block["token"] = 7;
  EXPECT_EQ(error_of(with_salesforce(block), env_with_token()).path, "$.crm[1].token");
}

}  // namespace
}  // namespace cti::config
