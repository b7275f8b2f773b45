#include "connector/policy/gate.h"

#include <algorithm>
#include <cstdio>

namespace cti::policy {
namespace {

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string money(double v, const std::string& currency) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %s", v, currency.c_str());
  return buf;
}

std::vector<std::string> allowed_countries(const PolicyConfig& c) {
  if (!c.allowed_countries.empty()) return c.allowed_countries;
  std::vector<std::string> out{c.home_region};
  for (const auto& v : c.virtual_numbers)
    for (const auto& country : v.countries)
      if (!contains(out, country)) out.push_back(country);
  return out;
}

}  // namespace

std::optional<Destination> destination_of(const DialRequest& request, const PolicyConfig& config) {
  auto d = classify_destination(request.to, config.home_region);
  if (!d) return std::nullopt;
  return *d;
}

Decision decide(const DialRequest& req, const PolicyConfig& cfg, const PolicyState& state,
                const RateTable* rates) {
  // 1. The number.
  auto dest = classify_destination(req.to, cfg.home_region);
  if (dest) return decide(req, *dest, cfg, state, rates);
  Decision out;
  out.policy_version = cfg.version;
  out.invalid_number = true;
  out.reasons.push_back(Reason{dest.error().code, dest.error().message});
  return out;
}

Decision decide(const DialRequest& req, const Destination& to, const PolicyConfig& cfg,
                const PolicyState& state, const RateTable* rates) {
  Decision out;
  out.policy_version = cfg.version;
  auto deny = [&](std::string code, std::string message) {
    out.reasons.push_back(Reason{std::move(code), std::move(message)});
  };
  out.destination = to;

  // 2. Toll fraud.
  if (contains(cfg.deny_types, to.type))
    deny("premium_rate", to.e164 + " is a " + std::string(to_string(to.type)) +
                             " number; such destinations are blocked");
  for (const auto& p : cfg.deny_prefixes)
    if (to.e164.starts_with(p)) {
      deny("high_risk_prefix", to.e164 + " starts with " + p + ", a blocked high-risk range");
      break;
    }
  if (contains(cfg.irsf_regions, to.region))
    deny("irsf_country", to.region + " is on the list of toll-fraud hot spots");
  if (to.region != cfg.home_region && !contains(allowed_countries(cfg), to.region))
    deny("country_not_allowed",
         "international calls to " + to.region + " are not allowed for this company");

  // Velocity.
  if (cfg.agent_calls_per_minute > 0 && state.agent_calls_last_minute >= cfg.agent_calls_per_minute)
    deny("velocity_agent", req.agent + " already placed " +
                               std::to_string(state.agent_calls_last_minute) +
                               " calls in the last minute (limit " +
                               std::to_string(cfg.agent_calls_per_minute) + ")");
  if (cfg.agent_distinct_destinations_per_hour > 0 && !state.destination_seen_last_hour &&
      state.agent_distinct_last_hour >= cfg.agent_distinct_destinations_per_hour)
    deny("velocity_destinations",
         req.agent + " already called " + std::to_string(state.agent_distinct_last_hour) +
             " different numbers in the last hour (limit " +
             std::to_string(cfg.agent_distinct_destinations_per_hour) + ")");
  if (cfg.tenant_calls_per_minute > 0 &&
      state.tenant_calls_last_minute >= cfg.tenant_calls_per_minute)
    deny("velocity_tenant", "the company already placed " +
                                std::to_string(state.tenant_calls_last_minute) +
                                " calls in the last minute (limit " +
                                std::to_string(cfg.tenant_calls_per_minute) + ")");

  // 3. Spend.
  if (rates) {
    if (const Rate* r = rates->lookup(to.e164)) {
      out.rate = *r;
      out.estimated_cost = r->per_min * cfg.assumed_minutes;
      if (cfg.agent_monthly_budget > 0 &&
          state.agent_spend_month + out.estimated_cost > cfg.agent_monthly_budget)
        deny("budget_agent",
             req.agent + "'s monthly budget of " + money(cfg.agent_monthly_budget, cfg.currency) +
                 " would be exceeded (spent " + money(state.agent_spend_month, cfg.currency) +
                 ", this call ~" + money(out.estimated_cost, cfg.currency) + ")");
      if (cfg.tenant_monthly_budget > 0 &&
          state.tenant_spend_month + out.estimated_cost > cfg.tenant_monthly_budget)
        deny("budget_tenant", "the company's monthly budget of " +
                                  money(cfg.tenant_monthly_budget, cfg.currency) +
                                  " would be exceeded (spent " +
                                  money(state.tenant_spend_month, cfg.currency) + ")");
    } else if (cfg.deny_unpriced) {
      deny("no_rate", "no price is known for " + to.e164 + ", so its cost cannot be capped");
    }
  }

  // 4. Do-not-call (commercial calls).
  if (req.purpose == Purpose::Commercial) {
    const bool consented =
        state.consent &&
        (!state.consent->revoked_at || *state.consent->revoked_at < state.consent->granted_at);
    for (const auto& hit : state.hits) {
      if (!hit.registry) {
        deny("dnc_internal", to.e164 + " asked this company not to call (internal opt-out list)");
      } else if (!consented) {
        deny("dnc_" + hit.name, to.e164 + " is on the " + hit.name +
                                    " do-not-call list and there is no consent on record");
      }
    }
    const auto max_age = std::chrono::hours(24) * cfg.dnc_max_age_days;
    for (const auto& reg : state.registries)
      if (req.now - reg.list_date > max_age) {
        Reason r{"dnc_list_stale", "the " + reg.name + " list is older than " +
                                       std::to_string(cfg.dnc_max_age_days) + " days"};
        if (cfg.dnc_stale_denies)
          out.reasons.push_back(std::move(r));
        else
          out.warnings.push_back(std::move(r));
      }
    if (state.consent && state.consent->revoked_at &&
        *state.consent->revoked_at >= state.consent->granted_at)
      out.warnings.push_back(Reason{"consent_revoked", "consent for " + to.e164 + " was revoked"});
  }

  // 5. Calling hours (commercial calls).
  if (req.purpose == Purpose::Commercial)
    for (const auto& [region, rule] : cfg.calling_hours)
      if (region == to.region) {
        const auto verdict = check_calling_hours(rule, to.e164, req.now);
        out.local_time = verdict.local_time;
        if (!verdict.allowed) deny("outside_calling_hours", "not now: " + verdict.why);
        break;
      }

  // 6. Caller id.
  out.caller_id = choose_caller_id(cfg.virtual_numbers, cfg.default_line, to, req.purpose);
  if (!out.caller_id)
    deny("no_caller_id", "no company number may be presented on a " +
                             std::string(to_string(req.purpose)) + " call to " + to.region);

  out.allowed = out.reasons.empty();
  return out;
}

}  // namespace cti::policy
