// CRM blocks dispatch by type through a registry other CRM types can join.
#include "connector/config/crm_registry.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

ConfigError parse_crm_error(const CrmRegistry& registry, const json& crm) {
  const EnvLookup env = fake_env({});
  Config out;
  try {
    registry.parse_all(Node(crm, "$.crm", env), out);
  } catch (const ConfigFailure& f) {
    return f.error;
  }
  ADD_FAILURE() << "expected a ConfigFailure";
  return {};
}

TEST(CrmRegistry, BuiltinKnowsEveryShippedType) {
  const auto types = builtin_crm_registry().types();
  for (const char* type : {"webhook", "hubspot", "template"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), type), types.end()) << type;
    EXPECT_NE(builtin_crm_registry().find(type), nullptr) << type;
  }
  EXPECT_EQ(builtin_crm_registry().find("sugarcrm"), nullptr);
}

TEST(CrmRegistry, NewTypeValidatesItsOwnBlock) {
  CrmRegistry registry;
  registry.add("webhook", parse_webhook_crm);
  // A made-up CRM type that has its own keys.
  registry.add("fake", [](const Node& block, Config& out) {
    const ObjectReader r = block.object({"type", "name", "account"});
    WebhookCrmConfig c;
    c.type = "fake";
    c.name = r.required("name").non_empty_text();
    c.url = "https://fake.example/" + r.required("account").non_empty_text();
    out.crm.push_back(c);
    return c.name;
  });
  EXPECT_EQ(registry.types(), (std::vector<std::string>{"fake", "webhook"}));

  const EnvLookup env = fake_env({});
  const json crm = json::parse(R"([
    {"type": "webhook", "name": "hooks", "url": "http://127.0.0.1:1/x", "secret": "s"},
    {"type": "fake", "name": "f1", "account": "acme"}])");
  Config out;
  registry.parse_all(Node(crm, "$.crm", env), out);
  ASSERT_EQ(out.crm.size(), 2u);
  EXPECT_EQ(out.crm[1].type, "fake");
  EXPECT_EQ(out.crm[1].url, "https://fake.example/acme");

  // The fake type's own keys are enforced by its factory...
  ConfigError e = parse_crm_error(registry, json::parse(R"([{"type": "fake", "name": "f"}])"));
  EXPECT_EQ(e.path, "$.crm[0].account");
  e = parse_crm_error(
      registry, json::parse(R"([{"type": "fake", "name": "f", "account": "a", "url": "u"}])"));
  EXPECT_EQ(e.path, "$.crm[0].url");
  EXPECT_NE(e.reason.find("unknown key"), std::string::npos);
  // ...names stay unique across types, and unknown types list all known ones.
  e = parse_crm_error(registry, json::parse(R"([
    {"type": "fake", "name": "dup", "account": "a"},
    {"name": "dup", "url": "http://h/", "secret": "s"}])"));
  EXPECT_EQ(e.path, "$.crm[1].name");
  e = parse_crm_error(registry, json::parse(R"([{"type": "zoho", "name": "z"}])"));
  EXPECT_EQ(e.path, "$.crm[0].type");
  EXPECT_EQ(e.reason, "unknown CRM type \"zoho\" (known types: \"fake\", \"webhook\")");
}

TEST(CrmRegistry, TypeDefaultsToWebhook) {
  const EnvLookup env = fake_env({});
  const json crm = json::parse(R"([{"name": "h", "url": "https://h.example/", "secret": "s"}])");
  Config out;
  builtin_crm_registry().parse_all(Node(crm, "$.crm", env), out);
  ASSERT_EQ(out.crm.size(), 1u);
  EXPECT_EQ(out.crm[0].type, "webhook");
}

TEST(CrmRegistry, TypeMustBeAString) {
  const ConfigError e = parse_crm_error(
      builtin_crm_registry(),
      json::parse(R"([{"type": 7, "name": "h", "url": "http://h/", "secret": "s"}])"));
  EXPECT_EQ(e.path, "$.crm[0].type");
  EXPECT_EQ(e.reason, "expected a string, got 7");
}

}  // namespace
}  // namespace cti::config
