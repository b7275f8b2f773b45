#pragma once
// The dialing policy gate: may this click-to-call be made, and with which
// caller id? A pure function of the request, the configuration and a
// snapshot of the state (DNC hits, consent, recent calls, spend), so every
// decision can be replayed from the audit log. It collects EVERY reason a
// call is refused, not only the first, so the CRM user sees all of them.
#include <optional>
#include <string>
#include <vector>

#include "connector/core/time.h"
#include "connector/policy/caller_id.h"
#include "connector/policy/calling_hours.h"
#include "connector/policy/destination.h"
#include "connector/policy/rate_table.h"

namespace cti::policy {

struct PolicyConfig {
  std::string version = "1";  // recorded with every decision
  std::string home_region = "ES";
  // International destinations allowed; empty = home region plus every
  // country of a virtual number.
  std::vector<std::string> allowed_countries;
  // High-risk E.164 prefixes denied whatever libphonenumber says (it misses
  // some: ES 905/907/118xx, UK 118/070/076, satellite and IPRS codes).
  std::vector<std::string> deny_prefixes{"+34803", "+34806", "+34807", "+34905", "+34907", "+34118",
                                         "+3470",  "+449",   "+4487",  "+4484",  "+44118", "+4470",
                                         "+4476",  "+881",   "+882",   "+883",   "+870",   "+979"};
  // International revenue share fraud hot spots, denied even if allowed above.
  std::vector<std::string> irsf_regions{"CU", "LV", "LT", "SO", "GM", "GN", "SL", "CF",
                                        "ST", "SC", "MV", "AZ", "MC", "AI", "AG", "BB",
                                        "VG", "DM", "GD", "MS", "TC", "JM"};
  std::vector<NumberType> deny_types{NumberType::PremiumRate, NumberType::SharedCost,
                                     NumberType::Personal, NumberType::Uan, NumberType::Voicemail};
  // Velocity (0 = no limit).
  int agent_calls_per_minute = 6;
  int agent_distinct_destinations_per_hour = 60;
  int tenant_calls_per_minute = 120;
  // Spend: monthly budgets in `currency` (0 = no budget) and the call length
  // assumed when estimating a call before it happens.
  double agent_monthly_budget = 0;
  double tenant_monthly_budget = 0;
  std::string currency = "EUR";
  double assumed_minutes = 3;
  bool deny_unpriced = true;  // with a rate table, a destination without a price is refused
  // Do-not-call: registries older than this are stale.
  int dnc_max_age_days = 30;
  bool dnc_stale_denies = true;  // false = warn only
  // Calling hours for commercial calls, by destination region.
  std::vector<std::pair<std::string, HoursRule>> calling_hours{{"ES", spain_default_hours()}};
  // Caller id.
  std::vector<VirtualNumber> virtual_numbers;
  std::string default_line;
};

struct DialRequest {
  std::string tenant = "default";
  std::string agent;
  std::string to;  // as typed
  Purpose purpose = Purpose::Commercial;
  core::Timestamp now{};
};

// What the stateful side knows at decision time.
struct DncList {
  std::string name;             // "internal", "robinson"
  bool registry = true;         // false for the company's own opt-outs
  core::Timestamp list_date{};  // when the registry's data was taken
};
struct Consent {
  core::Timestamp granted_at{};
  std::optional<core::Timestamp> revoked_at;
  std::string source;
};
struct PolicyState {
  std::vector<DncList> hits;        // lists this destination is on
  std::vector<DncList> registries;  // every registry loaded (for staleness)
  std::optional<Consent> consent;   // this company's consent for this number
  int agent_calls_last_minute = 0;
  int agent_distinct_last_hour = 0;  // distinct destinations, this one not counted
  bool destination_seen_last_hour = false;
  int tenant_calls_last_minute = 0;
  double agent_spend_month = 0;
  double tenant_spend_month = 0;
};

struct Reason {
  std::string code;
  std::string message;
};

struct Decision {
  bool allowed = false;
  bool invalid_number = false;   // 422 rather than 403
  std::vector<Reason> reasons;   // why not (empty when allowed)
  std::vector<Reason> warnings;  // allowed, but worth knowing
  std::optional<Destination> destination;
  std::optional<CallerIdChoice> caller_id;
  std::optional<Rate> rate;
  double estimated_cost = 0;
  std::string local_time;  // at the destination, when hours were checked
  std::string policy_version;
};

// `rates` may be null (no rate table configured: spend is not checked).
Decision decide(const DialRequest& request, const PolicyConfig& config, const PolicyState& state,
                const RateTable* rates);

// The same for a destination already classified (the service classifies
// first because the state lookups need the E.164; libphonenumber is the
// costliest step, so it runs once).
Decision decide(const DialRequest& request, const Destination& destination,
                const PolicyConfig& config, const PolicyState& state, const RateTable* rates);

// Destination first (the state lookups need its E.164); then decide().
std::optional<Destination> destination_of(const DialRequest& request, const PolicyConfig& config);

}  // namespace cti::policy
