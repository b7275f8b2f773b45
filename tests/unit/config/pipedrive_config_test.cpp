// The "pipedrive" crm[] block: a valid block builds the adapter; each mistake
// is reported at its JSON path.
#include <gtest/gtest.h>

#include "adapters/pipedrive/pipedrive_adapter.h"
#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

json with_pipedrive(json block) {
  json j = base_config();
  j["crm"].push_back(std::move(block));
  return j;
}

json pipedrive_block() {
  return {{"type", "pipedrive"},
          {"name", "pd"},
          {"base_url", "https://acme.pipedrive.com"},
          {"token", "${PIPEDRIVE_TOKEN}"},
          {"users", {{"ana", "777001"}}}};
}

EnvLookup env_with_token() {
  return fake_env({{"AMI_SECRET", kAmiSecret},
                   {"WEBHOOK_SECRET", kWebhookSecret},
                   {"API_TOKEN", kApiToken},
                   {"PIPEDRIVE_TOKEN", "pd-Secret-token"}});
}

std::string header(const core::HttpRequest& req, const std::string& name) {
  for (const auto& [k, v] : req.headers)
    if (k == name) return v;
  return {};
}

TEST(PipedriveConfig, ValidBlockBuildsTheAdapter) {
  auto c = parse(with_pipedrive(pipedrive_block()), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  ASSERT_EQ(c->crm_adapters.size(), 1u);
  EXPECT_EQ(c->crm_adapters[0].type, "pipedrive");
  const auto& adapter = *c->crm_adapters[0].adapter;
  EXPECT_EQ(adapter.name(), "pd");
  EXPECT_TRUE(adapter.logs_calls());
  const auto step = adapter.lookup_step(core::PhoneNumber::parse("+34912345678", "ES"), {});
  ASSERT_TRUE(step.is(adapters::Step::Kind::Send));
  EXPECT_TRUE(step.request.url.starts_with("https://acme.pipedrive.com/api/v2/persons/search?"));
  EXPECT_EQ(header(step.request, "x-api-token"), "pd-Secret-token");

  // The agent map reaches the call log as an integer user_id.
  core::CallRecord r;
  r.call_id = "c-1";
  r.from = "+34912345678";
  r.to = "+34930000000";
  r.agent = "ana";
  r.disposition = core::Disposition::Answered;
  const auto log = adapter.log_call(r, std::nullopt);
  ASSERT_TRUE(log);
  EXPECT_EQ(json::parse(log->body)["user_id"], 777001);
}

TEST(PipedriveConfig, CreateUnknownContactsIsOffByDefaultAndReachesTheAdapter) {
  const auto number = core::PhoneNumber::parse("+34912345678", "ES");
  auto c = parse(with_pipedrive(pipedrive_block()), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_FALSE(c->crm_adapters[0].adapter->creates_contacts());
  EXPECT_FALSE(c->crm_adapters[0].adapter->create_contact(number));

  json block = pipedrive_block();
  block["create_unknown_contacts"] = true;
  c = parse(with_pipedrive(block), env_with_token());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& adapter = *c->crm_adapters[0].adapter;
  EXPECT_TRUE(adapter.creates_contacts());
  const auto req = adapter.create_contact(number);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://acme.pipedrive.com/api/v2/persons");
  EXPECT_EQ(header(*req, "x-api-token"), "pd-Secret-token");
}

struct Case {
  const char* name;
  void (*mutate)(json&);
  const char* path;
  const char* reason;
};

TEST(PipedriveConfig, MistakesAreReportedAtTheirPath) {
  const Case cases[] = {
      {"no base_url", [](json& b) { b.erase("base_url"); }, "$.crm[1].base_url", "required"},
      {"no token", [](json& b) { b.erase("token"); }, "$.crm[1].token", "required"},
      {"bad url", [](json& b) { b["base_url"] = "acme.pipedrive.com"; }, "$.crm[1].base_url",
       "expected an http:// or https:// URL"},
      {"unknown agent",
       [](json& b) {
         b["users"] = {{"bob", "1"}};
       },
       "$.crm[1].users.bob", "\"bob\" is not a configured agent id or extension"},
      {"user not an id",
       [](json& b) {
         b["users"] = {{"ana", "ana@acme.example"}};
       },
       "$.crm[1].users.ana", "expected a Pipedrive user id (digits)"},
      {"bad app_url", [](json& b) { b["app_url"] = "acme"; }, "$.crm[1].app_url",
       "expected an http:// or https:// URL"},
      {"bad region", [](json& b) { b["default_region"] = "Spain"; }, "$.crm[1].default_region",
       "ISO 3166"},
      {"limit", [](json& b) { b["lookup_limit"] = 501; }, "$.crm[1].lookup_limit",
       "between 1 and 500"},
      {"create not a bool", [](json& b) { b["create_unknown_contacts"] = "yes"; },
       "$.crm[1].create_unknown_contacts", "expected true or false"},
      {"no leads in pipedrive", [](json& b) { b["create_as"] = "lead"; }, "$.crm[1].create_as",
       "unknown key"},
      {"typo", [](json& b) { b["api_token"] = "x"; }, "$.crm[1].api_token", "unknown key"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    json block = pipedrive_block();
    c.mutate(block);
    const ConfigError e = error_of(with_pipedrive(block), env_with_token());
    EXPECT_EQ(e.path, c.path) << e.to_string();
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << e.reason;
    EXPECT_EQ(e.to_string().find("pd-Secret-token"), std::string::npos);
  }
}

}  // namespace
}  // namespace cti::config
