// Click-to-call through the real router, the real Dialer and a real SQLite
// store: every reason code reachable from the API, the problem+json shape,
// who may do what, and what reaches the PBX (a recording Originate).
#include <gtest/gtest.h>

#include <fstream>

#include "connector/api/auth.h"
#include "connector/api/router.h"
#include "connector/app/dialer.h"
#include "connector/app/store_backend.h"
#include "connector/config/config.h"
#include "connector/policy/dnc_file.h"
#include "connector/policy/robinson.h"
#include "unit/store/test_support.h"

namespace cti::app {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

const std::string kIntegration = "integration-token-0123456789";
const std::string kAna = "ana-agent-token-0123456789";
const std::string kBen = "ben-agent-token-0123456789";

// Wednesday 2026-11-25 10:00 UTC = 11:00 in Madrid: inside calling hours.
core::Timestamp wednesday() { return test::at(1'795'600'800); }
// Saturday 2026-11-28 10:00 UTC.
core::Timestamp saturday() { return test::at(1'795'860'000); }

class DialerApi : public ::testing::Test {
 protected:
  // `policy` is merged into the "policy" section; `numbers` replaces the default inventory.
  void start(json policy = json::object(), json numbers = nullptr) {
    if (numbers.is_null())
      numbers = {{"default_region", "ES"},
                 {"dids", {"+34910000001"}},
                 {"virtual",
                  {{{"number", "+442079460001"}, {"countries", {"GB"}}, {"prefixes", {"4420"}}}}},
                 {"default_line", "+34910000001"}};
    json cfg = {
        {"pbx", {{{"name", "main"}, {"host", "127.0.0.1"}, {"username", "u"}, {"secret", "s"}}}},
        {"agents",
         {{{"id", "ana"}, {"extension", "1001"}, {"token", kAna}},
          {{"id", "ben"}, {"extension", "1002"}, {"token", kBen}},
          {{"id", "eva"}, {"extension", "1003"}}}},
        {"numbers", numbers},
        {"store", {{"path", dir.file("cti.db")}}},
        {"api", {{"tokens", {kIntegration}}}},
        {"policy", policy}};
    auto parsed = config::parse_config(cfg.dump(), [](std::string_view) { return std::nullopt; });
    ASSERT_TRUE(parsed) << parsed.error().to_string();
    config = *parsed;
    if (!store) {
      auto s = store::Store::open(dir.file("cti.db"), {.clock = &clock});
      ASSERT_TRUE(s) << s.error();
      store = std::move(*s);
    }
    auto d = Dialer::create(config, *store, clock, [this](const pbx::ami::OriginateRequest& r) {
      originated.push_back(r);
      if (!pbx_error.empty()) return std::expected<void, std::string>(std::unexpected(pbx_error));
      return std::expected<void, std::string>();
    });
    ASSERT_TRUE(d) << d.error();
    dialer = std::move(*d);
    backend = std::make_shared<StoreBackend>(*store, metrics,
                                             std::vector<std::shared_ptr<PbxHealth>>{}, [] {});
    backend->set_dialer(dialer.get());
    auto tokens = api::TokenVerifier::from_hashes(
        {api::hash_token(kIntegration), api::hash_token(kAna), api::hash_token(kBen)});
    router = std::make_unique<api::Router>(backend, std::move(*tokens),
                                           std::vector<std::string>{"", "ana", "ben"});
  }

  api::Response call(http::verb method, const std::string& target, const json& body = nullptr,
                     const std::string& token = kIntegration) {
    api::Request req{method, target, 11};
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.is_null()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body.dump();
      req.prepare_payload();
    }
    return router->handle(req).response;
  }
  api::Response dial(const std::string& to, const std::string& purpose = "commercial",
                     const std::string& token = kAna, const std::string& path = "/v1/calls") {
    return call(http::verb::post, path, {{"to", to}, {"purpose", purpose}}, token);
  }
  static json body(const api::Response& r) { return json::parse(r.body()); }
  static std::vector<std::string> codes(const api::Response& r) {
    const json b = body(r);
    const json& reasons = b.contains("decision") ? b["decision"]["reasons"] : b["reasons"];
    std::vector<std::string> out;
    for (const auto& x : reasons) out.push_back(x["code"]);
    return out;
  }
  static bool has(const std::vector<std::string>& v, const std::string& code) {
    return std::find(v.begin(), v.end(), code) != v.end();
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
  }

  test::TempDir dir;
  test::FakeClock clock{wednesday()};
  common::Registry metrics;
  config::Config config;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Dialer> dialer;
  std::shared_ptr<StoreBackend> backend;
  std::unique_ptr<api::Router> router;
  std::vector<pbx::ami::OriginateRequest> originated;
  std::string pbx_error;
};

TEST_F(DialerApi, AllowedCallIsOriginatedWithTheLinkVariableAndAudited) {
  start();
  const auto r = dial("+44 20 7946 0000");
  ASSERT_EQ(r.result_int(), 202) << r.body();
  const json b = body(r);
  EXPECT_EQ(b["caller_id_presented"], "+442079460001");
  EXPECT_EQ(b["decision"]["caller_id"]["rule"], "prefix 4420");
  EXPECT_TRUE(b["decision"]["allowed"]);
  const std::string call_id = b["call_id"];
  EXPECT_TRUE(call_id.starts_with("c2c-")) << call_id;
  ASSERT_EQ(originated.size(), 1u);
  EXPECT_EQ(originated[0].agent_endpoint, "PJSIP/1001");
  EXPECT_EQ(originated[0].context, "from-internal");
  EXPECT_EQ(originated[0].exten, "00442079460000");  // from Spain, national dialling
  EXPECT_EQ(originated[0].caller_id, "+442079460001");
  EXPECT_EQ(originated[0].call_id, call_id);

  // Spanish number: dialled nationally.
  ASSERT_EQ(dial("600 111 222", "service").result_int(), 202);
  EXPECT_EQ(originated.at(1).exten, "600111222");

  // The audit log holds the decision with its inputs, committed before the dial.
  const auto audit = call(http::verb::get, "/v1/audit?action=dial");
  ASSERT_EQ(audit.result_int(), 200) << audit.body();
  const json entries = body(audit)["entries"];
  ASSERT_EQ(entries.size(), 2u);
  const json& first = entries[1];  // newest first
  EXPECT_EQ(first["call_id"], call_id);
  EXPECT_EQ(first["principal"], "agent:ana");
  EXPECT_EQ(first["number"], "+442079460000");
  EXPECT_TRUE(first["allowed"]);
  EXPECT_EQ(first["detail"]["request"]["to"], "+44 20 7946 0000");
  EXPECT_EQ(first["detail"]["rules"]["policy_version"], "1");
  EXPECT_EQ(first["detail"]["state"]["agent_calls_last_minute"], 0);
}

TEST_F(DialerApi, CheckIsADryRunThatNeverDials) {
  start();
  const auto ok = dial("+44 20 7946 0000", "commercial", kAna, "/v1/policy/check");
  ASSERT_EQ(ok.result_int(), 200) << ok.body();
  EXPECT_TRUE(body(ok)["decision"]["allowed"]);
  const auto denied = dial("+34 806 123 456", "commercial", kAna, "/v1/policy/check");
  ASSERT_EQ(denied.result_int(), 200);
  EXPECT_FALSE(body(denied)["decision"]["allowed"]);
  EXPECT_TRUE(originated.empty());
  store->flush();
  EXPECT_EQ(body(call(http::verb::get, "/v1/audit?action=check"))["count"], 2);
}

TEST_F(DialerApi, DeniedCallIsA403ProblemWithEveryReasonAndNothingIsDialled) {
  start();
  const auto r = dial("+34 806 123 456");
  ASSERT_EQ(r.result_int(), 403) << r.body();
  EXPECT_EQ(r[http::field::content_type], "application/problem+json");
  const json b = body(r);
  EXPECT_EQ(b["type"], "https://cti-connector.dev/problems/call-denied");
  EXPECT_EQ(b["status"], 403);
  EXPECT_EQ(codes(r), (std::vector<std::string>{"premium_rate", "high_risk_prefix"}));
  EXPECT_NE(std::string(b["detail"]).find("806"), std::string::npos) << b["detail"];
  EXPECT_TRUE(originated.empty());
  store->flush();
  const json entries = body(call(http::verb::get, "/v1/audit?allowed=false"))["entries"];
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["detail"]["decision"]["reasons"][0]["code"], "premium_rate");
}

TEST_F(DialerApi, InvalidNumberIs422) {
  start();
  const auto r = dial("+34 12");
  ASSERT_EQ(r.result_int(), 422) << r.body();
  EXPECT_EQ(body(r)["type"], "https://cti-connector.dev/problems/invalid-number");
  EXPECT_EQ(codes(r), std::vector<std::string>{"number_invalid"});
  EXPECT_TRUE(originated.empty());
}

TEST_F(DialerApi, TollFraudAndCountryReasons) {
  start();
  EXPECT_EQ(codes(dial("+34 70 123 4567", "service")),
            (std::vector<std::string>{"premium_rate", "high_risk_prefix"}));
  EXPECT_EQ(codes(dial("+53 5 1234567", "service")),
            (std::vector<std::string>{"irsf_country", "country_not_allowed"}));
  EXPECT_EQ(codes(dial("+33 1 42 68 53 00", "service")),
            std::vector<std::string>{"country_not_allowed"});
  EXPECT_TRUE(originated.empty());
}

TEST_F(DialerApi, ExtraDenyPrefixesAndAllowedCountries) {
  start({{"extra_deny_prefixes", {"+3460011"}}, {"allowed_countries", {"ES", "FR"}}});
  EXPECT_EQ(codes(dial("+34 600 111 222", "service")),
            std::vector<std::string>{"high_risk_prefix"});
  EXPECT_EQ(dial("+33 1 42 68 53 00", "service").result_int(), 202);
}

TEST_F(DialerApi, VelocityPerAgentPerDestinationAndPerTenant) {
  start({{"velocity", {{"agent_calls_per_minute", 2}, {"tenant_calls_per_minute", 3}}}});
  EXPECT_EQ(dial("+34 600 111 201", "service").result_int(), 202);
  EXPECT_EQ(dial("+34 600 111 202", "service").result_int(), 202);
  EXPECT_EQ(codes(dial("+34 600 111 203", "service")), std::vector<std::string>{"velocity_agent"});
  // Ben has his own budget of calls; the company's third call is the last.
  EXPECT_EQ(dial("+34 600 111 204", "service", kBen).result_int(), 202);
  EXPECT_EQ(codes(dial("+34 600 111 205", "service", kBen)),
            std::vector<std::string>{"velocity_tenant"});
  clock.advance(std::chrono::seconds(61));
  EXPECT_EQ(dial("+34 600 111 203", "service").result_int(), 202);
  EXPECT_EQ(originated.size(), 4u);
}

TEST_F(DialerApi, DistinctDestinationsPerHour) {
  start(
      {{"velocity", {{"agent_calls_per_minute", 0}, {"agent_distinct_destinations_per_hour", 2}}}});
  EXPECT_EQ(dial("+34 600 111 201", "service").result_int(), 202);
  EXPECT_EQ(dial("+34 600 111 202", "service").result_int(), 202);
  EXPECT_EQ(dial("+34 600 111 201", "service").result_int(), 202);  // seen: not a new one
  EXPECT_EQ(codes(dial("+34 600 111 203", "service")),
            std::vector<std::string>{"velocity_destinations"});
}

TEST_F(DialerApi, SpendBudgetsUnpricedAndRealCostsOfFinishedCalls) {
  const auto rates =
      write("rates.csv", "prefix,rate_per_min,currency\n346,0.10,EUR\n4420,1.00,EUR\n");
  start({{"spend",
          {{"rates_file", rates},
           {"agent_monthly_budget", 5.0},
           {"tenant_monthly_budget", 8.0},
           {"assumed_minutes", 3}}}});
  EXPECT_EQ(codes(dial("+34 912 345 678", "service")), std::vector<std::string>{"no_rate"});
  // 3 assumed minutes at 1.00: 3.00 of ana's 5.00.
  const auto ok = dial("+44 20 7946 0000", "service");
  ASSERT_EQ(ok.result_int(), 202) << ok.body();
  EXPECT_DOUBLE_EQ(body(ok)["decision"]["estimated_cost"], 3.0);

  // That call really talked 4 minutes: 4.00 charged, and it is in the store.
  core::CallRecord rec;
  rec.call_id = body(ok)["call_id"];
  rec.direction = core::Direction::Outbound;
  rec.to = "+442079460000";
  rec.agent = "1001";
  rec.ended_at = clock.now();
  rec.talk_s = 240;
  const auto spend = dialer->charge(rec);
  ASSERT_TRUE(spend);
  EXPECT_EQ(spend->agent, "ana");
  EXPECT_DOUBLE_EQ(spend->cost, 4.0);
  store::WriteBatch batch;
  batch.spend.push_back(*spend);
  store->submit(batch);
  store->flush();

  // 4.00 spent + ~3.00 > 5.00 for ana; ben's first call fits the company's 8.00.
  EXPECT_EQ(codes(dial("+44 20 7946 0000", "service")), std::vector<std::string>{"budget_agent"});
  EXPECT_EQ(dial("+44 20 7946 0000", "service", kBen).result_int(), 202);
  // Ben's call is still going: its estimate counts (3 + 3 > 5 for ben,
  // 4 + 3 + 3 > 8 for the company), so a burst cannot overrun the budget.
  EXPECT_EQ(codes(dial("+44 20 7946 0000", "service", kBen)),
            (std::vector<std::string>{"budget_agent", "budget_tenant"}));

  // A restart reads the month's spend back from the store.
  dialer.reset();
  start({{"spend",
          {{"rates_file", rates},
           {"agent_monthly_budget", 5.0},
           {"tenant_monthly_budget", 100.0},
           {"assumed_minutes", 3}}}});
  EXPECT_EQ(codes(dial("+44 20 7946 0000", "service")), std::vector<std::string>{"budget_agent"});
}

TEST_F(DialerApi, InternalOptOutAddedByAnAgentAndRemovedOnlyByAnIntegration) {
  start();
  const auto added = call(http::verb::post, "/v1/dnc",
                          {{"number", "600 111 222"}, {"reason", "asked on call"}}, kAna);
  ASSERT_EQ(added.result_int(), 201) << added.body();
  EXPECT_EQ(body(added)["number"], "+34600111222");
  EXPECT_EQ(body(added)["added_by"], "agent:ana");
  EXPECT_EQ(codes(dial("+34600111222")), std::vector<std::string>{"dnc_internal"});
  // An internal opt-out applies to commercial calls; service calls go on.
  EXPECT_EQ(dial("+34600111222", "service").result_int(), 202);

  EXPECT_EQ(call(http::verb::delete_, "/v1/dnc/+34600111222", nullptr, kAna).result_int(), 403);
  EXPECT_EQ(call(http::verb::delete_, "/v1/dnc/+34600111222").result_int(), 204);
  EXPECT_EQ(call(http::verb::delete_, "/v1/dnc/+34600111222").result_int(), 404);
  EXPECT_EQ(dial("+34600111222").result_int(), 202);
  EXPECT_EQ(call(http::verb::post, "/v1/dnc", {{"number", "12"}}).result_int(), 422);

  // Survives a restart (it is in SQLite).
  ASSERT_EQ(call(http::verb::post, "/v1/dnc", {{"number", "+34600111333"}}).result_int(), 201);
  dialer.reset();
  start();
  EXPECT_EQ(codes(dial("+34600111333")), std::vector<std::string>{"dnc_internal"});
}

TEST_F(DialerApi, RobinsonListWithConsentRevocationAndStaleness) {
  // A Robinson snapshot holding one number, as its hash; data from 3 days ago.
  const std::string file = dir.file("robinson.dnc");
  std::vector<std::uint64_t> keys{policy::dnc_key_for_hash(policy::robinson_hash("+34600111222"))};
  ASSERT_TRUE(policy::write_dnc_file(file,
                                     {"robinson", policy::DncKind::RobinsonHashes,
                                      clock.now() - std::chrono::hours(72), clock.now(), 1, "test"},
                                     keys));
  start({{"dnc", {{"registries", {{{"name", "robinson"}, {"file", file}}}}}}});
  EXPECT_EQ(codes(dial("+34600111222")), std::vector<std::string>{"dnc_robinson"});
  EXPECT_EQ(dial("+34600111223").result_int(), 202);  // not on the list

  // Consent from the person lifts the registry; consent needs an integration token.
  const json consent = {{"number", "+34600111222"},
                        {"status", "granted"},
                        {"source", "web form #4411"},
                        {"date", "2026-11-20T09:00:00Z"}};
  EXPECT_EQ(call(http::verb::post, "/v1/consents", consent, kAna).result_int(), 403);
  const auto saved = call(http::verb::post, "/v1/consents", consent);
  ASSERT_EQ(saved.result_int(), 201) << saved.body();
  EXPECT_EQ(body(saved)["effective"], "granted");
  EXPECT_EQ(dial("+34600111222").result_int(), 202);

  // A later revocation wins, and the decision says so.
  json revoke = consent;
  revoke["status"] = "revoked";
  revoke["date"] = "2026-11-24T09:00:00Z";
  ASSERT_EQ(call(http::verb::post, "/v1/consents", revoke).result_int(), 201);
  const auto denied = dial("+34600111222");
  EXPECT_EQ(codes(denied), std::vector<std::string>{"dnc_robinson"});
  EXPECT_EQ(body(denied)["decision"]["warnings"][0]["code"], "consent_revoked");
  // A grant dated before the revocation, recorded later, does not undo it.
  ASSERT_EQ(call(http::verb::post, "/v1/consents", consent).result_int(), 201);
  EXPECT_EQ(codes(dial("+34600111222")), std::vector<std::string>{"dnc_robinson"});

  // 31 days after the list's date it is stale: every commercial call stops.
  clock.advance(std::chrono::hours(24 * 28 + 1));
  EXPECT_EQ(codes(dial("+34600111223")), std::vector<std::string>{"dnc_list_stale"});
  EXPECT_EQ(dial("+34600111223", "service").result_int(), 202);
}

TEST_F(DialerApi, StaleListOnlyWarnsWhenConfigured) {
  const std::string file = dir.file("robinson.dnc");
  ASSERT_TRUE(
      policy::write_dnc_file(file,
                             {"robinson", policy::DncKind::RobinsonHashes,
                              clock.now() - std::chrono::hours(24 * 40), clock.now(), 1, ""},
                             {42}));
  start({{"dnc", {{"stale", "warn"}, {"registries", {{{"name", "robinson"}, {"file", file}}}}}}});
  const auto r = dial("+34600111223");
  ASSERT_EQ(r.result_int(), 202) << r.body();
  EXPECT_EQ(body(r)["decision"]["warnings"][0]["code"], "dnc_list_stale");
}

TEST_F(DialerApi, CallingHoursInTheDestinationsTime) {
  start({{"calling_hours",
          {{"GB",
            {{"zone", "Europe/London"},
             {"windows", {{{"days", "mon-fri"}, {"from", "10:30"}, {"to", "18:00"}}}}}}}}});
  // 10:00 UTC on Wednesday: 11:00 in Madrid (open), 10:00 in London (not yet).
  EXPECT_EQ(dial("+34 600 111 222").result_int(), 202);
  EXPECT_EQ(codes(dial("+44 20 7946 0000")), std::vector<std::string>{"outside_calling_hours"});
  EXPECT_EQ(dial("+44 20 7946 0000", "service").result_int(), 202);
  clock.advance(saturday() - wednesday());
  EXPECT_EQ(codes(dial("+34 600 111 222")), std::vector<std::string>{"outside_calling_hours"});
}

TEST_F(DialerApi, NoCallerIdWithoutAnOwnedNumber) {
  start(json::object(), {{"default_region", "ES"}});
  EXPECT_EQ(codes(dial("+34 600 111 222", "service")), std::vector<std::string>{"no_caller_id"});
}

TEST_F(DialerApi, AgentTokensActOnlyForTheirAgentAndIntegrationsNameOne) {
  start();
  const auto other = call(http::verb::post, "/v1/calls",
                          {{"agent", "ben"}, {"to", "+34600111222"}, {"purpose", "service"}}, kAna);
  EXPECT_EQ(other.result_int(), 403);
  EXPECT_EQ(body(other)["type"], "https://cti-connector.dev/problems/forbidden");
  // An integration token must say which agent.
  EXPECT_EQ(call(http::verb::post, "/v1/calls", {{"to", "+34600111222"}}).result_int(), 422);
  const auto eva = call(http::verb::post, "/v1/calls",
                        {{"agent", "eva"}, {"to", "+34600111222"}, {"purpose", "service"}});
  ASSERT_EQ(eva.result_int(), 202) << eva.body();
  EXPECT_EQ(originated.at(0).agent_endpoint, "PJSIP/1003");
  EXPECT_EQ(
      call(http::verb::post, "/v1/calls", {{"agent", "zoe"}, {"to", "+34600111222"}}).result_int(),
      422);
  // Agents cannot read the audit log or the deliveries.
  EXPECT_EQ(call(http::verb::get, "/v1/audit", nullptr, kAna).result_int(), 403);
  EXPECT_EQ(call(http::verb::get, "/v1/deliveries", nullptr, kAna).result_int(), 403);
  EXPECT_EQ(call(http::verb::get, "/v1/calls", nullptr, kAna).result_int(), 200);
  // No token, wrong token.
  EXPECT_EQ(dial("+34600111222", "service", "").result_int(), 401);
  EXPECT_EQ(dial("+34600111222", "service", "not-a-token-0123456789").result_int(), 401);
}

TEST_F(DialerApi, BadBodiesAreClearProblems) {
  start();
  api::Request form{http::verb::post, "/v1/calls", 11};
  form.set(http::field::authorization, "Bearer " + kAna);
  form.set(http::field::content_type, "application/x-www-form-urlencoded");
  form.body() = "to=600111222";
  EXPECT_EQ(router->handle(form).response.result_int(), 415);
  api::Request broken{http::verb::post, "/v1/calls", 11};
  broken.set(http::field::authorization, "Bearer " + kAna);
  broken.set(http::field::content_type, "application/json");
  broken.body() = "{\"to\":";
  EXPECT_EQ(router->handle(broken).response.result_int(), 400);
  EXPECT_EQ(call(http::verb::post, "/v1/calls", {{"to", 600111222}}, kAna).result_int(), 422);
  EXPECT_EQ(call(http::verb::post, "/v1/calls", {{"to", "600111222"}, {"purpose", "sales"}}, kAna)
                .result_int(),
            422);
  EXPECT_EQ(call(http::verb::post, "/v1/calls", {{"to", "600111222"}, {"x", 1}}, kAna).result_int(),
            422);
  EXPECT_EQ(call(http::verb::post, "/v1/consents",
                 {{"number", "+34600111222"}, {"status", "granted"}, {"source", ""}})
                .result_int(),
            422);
  EXPECT_TRUE(originated.empty());
}

TEST_F(DialerApi, PbxRefusalIs503AndAudited) {
  start();
  pbx_error = "not connected";
  const auto r = dial("+34600111222", "service");
  ASSERT_EQ(r.result_int(), 503) << r.body();
  EXPECT_EQ(r[http::field::retry_after], "5");
  EXPECT_EQ(body(r)["type"], "https://cti-connector.dev/problems/pbx-unavailable");
  store->flush();
  EXPECT_EQ(body(call(http::verb::get, "/v1/audit?action=originate_failed"))["count"], 1);
}

TEST_F(DialerApi, DialPageIsPublicStaticAndLocked) {
  start();
  const auto r = call(http::verb::get, "/dial?to=%2B34600111222", nullptr, "");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
  const std::string csp(r["Content-Security-Policy"]);
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;  // no inline script
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(r["X-Frame-Options"], "DENY");
  EXPECT_NE(r.body().find("/panel/dial-page.js"), std::string::npos);
  EXPECT_EQ(r.body().find("<script>"), std::string::npos);
  const auto script = call(http::verb::get, "/panel/dial-page.js", nullptr, "");
  ASSERT_EQ(script.result_int(), 200);
  EXPECT_NE(script.body().find("/v1/calls"), std::string::npos);
  EXPECT_EQ(r.body().find("+34600111222"), std::string::npos);  // nothing reflected server-side
}

}  // namespace
}  // namespace cti::app
