// The "policy" section: the dialing gate's rules, the rate table and DNC
// registry files, and how an allowed click-to-call is originated. Every
// value is checked here so a typo stops start-up instead of silently
// letting a call through (or blocking every call).
#include <algorithm>
#include <array>

#include "connector/config/sections.h"
#include "connector/config/validators.h"
#include "connector/policy/calling_hours.h"
#include "connector/policy/local_time.h"

namespace cti::config {
namespace {

constexpr std::array kAllTypes{policy::NumberType::FixedLine,
                               policy::NumberType::Mobile,
                               policy::NumberType::FixedLineOrMobile,
                               policy::NumberType::TollFree,
                               policy::NumberType::PremiumRate,
                               policy::NumberType::SharedCost,
                               policy::NumberType::Voip,
                               policy::NumberType::Personal,
                               policy::NumberType::Pager,
                               policy::NumberType::Uan,
                               policy::NumberType::Voicemail,
                               policy::NumberType::Unknown};

std::string region_code(const Node& n) {
  std::string code = n.text();
  if (!is_region_code(code))
    n.fail("expected a two-letter uppercase region code such as \"ES\", got " + n.describe());
  return code;
}

std::vector<std::string> region_codes(const Node& list) {
  std::vector<std::string> out;
  for (const Node& n : list.elements()) out.push_back(region_code(n));
  return out;
}

std::vector<std::string> e164_prefixes(const Node& list) {
  std::vector<std::string> out;
  for (const Node& n : list.elements()) {
    std::string p = n.text();
    if (p.size() < 2 || p.size() > 16 || p[0] != '+' ||
        p.find_first_not_of("0123456789", 1) != std::string::npos)
      n.fail("expected \"+\" and 1 to 15 digits (an E.164 prefix such as \"+34905\"), got " +
             n.describe());
    out.push_back(std::move(p));
  }
  return out;
}

policy::Zone zone_named(const Node& n) {
  const std::string name = n.non_empty_text();
  if (auto z = policy::find_zone(name)) return *z;
  n.fail("unknown time zone " + n.describe() +
         " (built-in zones: Europe/*, Atlantic/Canary, America/New_York and others; see "
         "docs/configuration.md)");
}

policy::HoursRule parse_hours(const Node& node, const std::string& region) {
  const ObjectReader r = node.object({"zone", "windows", "holidays", "prefix_zones"});
  policy::HoursRule rule;
  if (region == "ES") rule = policy::spain_default_hours();
  if (auto z = r.optional("zone"))
    rule.zone = zone_named(*z);
  else if (region != "ES")
    r.required("zone");  // only Spain has a built-in default
  if (auto windows = r.optional("windows")) {
    rule.windows.clear();
    for (const Node& w : windows->elements()) {
      const ObjectReader wr = w.object({"days", "from", "to"});
      policy::TimeWindow tw;
      const Node days = wr.required("days");
      tw.days = policy::parse_days(days.text());
      if (tw.days == 0)
        days.fail("expected days such as \"mon-fri\", \"sat\" or \"mon,wed,fri\", got " +
                  days.describe());
      const Node from = wr.required("from"), to = wr.required("to");
      const int f = policy::parse_hhmm(from.text()), t = policy::parse_hhmm(to.text());
      if (f < 0) from.fail("expected a time \"HH:MM\", got " + from.describe());
      if (t < 0)
        to.fail("expected a time \"HH:MM\" (\"24:00\" for midnight), got " + to.describe());
      if (t <= f) to.fail("must be later than \"from\" " + from.describe());
      tw.from = std::chrono::minutes(f);
      tw.to = std::chrono::minutes(t);
      rule.windows.push_back(tw);
    }
  } else if (region != "ES") {
    r.required("windows");
  }
  if (auto holidays = r.optional("holidays")) {
    // Added to the national defaults (Spain's fixed-date holidays).
    for (const Node& h : holidays->elements()) {
      policy::Holiday day;
      if (!policy::parse_holiday(h.text(), day))
        h.fail("expected a date \"YYYY-MM-DD\" or a yearly \"MM-DD\", got " + h.describe());
      rule.holidays.push_back(day);
    }
  }
  if (auto zones = r.optional("prefix_zones")) {
    for (auto& [prefix, zone] : zones->members()) {
      if (prefix.size() < 2 || prefix[0] != '+' ||
          prefix.find_first_not_of("0123456789", 1) != std::string::npos)
        zone.fail("key must be an E.164 prefix such as \"+34922\"");
      rule.prefix_zones.emplace_back(prefix, zone_named(zone));
    }
  }
  return rule;
}

void parse_velocity(const Node& node, policy::PolicyConfig& g) {
  const ObjectReader r =
      node.object({"agent_calls_per_minute", "agent_distinct_destinations_per_hour",
                   "tenant_calls_per_minute"});
  r.read("agent_calls_per_minute", g.agent_calls_per_minute, 0, 100000);
  r.read("agent_distinct_destinations_per_hour", g.agent_distinct_destinations_per_hour, 0, 100000);
  r.read("tenant_calls_per_minute", g.tenant_calls_per_minute, 0, 1000000);
}

void parse_spend(const Node& node, PolicySettings& c) {
  const ObjectReader r = node.object({"rates_file", "currency", "agent_monthly_budget",
                                      "tenant_monthly_budget", "assumed_minutes", "deny_unpriced"});
  if (auto f = r.optional("rates_file")) c.rates_file = f->non_empty_text();
  if (auto cur = r.optional("currency")) {
    c.gate.currency = cur->text();
    if (c.gate.currency.size() != 3 || !std::all_of(c.gate.currency.begin(), c.gate.currency.end(),
                                                    [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
      cur->fail("expected an ISO 4217 code such as \"EUR\", got " + cur->describe());
  }
  r.read("agent_monthly_budget", c.gate.agent_monthly_budget, 0, 1e12);
  r.read("tenant_monthly_budget", c.gate.tenant_monthly_budget, 0, 1e12);
  r.read("assumed_minutes", c.gate.assumed_minutes, 0, 1440);
  r.read("deny_unpriced", c.gate.deny_unpriced);
}

void parse_dnc(const Node& node, PolicySettings& c) {
  const ObjectReader r = node.object({"max_age_days", "stale", "registries"});
  r.read("max_age_days", c.gate.dnc_max_age_days, 1, 3650);
  if (auto stale = r.optional("stale")) {
    const std::string v = stale->text();
    if (v != "deny" && v != "warn")
      stale->fail("expected \"deny\" or \"warn\", got " + stale->describe());
    c.gate.dnc_stale_denies = v == "deny";
  }
  if (auto regs = r.optional("registries")) {
    std::vector<std::string> names;
    for (const Node& e : regs->elements()) {
      const ObjectReader er = e.object({"name", "file"});
      DncRegistryConfig reg;
      const Node name = er.required("name");
      reg.name = name.non_empty_text();
      if (reg.name == "internal")
        name.fail(
            "\"internal\" is the company's own opt-out list (POST /v1/dnc); pick another name");
      if (std::find(names.begin(), names.end(), reg.name) != names.end())
        name.fail("duplicate registry name " + name.describe());
      names.push_back(reg.name);
      reg.file = er.required("file").non_empty_text();
      c.dnc_registries.push_back(std::move(reg));
    }
  }
}

void parse_originate(const Node& node, OriginateConfig& o, const std::vector<AmiPbxConfig>& pbx) {
  const ObjectReader r =
      node.object({"pbx", "endpoint", "context", "exten_format", "ring_timeout_ms"});
  if (auto p = r.optional("pbx")) {
    o.pbx = p->non_empty_text();
    if (std::none_of(pbx.begin(), pbx.end(), [&](const auto& x) { return x.name == o.pbx; }))
      p->fail("no PBX named " + p->describe() + " in $.pbx");
  }
  if (auto e = r.optional("endpoint")) {
    o.endpoint = e->non_empty_text();
    if (o.endpoint.find("{extension}") == std::string::npos)
      e->fail("must contain {extension} (e.g. \"PJSIP/{extension}\"), got " + e->describe());
  }
  if (auto ctx = r.optional("context")) o.context = ctx->non_empty_text();
  if (auto f = r.optional("exten_format")) {
    o.exten_format = f->text();
    if (o.exten_format != "national" && o.exten_format != "e164")
      f->fail("expected \"national\" or \"e164\", got " + f->describe());
  }
  r.read("ring_timeout_ms", o.ring_timeout_ms, 1000, 300000);
}

}  // namespace

PolicySettings parse_policy_section(const Node& node, const NumbersConfig& numbers,
                                    const std::vector<AmiPbxConfig>& pbx) {
  const ObjectReader r = node.object({"version", "allowed_countries", "deny_prefixes",
                                      "extra_deny_prefixes", "irsf_regions", "deny_types",
                                      "velocity", "spend", "dnc", "calling_hours", "originate"});
  PolicySettings c;
  policy::PolicyConfig& g = c.gate;
  g.home_region = numbers.default_region;
  if (auto v = r.optional("version")) g.version = v->non_empty_text();
  if (auto n = r.optional("allowed_countries")) g.allowed_countries = region_codes(*n);
  if (auto n = r.optional("deny_prefixes")) g.deny_prefixes = e164_prefixes(*n);
  if (auto n = r.optional("extra_deny_prefixes"))
    for (auto& p : e164_prefixes(*n)) g.deny_prefixes.push_back(std::move(p));
  if (auto n = r.optional("irsf_regions")) g.irsf_regions = region_codes(*n);
  if (auto n = r.optional("deny_types")) {
    g.deny_types.clear();
    for (const Node& t : n->elements()) {
      const std::string name = t.text();
      const auto it = std::find_if(kAllTypes.begin(), kAllTypes.end(),
                                   [&](auto type) { return policy::to_string(type) == name; });
      if (it == kAllTypes.end())
        t.fail("unknown number type " + t.describe() +
               " (known: premium_rate, shared_cost, personal_number, uan, voicemail, voip, pager, "
               "toll_free, mobile, fixed_line, fixed_line_or_mobile, unknown)");
      g.deny_types.push_back(*it);
    }
  }
  if (auto n = r.optional("velocity")) parse_velocity(*n, g);
  if (auto n = r.optional("spend")) parse_spend(*n, c);
  if (auto n = r.optional("dnc")) parse_dnc(*n, c);
  if (auto n = r.optional("calling_hours")) {
    for (auto& [region, rule] : n->members()) {
      if (!is_region_code(region)) rule.fail("key must be a two-letter region code such as \"ES\"");
      auto parsed = parse_hours(rule, region);
      const auto it = std::find_if(g.calling_hours.begin(), g.calling_hours.end(),
                                   [&](const auto& e) { return e.first == region; });
      if (it != g.calling_hours.end())
        it->second = std::move(parsed);
      else
        g.calling_hours.emplace_back(region, std::move(parsed));
    }
  }
  if (auto n = r.optional("originate")) parse_originate(*n, c.originate, pbx);
  return c;
}

}  // namespace cti::config
