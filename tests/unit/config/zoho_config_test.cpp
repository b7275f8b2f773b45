// The "zoho" crm[] block: a valid block builds the adapter with the data
// centre's base URL; each mistake is reported at its JSON path.
#include <gtest/gtest.h>

#include "adapters/zoho/zoho_adapter.h"
#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

json with_zoho(json block) {
  json j = base_config();
  j["crm"].push_back(std::move(block));
  return j;
}

json zoho_block() {
  return {{"type", "zoho"},
          {"name", "zc"},
          {"token", "${ZOHO_TOKEN}"},
          {"users", {{"1001", "5725767000000411001"}}}};
}

EnvLookup env_with_token() {
  return fake_env({{"AMI_SECRET", kAmiSecret},
                   {"WEBHOOK_SECRET", kWebhookSecret},
                   {"API_TOKEN", kApiToken},
                   {"ZOHO_TOKEN", "1000.zoho-Secret"}});
}

std::string lookup_url(const Config& c) {
  const auto step =
      c.crm_adapters.at(0).adapter->lookup_step(core::PhoneNumber::parse("+34912345678", "ES"), {});
  return step.request.url.substr(0, step.request.url.find('?'));
}

TEST(ZohoConfig, ValidBlockBuildsTheAdapterWithTheUsDataCentre) {
  auto c = parse(with_zoho(zoho_block()), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  ASSERT_EQ(c->crm_adapters.size(), 1u);
  EXPECT_EQ(c->crm_adapters[0].type, "zoho");
  const auto& adapter = *c->crm_adapters[0].adapter;
  EXPECT_EQ(adapter.name(), "zc");
  EXPECT_TRUE(adapter.logs_calls());
  EXPECT_EQ(lookup_url(*c), "https://www.zohoapis.com/crm/v8/Contacts/search");
  const auto step = adapter.lookup_step(core::PhoneNumber::parse("+34912345678", "ES"), {});
  bool auth = false;
  for (const auto& [k, v] : step.request.headers)
    auth = auth || (k == "Authorization" && v == "Zoho-oauthtoken 1000.zoho-Secret");
  EXPECT_TRUE(auth);
}

TEST(ZohoConfig, DataCentreOrBaseUrlPicksTheApiDomain) {
  json block = zoho_block();
  block["data_centre"] = "eu";
  auto c = parse(with_zoho(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(lookup_url(*c), "https://www.zohoapis.eu/crm/v8/Contacts/search");

  block = zoho_block();
  block["base_url"] = "http://127.0.0.1:4010/";
  c = parse(with_zoho(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(lookup_url(*c), "http://127.0.0.1:4010/crm/v8/Contacts/search");
}

TEST(ZohoConfig, CallResultsAndCallIdFieldReachTheCall) {
  json block = zoho_block();
  block["call_results"] = {{"busy", "No response/Busy"}};
  block["call_id_field"] = "CTI_Call_ID";
  auto c = parse(with_zoho(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  core::CallRecord r;
  r.call_id = "c-1";
  r.direction = core::Direction::Outbound;
  r.from = "1001";
  r.to = "+34912345678";
  r.agent = "1001";
  r.disposition = core::Disposition::Busy;
  const auto log = c->crm_adapters[0].adapter->log_call(r, std::nullopt);
  ASSERT_TRUE(log);
  const json call = json::parse(log->body)["data"][0];
  EXPECT_EQ(call["Call_Result"], "No response/Busy");
  EXPECT_EQ(call["CTI_Call_ID"], "c-1");
  EXPECT_EQ(call["Owner"]["id"], "5725767000000411001");
}

TEST(ZohoConfig, CreateUnknownContactsIsOffByDefaultAndMakesLeadsUnlessToldContacts) {
  const auto number = core::PhoneNumber::parse("+34912345678", "ES");
  auto c = parse(with_zoho(zoho_block()), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_FALSE(c->crm_adapters[0].adapter->creates_contacts());
  EXPECT_FALSE(c->crm_adapters[0].adapter->create_contact(number));

  json block = zoho_block();
  block["create_unknown_contacts"] = true;
  c = parse(with_zoho(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(c->crm_adapters[0].adapter->creates_contacts());
  auto req = c->crm_adapters[0].adapter->create_contact(number);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://www.zohoapis.com/crm/v8/Leads");

  for (const char* as : {"contact", "lead"}) {
    block["create_as"] = as;
    c = parse(with_zoho(block), env_with_token());
    ASSERT_TRUE(c) << c.error().to_string();
    req = c->crm_adapters[0].adapter->create_contact(number);
    ASSERT_TRUE(req);
    EXPECT_EQ(req->url, std::string("https://www.zohoapis.com/crm/v8/") +
                            (std::string(as) == "lead" ? "Leads" : "Contacts"));
  }
}

struct Case {
  const char* name;
  void (*mutate)(json&);
  const char* path;
  const char* reason;
};

TEST(ZohoConfig, MistakesAreReportedAtTheirPath) {
  const Case cases[] = {
      {"no token", [](json& b) { b.erase("token"); }, "$.crm[1].token", "required"},
      {"bad url", [](json& b) { b["base_url"] = "www.zohoapis.eu"; }, "$.crm[1].base_url",
       "expected an http:// or https:// URL"},
      {"unknown dc", [](json& b) { b["data_centre"] = "de"; }, "$.crm[1].data_centre",
       "expected one of \"com\", \"eu\""},
      {"both",
       [](json& b) {
         b["data_centre"] = "eu";
         b["base_url"] = "https://www.zohoapis.eu";
       },
       "$.crm[1].data_centre", "either base_url or data_centre"},
      {"unknown agent",
       [](json& b) {
         b["users"] = {{"bob", "1"}};
       },
       "$.crm[1].users.bob", "\"bob\" is not a configured agent id or extension"},
      {"unknown disposition",
       [](json& b) {
         b["call_results"] = {{"noanswer", "x"}};
       },
       "$.crm[1].call_results.noanswer", "is not a disposition"},
      {"empty call result",
       [](json& b) {
         b["call_results"] = {{"busy", ""}};
       },
       "$.crm[1].call_results.busy", "empty"},
      {"bad app_url", [](json& b) { b["app_url"] = "crm.zoho.eu"; }, "$.crm[1].app_url",
       "expected an http:// or https:// URL"},
      {"limit", [](json& b) { b["lookup_limit"] = 201; }, "$.crm[1].lookup_limit",
       "between 1 and 200"},
      {"create not a bool", [](json& b) { b["create_unknown_contacts"] = 1; },
       "$.crm[1].create_unknown_contacts", "expected true or false"},
      {"create_as without create_unknown_contacts", [](json& b) { b["create_as"] = "contact"; },
       "$.crm[1].create_as", "has no effect without \"create_unknown_contacts\": true"},
      {"module name instead of create_as", [](json& b) { b["create_as"] = "Leads"; },
       "$.crm[1].create_as", "expected \"lead\" or \"contact\", got \"Leads\""},
      {"create_as not a string", [](json& b) { b["create_as"] = true; }, "$.crm[1].create_as",
       "expected a string"},
      {"typo", [](json& b) { b["datacenter"] = "eu"; }, "$.crm[1].datacenter", "unknown key"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    json block = zoho_block();
    c.mutate(block);
    const ConfigError e = error_of(with_zoho(block), env_with_token());
    EXPECT_EQ(e.path, c.path) << e.to_string();
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << e.reason;
    EXPECT_EQ(e.to_string().find("1000.zoho-Secret"), std::string::npos);
  }
}

}  // namespace
}  // namespace cti::config
