#include "connector/app/dialer.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <fstream>
#include <future>
#include <sstream>

#include "connector/api/dial_json.h"
#include "connector/policy/dial_string.h"
#include "connector/policy/dnc_file.h"
#include "connector/policy/robinson.h"

namespace cti::app {
namespace {

using nlohmann::json;

std::string iso(core::Timestamp t) { return core::format_rfc3339_ms(t); }

core::Timestamp month_start_of(core::Timestamp now) {
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day ymd{day};
  return std::chrono::sys_days{ymd.year() / ymd.month() / 1};
}

// One tenant for now (docs/decisions.md); it is written in every row so
// adding tenants needs no migration.
constexpr const char* kTenant = "default";

store::AuditRow audit_row(core::Timestamp at, std::string action, const std::string& principal,
                          std::string agent, std::string number, std::string detail = "{}") {
  store::AuditRow r;
  r.at = at;
  r.action = std::move(action);
  r.principal = principal;
  r.tenant = kTenant;
  r.agent = std::move(agent);
  r.number = std::move(number);
  r.detail_json = std::move(detail);
  return r;
}

bool on_registry(const Dialer::Registry& r, const policy::Destination& to) {
  if (r.kind == policy::DncKind::RobinsonHashes)
    return r.set.contains(policy::dnc_key_for_hash(policy::robinson_hash(to.e164)));
  const auto key = policy::dnc_key_for_e164(to.e164);
  return key && r.set.contains(*key);
}

}  // namespace

std::expected<std::unique_ptr<Dialer>, std::string> Dialer::create(const config::Config& config,
                                                                   store::Store& store,
                                                                   const core::Clock& clock,
                                                                   Originate originate) {
  std::unique_ptr<policy::RateTable> rates;
  if (const auto& path = config.policy.rates_file; !path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::unexpected("rate table " + path + ": cannot read the file");
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = policy::RateTable::parse_csv(text.str());
    if (!parsed) return std::unexpected("rate table " + path + ": " + parsed.error().to_string());
    rates = std::make_unique<policy::RateTable>(std::move(*parsed));
    spdlog::info("policy: rate table {} ({} prefixes)", path, rates->size());
  }
  std::vector<Registry> registries;
  for (const auto& reg : config.policy.dnc_registries) {
    auto loaded = policy::read_dnc_file(reg.file);
    if (!loaded) return std::unexpected(loaded.error());
    Registry r;
    r.meta = policy::DncList{reg.name, true, loaded->header.list_date};
    r.kind = loaded->header.kind;
    r.set = std::move(loaded->set);
    r.file = reg.file;
    spdlog::info("policy: do-not-call list {} from {}: {} entries, data of {}", reg.name, reg.file,
                 r.set.size(), iso(r.meta.list_date));
    registries.push_back(std::move(r));
  }
  return std::make_unique<Dialer>(config, std::move(rates), std::move(registries), store, clock,
                                  std::move(originate));
}

Dialer::Dialer(const config::Config& config, std::unique_ptr<policy::RateTable> rates,
               std::vector<Registry> registries, store::Store& store, const core::Clock& clock,
               Originate originate)
    : settings_(config.policy),
      rates_(std::move(rates)),
      registries_(std::move(registries)),
      store_(store),
      clock_(clock),
      originate_(std::move(originate)),
      destinations_(config.policy.gate.home_region, 32768) {
  for (const auto& a : config.agents) {
    extension_of_[a.id] = a.extension;
    agent_of_[a.extension] = a.id;
  }
  for (auto& e : store_.list_dnc_internal()) internal_[e.e164] = e;
  for (const auto& c : store_.list_consents()) {
    auto& s = consents_[c.e164];
    auto& slot = c.granted ? s.granted : s.revoked;
    if (!slot || c.at >= *slot) {
      slot = c.at;
      if (c.granted) s.source = c.source;
    }
  }
  std::lock_guard lk(mu_);
  roll_month(clock_.now());
}

void Dialer::roll_month(core::Timestamp now) {
  const auto start = month_start_of(now);
  if (start == month_start_) return;
  month_start_ = start;
  agent_spend_.clear();
  tenant_spend_ = 0;
  for (const auto& t : store_.spend_since(start)) {
    agent_spend_[t.agent] += t.cost;
    tenant_spend_ += t.cost;
  }
}

std::expected<policy::Destination, api::NumberError> Dialer::number_of(const std::string& raw) {
  auto d = destinations_.classify(raw);
  if (!d) return std::unexpected(api::NumberError{d.error().message});
  return *d;
}

policy::PolicyState Dialer::snapshot(const std::string& agent, const policy::Destination& to,
                                     core::Timestamp now) {
  policy::PolicyState s;
  if (internal_.contains(to.e164)) s.hits.push_back(policy::DncList{"internal", false, {}});
  for (const auto& r : registries_) {
    s.registries.push_back(r.meta);
    if (on_registry(r, to)) s.hits.push_back(r.meta);
  }
  if (const auto it = consents_.find(to.e164); it != consents_.end()) {
    const ConsentState& c = it->second;
    // A revocation with no grant before it still means "no consent".
    s.consent = policy::Consent{c.granted.value_or(core::Timestamp{}), c.revoked, c.source};
  }
  velocity_.snapshot(agent, to.e164, now, s);
  roll_month(now);
  if (const auto it = agent_spend_.find(agent); it != agent_spend_.end())
    s.agent_spend_month = it->second;
  s.tenant_spend_month = tenant_spend_;
  std::erase_if(reserved_,
                [&](const auto& r) { return now - r.second.at > std::chrono::hours(1); });
  for (const auto& [id, r] : reserved_) {
    if (r.agent == agent) s.agent_spend_month += r.cost;
    s.tenant_spend_month += r.cost;
  }
  return s;
}

bool Dialer::commit(store::WriteBatch batch) {
  auto done = std::make_shared<std::promise<bool>>();
  auto future = done->get_future();
  store_.submit(std::move(batch), [done](bool ok) { done->set_value(ok); });
  return future.get();
}

std::string Dialer::new_call_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "c2c-";
  std::uint64_t bits = rng_();
  for (int i = 0; i < 16; ++i, bits >>= 4) id += kHex[bits & 0xf];
  return id;
}

api::DialOutcome Dialer::dial(const api::DialCommand& cmd) {
  api::DialOutcome out;
  const auto ext = extension_of_.find(cmd.agent);
  if (ext == extension_of_.end()) {
    out.unknown_agent = "no agent \"" + cmd.agent + "\" is configured";
    return out;
  }
  const core::Timestamp now = clock_.now();
  policy::DialRequest req{kTenant, cmd.agent, cmd.to, cmd.purpose, now};
  const auto dest = destinations_.classify(cmd.to);

  store::AuditRow audit = audit_row(now, cmd.dry_run ? "check" : "dial", cmd.by.name, cmd.agent,
                                    dest ? dest->e164 : cmd.to);
  json state_json = json::object();
  {
    std::lock_guard lk(mu_);
    if (dest) {
      const policy::PolicyState state = snapshot(cmd.agent, *dest, now);
      out.decision = policy::decide(req, *dest, settings_.gate, state, rates_.get());
      json hits = json::array(), regs = json::array();
      for (const auto& h : state.hits) hits.push_back(h.name);
      for (const auto& r : state.registries)
        regs.push_back({{"name", r.name}, {"list_date", iso(r.list_date)}});
      state_json = {{"dnc_hits", hits},
                    {"registries", regs},
                    {"agent_calls_last_minute", state.agent_calls_last_minute},
                    {"agent_distinct_last_hour", state.agent_distinct_last_hour},
                    {"tenant_calls_last_minute", state.tenant_calls_last_minute},
                    {"agent_spend_month", state.agent_spend_month},
                    {"tenant_spend_month", state.tenant_spend_month}};
      if (state.consent) {
        state_json["consent"] = {{"granted_at", iso(state.consent->granted_at)},
                                 {"source", state.consent->source}};
        if (state.consent->revoked_at)
          state_json["consent"]["revoked_at"] = iso(*state.consent->revoked_at);
      }
    } else {
      out.decision.policy_version = settings_.gate.version;
      out.decision.invalid_number = true;
      out.decision.reasons.push_back({dest.error().code, dest.error().message});
    }
    // Counted when allowed, before the originate: two quick clicks must
    // not both slip under the limit.
    audit.allowed = out.decision.allowed;
    if (out.decision.allowed && !cmd.dry_run) {
      velocity_.record(cmd.agent, dest->e164, now);
      audit.call_id = new_call_id();
      if (out.decision.estimated_cost > 0)
        reserved_[audit.call_id] = {cmd.agent, out.decision.estimated_cost, now};
    }
  }
  json detail = {{"request",
                  {{"to", cmd.to},
                   {"purpose", policy::to_string(cmd.purpose)},
                   {"agent", cmd.agent},
                   {"contact", cmd.contact.is_null() ? json::object() : cmd.contact}}},
                 {"state", state_json},
                 {"decision", api::to_json(out.decision)},
                 {"rules",
                  {{"policy_version", settings_.gate.version},
                   {"rates_file", settings_.rates_file},
                   {"rates", rates_ ? rates_->size() : 0}}}};
  audit.detail_json = detail.dump(-1, ' ', false, json::error_handler_t::replace);
  const std::string call_id = audit.call_id;

  store::WriteBatch batch;
  batch.audits.push_back(std::move(audit));
  if (cmd.dry_run || !out.decision.allowed) {
    store_.submit(std::move(batch));  // evidence, but nobody waits for it
    return out;
  }
  // The audit row is durable before the PBX dials: every call placed can
  // be shown to have passed the gate.
  if (!commit(std::move(batch))) {
    out.unavailable = "the decision could not be recorded, so the call was not placed";
    return out;
  }
  pbx::ami::OriginateRequest o;
  const std::string& pattern = settings_.originate.endpoint;
  o.agent_endpoint = pattern.substr(0, pattern.find("{extension}")) + ext->second +
                     pattern.substr(pattern.find("{extension}") + 11);
  o.context = settings_.originate.context;
  o.exten = policy::dial_string(*dest, settings_.gate.home_region,
                                settings_.originate.exten_format == "e164"
                                    ? policy::DialFormat::E164
                                    : policy::DialFormat::National);
  o.caller_id = out.decision.caller_id->number;
  o.call_id = call_id;
  o.ring_timeout = std::chrono::milliseconds(settings_.originate.ring_timeout_ms);
  const auto sent = originate_ ? originate_(o) : std::unexpected(std::string("no PBX configured"));
  if (!sent) {
    spdlog::warn("click-to-call {} for {}: the PBX did not take it: {}", call_id, cmd.agent,
                 sent.error());
    out.unavailable = "the PBX did not accept the call: " + sent.error();
    store::AuditRow failed = audit_row(clock_.now(), "originate_failed", cmd.by.name, cmd.agent,
                                       dest->e164, json{{"error", sent.error()}}.dump());
    failed.call_id = call_id;
    store::WriteBatch b;
    b.audits.push_back(std::move(failed));
    store_.submit(std::move(b));
    return out;
  }
  spdlog::info("click-to-call {}: agent {} ({}) to {} as {} ({})", call_id, cmd.agent, ext->second,
               dest->region, o.caller_id, out.decision.caller_id->rule);
  out.call_id = call_id;
  return out;
}

std::expected<json, api::NumberError> Dialer::add_dnc(const api::Principal& by,
                                                      const std::string& number,
                                                      const std::string& reason) {
  const auto dest = number_of(number);
  if (!dest) return std::unexpected(dest.error());
  const auto now = clock_.now();
  store::DncEntry entry{dest->e164, now, reason, by.name};
  {
    std::lock_guard lk(mu_);
    const auto [it, inserted] = internal_.try_emplace(entry.e164, entry);
    entry = it->second;  // the first opt-out keeps its date
    (void)inserted;
  }
  store::WriteBatch batch;
  batch.dnc_changes.push_back({true, entry});
  batch.audits.push_back(
      audit_row(now, "dnc_add", by.name, by.agent, entry.e164, json{{"reason", reason}}.dump()));
  if (!commit(std::move(batch))) throw std::runtime_error("the opt-out could not be stored");
  return json{{"number", entry.e164},
              {"added_at", iso(entry.added_at)},
              {"reason", entry.reason},
              {"added_by", entry.added_by}};
}

std::expected<bool, api::NumberError> Dialer::remove_dnc(const api::Principal& by,
                                                         const std::string& number) {
  const auto dest = number_of(number);
  if (!dest) return std::unexpected(dest.error());
  bool removed = false;
  {
    std::lock_guard lk(mu_);
    removed = internal_.erase(dest->e164) > 0;
  }
  if (!removed) return false;
  store::WriteBatch batch;
  batch.dnc_changes.push_back({false, store::DncEntry{dest->e164, {}, "", ""}});
  batch.audits.push_back(audit_row(clock_.now(), "dnc_remove", by.name, by.agent, dest->e164));
  if (!commit(std::move(batch))) throw std::runtime_error("the removal could not be stored");
  return true;
}

std::expected<json, api::NumberError> Dialer::add_consent(const api::ConsentCommand& cmd) {
  const auto dest = number_of(cmd.number);
  if (!dest) return std::unexpected(dest.error());
  const auto now = clock_.now();
  store::ConsentRow row{kTenant, dest->e164, cmd.granted, cmd.source, cmd.at, now, cmd.by.name};
  json effective;
  {
    std::lock_guard lk(mu_);
    auto& s = consents_[row.e164];
    auto& slot = row.granted ? s.granted : s.revoked;
    if (!slot || row.at >= *slot) {
      slot = row.at;
      if (row.granted) s.source = row.source;
    }
    // Same rule as the gate: a revocation at or after the grant wins.
    const bool valid = s.granted && (!s.revoked || *s.revoked < *s.granted);
    effective = valid ? "granted" : "revoked";
  }
  store::WriteBatch batch;
  batch.consents.push_back(row);
  auto audit = audit_row(now, "consent", cmd.by.name, cmd.by.agent, row.e164,
                         json{{"status", cmd.granted ? "granted" : "revoked"},
                              {"source", cmd.source},
                              {"date", iso(cmd.at)}}
                             .dump());
  audit.allowed = cmd.granted;
  batch.audits.push_back(std::move(audit));
  if (!commit(std::move(batch))) throw std::runtime_error("the consent could not be stored");
  return json{{"number", row.e164},
              {"status", cmd.granted ? "granted" : "revoked"},
              {"source", row.source},
              {"date", iso(row.at)},
              {"recorded_by", row.recorded_by},
              {"effective", effective}};
}

json Dialer::list_audit(const api::AuditFilter& f) {
  store::AuditQuery q;
  q.since = f.since;
  q.agent = f.agent;
  q.action = f.action;
  q.allowed = f.allowed;
  q.limit = f.limit;
  if (!f.number.empty()) {
    const auto dest = number_of(f.number);
    q.number = dest ? dest->e164 : f.number;
  }
  json out = json::array();
  for (const auto& row : store_.list_audit(q)) {
    json detail = json::parse(row.detail_json, nullptr, false);
    out.push_back({{"id", row.id},
                   {"at", iso(row.at)},
                   {"action", row.action},
                   {"principal", row.principal},
                   {"tenant", row.tenant},
                   {"agent", row.agent},
                   {"number", row.number},
                   {"allowed", row.allowed},
                   {"call_id", row.call_id},
                   {"detail", detail.is_discarded() ? json(row.detail_json) : detail}});
  }
  return out;
}

std::optional<store::SpendRow> Dialer::charge(const core::CallRecord& r) {
  {
    std::lock_guard lk(mu_);
    reserved_.erase(r.call_id);  // the estimate gives way to the real cost
  }
  if (!rates_ || r.direction != core::Direction::Outbound || !r.ended_at || r.talk_s <= 0)
    return std::nullopt;
  const policy::Rate* rate = rates_->lookup(r.to);
  if (!rate) return std::nullopt;
  store::SpendRow row;
  row.call_id = r.call_id;
  row.tenant = kTenant;
  const auto agent = agent_of_.find(r.agent);
  row.agent = agent == agent_of_.end() ? r.agent : agent->second;
  row.at = *r.ended_at;
  row.talk_s = r.talk_s;
  row.cost = rate->per_min * r.talk_s / 60.0;  // per-second billing
  row.currency = rate->currency;
  std::lock_guard lk(mu_);
  roll_month(clock_.now());
  if (row.at >= month_start_) {
    agent_spend_[row.agent] += row.cost;
    tenant_spend_ += row.cost;
  }
  return row;
}

}  // namespace cti::app
