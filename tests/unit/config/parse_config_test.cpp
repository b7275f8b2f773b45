// Valid configurations: every field lands where it belongs, defaults apply.
#include <gtest/gtest.h>

#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;

TEST(ParseConfig, MinimalExampleUsesDefaultsForOmittedKeys) {
  auto r = parse(base_config());
  ASSERT_TRUE(r) << r.error().to_string();
  const Config& c = *r;
  ASSERT_EQ(c.pbx.size(), 1u);
  EXPECT_EQ(c.pbx[0].type, "ami");
  EXPECT_EQ(c.pbx[0].name, "main");
  EXPECT_EQ(c.pbx[0].port, 5038);
  EXPECT_EQ(c.pbx[0].secret, kAmiSecret);
  EXPECT_TRUE(c.pbx[0].md5_login);
  EXPECT_EQ(c.pbx[0].ping_interval_ms, 20000);
  EXPECT_EQ(c.pbx[0].backoff_initial_ms, 500);
  EXPECT_EQ(c.pbx[0].backoff_max_ms, 30000);
  EXPECT_EQ(c.pbx[0].max_frame_bytes, 65536u);
  ASSERT_EQ(c.agents.size(), 1u);
  EXPECT_EQ(c.agents[0].id, "ana");
  EXPECT_EQ(c.agents[0].extension, "1001");
  EXPECT_EQ(c.agents[0].name, "");
  EXPECT_EQ(c.numbers.default_region, "ES");
  EXPECT_TRUE(c.numbers.dids.empty());
  EXPECT_EQ(c.numbers.max_extension_digits, 6);
  ASSERT_EQ(c.crm.size(), 1u);
  EXPECT_EQ(c.crm[0].type, "webhook");
  EXPECT_EQ(c.crm[0].url, "http://127.0.0.1:9000/hook");
  EXPECT_EQ(c.crm[0].secret, kWebhookSecret);
  EXPECT_TRUE(c.crm[0].events.empty());
  EXPECT_EQ(c.crm[0].timeout_ms, 10000);
  EXPECT_EQ(c.store.path, "cti.db");
  EXPECT_EQ(c.store.commit_interval_ms, 20);
  EXPECT_EQ(c.api.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.api.tokens, std::vector<std::string>{kApiToken});
  EXPECT_EQ(c.api.max_body_bytes, 1u << 20);
  EXPECT_EQ(c.delivery.workers, 4);
  EXPECT_EQ(c.delivery.max_attempts, 12);
  EXPECT_EQ(c.log.level, "info");
}

TEST(ParseConfig, FullConfigWithEveryKeySet) {
  const char* text = R"({
    "pbx": [
      {"type": "ami", "name": "madrid", "host": "pbx1.example.com", "port": 15038,
       "username": "cti", "secret": "s1-secret", "md5_login": false, "ping_interval_ms": 5000,
       "backoff_initial_ms": 250, "backoff_max_ms": 8000, "max_frame_bytes": 131072},
      {"name": "bcn", "host": "[::1]", "username": "u2", "secret": "s2-secret"}
    ],
    "agents": [
      {"id": "ana", "extension": "1001", "name": "Ana Ruiz"},
      {"id": "ben", "extension": "201"}
    ],
    "numbers": {"default_region": "PT", "dids": ["+351210000000", "+34912000100"],
                "max_extension_digits": 4},
    "crm": [
      {"type": "webhook", "name": "a", "url": "https://crm.example.com:8443/in?x=1",
       "secret": "whsec", "events": ["call.answered", "call.ended"], "timeout_ms": 2500},
      {"name": "b", "url": "http://10.0.0.5/hook", "secret": "whsec2"}
    ],
    "store": {"path": "/var/lib/cti/cti.db", "commit_interval_ms": 5},
    "api": {"listen": "0.0.0.0:9090", "tokens": ["0123456789abcdef", "fedcba9876543210xyz"],
            "max_body_bytes": 4096},
    "delivery": {"workers": 8, "max_attempts": 3, "max_age_s": 600, "backoff_initial_ms": 10,
                 "backoff_max_ms": 1000, "timeout_ms": 1500},
    "log": {"level": "debug"}
  })";
  auto r = parse_config(text, fake_env({}));
  ASSERT_TRUE(r) << r.error().to_string();
  const Config& c = *r;
  ASSERT_EQ(c.pbx.size(), 2u);
  EXPECT_EQ(c.pbx[0].name, "madrid");
  EXPECT_EQ(c.pbx[0].host, "pbx1.example.com");
  EXPECT_EQ(c.pbx[0].port, 15038);
  EXPECT_EQ(c.pbx[0].username, "cti");
  EXPECT_EQ(c.pbx[0].secret, "s1-secret");
  EXPECT_FALSE(c.pbx[0].md5_login);
  EXPECT_EQ(c.pbx[0].ping_interval_ms, 5000);
  EXPECT_EQ(c.pbx[0].backoff_initial_ms, 250);
  EXPECT_EQ(c.pbx[0].backoff_max_ms, 8000);
  EXPECT_EQ(c.pbx[0].max_frame_bytes, 131072u);
  EXPECT_EQ(c.pbx[1].type, "ami");
  EXPECT_EQ(c.pbx[1].host, "[::1]");
  EXPECT_EQ(c.pbx[1].port, 5038);
  ASSERT_EQ(c.agents.size(), 2u);
  EXPECT_EQ(c.agents[0].name, "Ana Ruiz");
  EXPECT_EQ(c.agents[1].extension, "201");
  EXPECT_EQ(c.numbers.default_region, "PT");
  EXPECT_EQ(c.numbers.dids, (std::vector<std::string>{"+351210000000", "+34912000100"}));
  EXPECT_EQ(c.numbers.max_extension_digits, 4);
  ASSERT_EQ(c.crm.size(), 2u);
  EXPECT_EQ(c.crm[0].url, "https://crm.example.com:8443/in?x=1");
  EXPECT_EQ(c.crm[0].events, (std::vector<std::string>{"call.answered", "call.ended"}));
  EXPECT_EQ(c.crm[0].timeout_ms, 2500);
  EXPECT_EQ(c.crm[1].type, "webhook");
  EXPECT_EQ(c.crm[1].name, "b");
  EXPECT_EQ(c.store.path, "/var/lib/cti/cti.db");
  EXPECT_EQ(c.store.commit_interval_ms, 5);
  EXPECT_EQ(c.api.listen, "0.0.0.0:9090");
  EXPECT_EQ(c.api.tokens.size(), 2u);
  EXPECT_EQ(c.api.max_body_bytes, 4096u);
  EXPECT_EQ(c.delivery.workers, 8);
  EXPECT_EQ(c.delivery.max_attempts, 3);
  EXPECT_EQ(c.delivery.max_age_s, 600);
  EXPECT_EQ(c.delivery.backoff_initial_ms, 10);
  EXPECT_EQ(c.delivery.backoff_max_ms, 1000);
  EXPECT_EQ(c.delivery.timeout_ms, 1500);
  EXPECT_EQ(c.log.level, "debug");
}

TEST(ParseConfig, PolicySectionAndCallerIdInventory) {
  nlohmann::json j = base_config();
  j["numbers"]["dids"] = {"+34910000001"};
  j["numbers"]["virtual"] = {
      {{"number", "+442079460001"}, {"prefixes", {"4420"}}, {"purposes", {"service"}}},
      {{"number", "+34600000001"}, {"countries", {"ES", "PT"}}}};
  j["numbers"]["default_line"] = "+34910000001";
  j["agents"][0]["token"] = "agent-token-0123456789";
  j["policy"] = {
      {"version", "2026-11"},
      {"extra_deny_prefixes", {"+3490"}},
      {"velocity", {{"agent_calls_per_minute", 3}}},
      {"spend", {{"currency", "GBP"}, {"agent_monthly_budget", 12.5}, {"deny_unpriced", false}}},
      {"dnc", {{"max_age_days", 15}, {"stale", "warn"}}},
      {"calling_hours",
       {{"GB",
         {{"zone", "Europe/London"},
          {"windows", {{{"days", "mon-sat"}, {"from", "08:00"}, {"to", "20:00"}}}}}},
        {"ES", {{"holidays", {"2026-12-08"}}}}}},
      {"originate", {{"endpoint", "Local/{extension}@agents"}, {"exten_format", "e164"}}}};
  auto r = parse(j);
  ASSERT_TRUE(r) << r.error().to_string();
  const auto& g = r->policy.gate;
  EXPECT_EQ(g.version, "2026-11");
  EXPECT_EQ(g.home_region, "ES");
  EXPECT_EQ(g.deny_prefixes.back(), "+3490");
  EXPECT_GT(g.deny_prefixes.size(), 10u);  // the defaults stay
  EXPECT_EQ(g.agent_calls_per_minute, 3);
  EXPECT_EQ(g.currency, "GBP");
  EXPECT_DOUBLE_EQ(g.agent_monthly_budget, 12.5);
  EXPECT_FALSE(g.deny_unpriced);
  EXPECT_EQ(g.dnc_max_age_days, 15);
  EXPECT_FALSE(g.dnc_stale_denies);
  ASSERT_EQ(g.calling_hours.size(), 2u);
  EXPECT_EQ(g.calling_hours[0].first, "ES");
  EXPECT_EQ(g.calling_hours[1].first, "GB");
  EXPECT_EQ(g.calling_hours[1].second.zone.name, "Europe/London");
  // Three caller ids: the two virtual numbers, classified, then the DID default line.
  ASSERT_EQ(g.virtual_numbers.size(), 3u);
  EXPECT_EQ(g.virtual_numbers[0].countries, std::vector<std::string>{"GB"});
  EXPECT_EQ(g.virtual_numbers[0].purposes, std::vector<policy::Purpose>{policy::Purpose::Service});
  EXPECT_EQ(g.virtual_numbers[1].type, policy::NumberType::Mobile);
  EXPECT_EQ(g.virtual_numbers[2].number, "+34910000001");
  EXPECT_EQ(g.virtual_numbers[2].countries, std::vector<std::string>{"ES"});
  EXPECT_EQ(g.default_line, "+34910000001");
  EXPECT_EQ(r->policy.originate.pbx, "main");  // the first PBX by default
  EXPECT_EQ(r->policy.originate.exten_format, "e164");
  EXPECT_EQ(r->agents[0].token, "agent-token-0123456789");
}

TEST(ParseConfig, OnlyApiIsRequiredAtTopLevel) {
  auto r = parse_config(R"({"api": {"tokens": ["0123456789abcdef"]}})", fake_env({}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(r->pbx.empty());
  EXPECT_TRUE(r->crm.empty());
  EXPECT_EQ(r->api.listen, "127.0.0.1:8080");
}

TEST(ParseConfig, EnvironmentIsSubstitutedInAnyStringValue) {
  auto j = base_config();
  j["pbx"][0]["host"] = "${PBX_HOST}";
  j["crm"][0]["url"] = "http://${HOOK_HOST}:9000/hook/${HOOK_PATH}";
  j["store"]["path"] = "$${literal}/${DIR}/cti.db";
  auto env = fake_env({{"AMI_SECRET", "a"},
                       {"WEBHOOK_SECRET", "w"},
                       {"API_TOKEN", "t123456789012345"},
                       {"PBX_HOST", "10.1.2.3"},
                       {"HOOK_HOST", "hooks.local"},
                       {"HOOK_PATH", "in"},
                       {"DIR", "data"}});
  auto r = parse(j, env);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->pbx[0].host, "10.1.2.3");
  EXPECT_EQ(r->pbx[0].secret, "a");
  EXPECT_EQ(r->crm[0].url, "http://hooks.local:9000/hook/in");
  EXPECT_EQ(r->store.path, "${literal}/data/cti.db");
  EXPECT_EQ(r->api.tokens[0], "t123456789012345");
}

TEST(ParseConfig, MissingEnvironmentVariableIsAnErrorAtItsPath) {
  auto r = parse(base_config(), fake_env({{"AMI_SECRET", "x"}, {"API_TOKEN", kApiToken}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "$.crm[0].secret");
  EXPECT_EQ(r.error().reason, "environment variable WEBHOOK_SECRET is not set");
  EXPECT_EQ(r.error().to_string(),
            "$.crm[0].secret: environment variable WEBHOOK_SECRET is not set");
}

TEST(ParseConfig, ListenPortZeroIsAllowedForEphemeralPorts) {
  auto j = base_config();
  j["api"]["listen"] = "127.0.0.1:0";
  auto r = parse(j);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->api.listen, "127.0.0.1:0");
}

}  // namespace
}  // namespace cti::config

namespace cti::config {
namespace {

TEST(ParseConfig, InternalContextsDefaultAndOverride) {
  auto r = parse(testing::base_config());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->pbx[0].internal_contexts, (std::vector<std::string>{"internal", "from-internal"}));
  auto j = testing::base_config();
  j["pbx"][0]["internal_contexts"] = {"phones"};
  r = parse(j);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->pbx[0].internal_contexts, std::vector<std::string>{"phones"});
  j["pbx"][0]["internal_contexts"] = "phones";
  r = parse(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "$.pbx[0].internal_contexts");
}

}  // namespace
}  // namespace cti::config

namespace cti::config {
namespace {

TEST(ParseConfig, DeliveryCaFileMustBeReadable) {
  auto j = testing::base_config();
  j["delivery"] = {{"ca_file", "/nonexistent/ca.pem"}};
  auto r = parse(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "$.delivery.ca_file");
  j["delivery"] = {
      {"ca_file", std::string(CTI_FIXTURES) + "/ami/SUMMARY.md"}};  // any readable file
  r = parse(j);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->delivery.ca_file, std::string(CTI_FIXTURES) + "/ami/SUMMARY.md");
}

}  // namespace
}  // namespace cti::config
