// The dialing gate: every reason code is reachable, all reasons are
// reported together, consent exempts from registries (not from the
// company's own opt-outs), and the caller id follows the inventory rules.
#include "connector/policy/gate.h"

#include <gtest/gtest.h>

namespace cti::policy {
namespace {

core::Timestamp utc(const char* t) { return *core::parse_rfc3339(t); }
// Monday 30 November 2026, 11:00 in Madrid.
const core::Timestamp kMondayMorning = utc("2026-11-30T10:00:00Z");

PolicyConfig config() {
  PolicyConfig c;
  VirtualNumber madrid{"+34910000001",
                       {"ES"},
                       {"3491"},
                       {Purpose::Commercial, Purpose::Service},
                       NumberType::FixedLine};
  VirtualNumber london{"+442079460001",
                       {"GB"},
                       {"4420"},
                       {Purpose::Commercial, Purpose::Service},
                       NumberType::FixedLine};
  VirtualNumber mobile{"+34600000001", {"ES"}, {"346"}, {Purpose::Service}, NumberType::Mobile};
  c.virtual_numbers = {madrid, london, mobile};
  c.default_line = "+34910000001";
  return c;
}

DialRequest request(std::string to, Purpose p = Purpose::Commercial) {
  DialRequest r;
  r.agent = "ana";
  r.to = std::move(to);
  r.purpose = p;
  r.now = kMondayMorning;
  return r;
}

std::vector<std::string> codes(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& r : d.reasons) out.push_back(r.code);
  return out;
}

TEST(Gate, AllowsAnOrdinaryCallAndPicksTheLocalNumber) {
  const auto d = decide(request("+44 20 7946 0000"), config(), {}, nullptr);
  EXPECT_TRUE(d.allowed) << (d.reasons.empty() ? "" : d.reasons[0].message);
  ASSERT_TRUE(d.caller_id);
  EXPECT_EQ(d.caller_id->number, "+442079460001");
  EXPECT_EQ(d.caller_id->rule, "prefix 4420");
  const auto es = decide(request("912 345 678"), config(), {}, nullptr);
  EXPECT_TRUE(es.allowed);
  EXPECT_EQ(es.destination->e164, "+34912345678");
  EXPECT_EQ(es.caller_id->number, "+34910000001");
  EXPECT_EQ(es.local_time, "2026-11-30 11:00 (+01:00)");
}

TEST(Gate, NeverAMobileCallerIdIntoSpainEvenWhenItMatchesBest) {
  // The mobile number matches "346" best, but Spain bans mobile CLIs.
  const auto d = decide(request("+34 612 345 678", Purpose::Service), config(), {}, nullptr);
  ASSERT_TRUE(d.caller_id);
  EXPECT_EQ(d.caller_id->number, "+34910000001");
  EXPECT_EQ(d.caller_id->rule, "country ES");
}

TEST(Gate, InvalidNumberIsItsOwnAnswer) {
  const auto d = decide(request("12"), config(), {}, nullptr);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.invalid_number);
  EXPECT_EQ(codes(d), std::vector<std::string>{"number_invalid"});
}

TEST(Gate, TollFraudReasons) {
  auto c = config();
  EXPECT_EQ(codes(decide(request("+34 806 123 456"), c, {}, nullptr)),
            (std::vector<std::string>{"premium_rate", "high_risk_prefix"}));
  EXPECT_EQ(codes(decide(request("+34 70 123 4567", Purpose::Service), c, {}, nullptr)),
            (std::vector<std::string>{"premium_rate", "high_risk_prefix"}));
  const auto cuba = decide(request("+53 5 1234567", Purpose::Service), c, {}, nullptr);
  EXPECT_EQ(codes(cuba), (std::vector<std::string>{"irsf_country", "country_not_allowed"}));
  const auto france = decide(request("+33 1 42 68 53 00", Purpose::Service), c, {}, nullptr);
  EXPECT_EQ(codes(france), std::vector<std::string>{"country_not_allowed"});
  c.allowed_countries = {"ES", "GB", "FR"};
  c.default_line = "+34910000001";
  const auto allowed = decide(request("+33 1 42 68 53 00", Purpose::Service), c, {}, nullptr);
  EXPECT_TRUE(allowed.allowed) << (allowed.reasons.empty() ? "" : allowed.reasons[0].code);
  EXPECT_EQ(allowed.caller_id->rule, "default line");
}

TEST(Gate, VelocityLimits) {
  PolicyState s;
  s.agent_calls_last_minute = 6;
  s.agent_distinct_last_hour = 60;
  s.tenant_calls_last_minute = 120;
  EXPECT_EQ(
      codes(decide(request("+34912345678"), config(), s, nullptr)),
      (std::vector<std::string>{"velocity_agent", "velocity_destinations", "velocity_tenant"}));
  s.destination_seen_last_hour = true;  // calling back a number already called is no new spread
  s.agent_calls_last_minute = 5;
  s.tenant_calls_last_minute = 119;
  EXPECT_TRUE(decide(request("+34912345678"), config(), s, nullptr).allowed);
}

TEST(Gate, SpendAgainstTheRateTable) {
  auto rates = RateTable::parse_csv("prefix,rate_per_min,currency\n44,0.10,EUR\n447583,2.00,EUR\n");
  ASSERT_TRUE(rates);
  auto c = config();
  c.agent_monthly_budget = 50;
  c.tenant_monthly_budget = 1000;
  PolicyState s;
  s.agent_spend_month = 45;
  s.tenant_spend_month = 998;
  const auto d = decide(request("+447583123456", Purpose::Service), c, s, &*rates);
  EXPECT_DOUBLE_EQ(d.estimated_cost, 6.0);  // 2.00/min x 3 assumed minutes
  EXPECT_EQ(codes(d), (std::vector<std::string>{"budget_agent", "budget_tenant"}));
  s = {};
  EXPECT_TRUE(decide(request("+447583123456", Purpose::Service), c, s, &*rates).allowed);
  EXPECT_EQ(codes(decide(request("+34912345678", Purpose::Service), c, s, &*rates)),
            std::vector<std::string>{"no_rate"});
}

TEST(Gate, DoNotCallListsConsentAndRevocation) {
  PolicyState s;
  const DncList robinson{"robinson", true, utc("2026-11-20T00:00:00Z")};
  s.hits = {robinson};
  s.registries = {robinson};
  EXPECT_EQ(codes(decide(request("+34912345678"), config(), s, nullptr)),
            std::vector<std::string>{"dnc_robinson"});
  // Service calls are not marketing: no DNC check.
  EXPECT_TRUE(decide(request("+34912345678", Purpose::Service), config(), s, nullptr).allowed);
  // Consent for this company exempts from the registry...
  s.consent = Consent{utc("2026-10-01T00:00:00Z"), std::nullopt, "web form"};
  EXPECT_TRUE(decide(request("+34912345678"), config(), s, nullptr).allowed);
  // ...unless it was revoked later.
  s.consent->revoked_at = utc("2026-11-01T00:00:00Z");
  const auto revoked = decide(request("+34912345678"), config(), s, nullptr);
  EXPECT_EQ(codes(revoked), std::vector<std::string>{"dnc_robinson"});
  ASSERT_EQ(revoked.warnings.size(), 1u);
  EXPECT_EQ(revoked.warnings[0].code, "consent_revoked");
  // The company's own opt-out list is never overridden by consent.
  s.consent = Consent{utc("2026-11-25T00:00:00Z"), std::nullopt, "call"};
  s.hits = {DncList{"internal", false, {}}};
  EXPECT_EQ(codes(decide(request("+34912345678"), config(), s, nullptr)),
            std::vector<std::string>{"dnc_internal"});
}

TEST(Gate, StaleRegistryDeniesOrWarns) {
  PolicyState s;
  s.registries = {DncList{"robinson", true, utc("2026-10-01T00:00:00Z")}};  // 60 days old
  EXPECT_EQ(codes(decide(request("+34912345678"), config(), s, nullptr)),
            std::vector<std::string>{"dnc_list_stale"});
  auto c = config();
  c.dnc_stale_denies = false;
  const auto d = decide(request("+34912345678"), c, s, nullptr);
  EXPECT_TRUE(d.allowed);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0].code, "dnc_list_stale");
}

TEST(Gate, CallingHoursForCommercialCallsOnly) {
  auto r = request("+34912345678");
  r.now = utc("2026-11-30T21:30:00Z");  // 22:30 in Madrid
  const auto d = decide(r, config(), {}, nullptr);
  EXPECT_EQ(codes(d), std::vector<std::string>{"outside_calling_hours"});
  EXPECT_NE(d.reasons[0].message.find("22:30"), std::string::npos) << d.reasons[0].message;
  r.purpose = Purpose::Service;
  EXPECT_TRUE(decide(r, config(), {}, nullptr).allowed);
}

TEST(Gate, NoCallerIdWhenTheInventoryHasNoneForThePurpose) {
  auto c = config();
  for (auto& v : c.virtual_numbers) v.purposes = {Purpose::Service};
  EXPECT_EQ(codes(decide(request("+34912345678"), c, {}, nullptr)),
            std::vector<std::string>{"no_caller_id"});
}

}  // namespace
}  // namespace cti::policy
