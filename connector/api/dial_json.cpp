#include "connector/api/dial_json.h"

#include <initializer_list>

namespace cti::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxField = 256;

std::expected<json, BodyError> parse_object(std::string_view body,
                                            std::initializer_list<std::string_view> known) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return std::unexpected(BodyError{true, "the body is not valid JSON"});
  if (!j.is_object()) return std::unexpected(BodyError{true, "the body must be a JSON object"});
  for (const auto& [key, unused] : j.items()) {
    (void)unused;
    bool ok = false;
    for (auto k : known) ok = ok || k == key;
    if (!ok) return std::unexpected(BodyError{false, "unknown field \"" + key + "\""});
  }
  return j;
}

// A required (or optional, when `fallback` is given) one-line string field.
std::expected<std::string, BodyError> text_field(const json& j, const char* name,
                                                 const std::string* fallback = nullptr) {
  const auto it = j.find(name);
  if (it == j.end()) {
    if (fallback) return *fallback;
    return std::unexpected(BodyError{false, std::string("\"") + name + "\" is required"});
  }
  if (!it->is_string())
    return std::unexpected(BodyError{false, std::string("\"") + name + "\" must be a string"});
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > kMaxField)
    return std::unexpected(BodyError{false, std::string("\"") + name + "\" is longer than " +
                                                std::to_string(kMaxField) + " characters"});
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20)
      return std::unexpected(
          BodyError{false, std::string("\"") + name + "\" must not contain control characters"});
  return s;
}

}  // namespace

json to_json(const policy::Decision& d) {
  json reasons = json::array(), warnings = json::array();
  for (const auto& r : d.reasons) reasons.push_back({{"code", r.code}, {"message", r.message}});
  for (const auto& w : d.warnings) warnings.push_back({{"code", w.code}, {"message", w.message}});
  json out = {{"allowed", d.allowed},
              {"reasons", std::move(reasons)},
              {"warnings", std::move(warnings)},
              {"policy_version", d.policy_version}};
  if (d.destination)
    out["destination"] = {{"e164", d.destination->e164},
                          {"region", d.destination->region},
                          {"type", policy::to_string(d.destination->type)}};
  if (d.caller_id)
    out["caller_id"] = {{"number", d.caller_id->number}, {"rule", d.caller_id->rule}};
  if (d.rate) {
    out["rate"] = {
        {"prefix", d.rate->prefix}, {"per_min", d.rate->per_min}, {"currency", d.rate->currency}};
    out["estimated_cost"] = d.estimated_cost;
  }
  if (!d.local_time.empty()) out["local_time"] = d.local_time;
  return out;
}

std::expected<DialCommand, BodyError> parse_dial_body(std::string_view body, const Principal& by) {
  auto j = parse_object(body, {"agent", "to", "purpose", "contact"});
  if (!j) return std::unexpected(j.error());
  DialCommand c;
  c.by = by;
  auto agent = text_field(*j, "agent", by.agent.empty() ? nullptr : &by.agent);
  if (!agent) return std::unexpected(agent.error());
  c.agent = *agent;
  auto to = text_field(*j, "to");
  if (!to) return std::unexpected(to.error());
  c.to = *to;
  const std::string commercial = "commercial";
  auto purpose = text_field(*j, "purpose", &commercial);
  if (!purpose) return std::unexpected(purpose.error());
  if (*purpose == "commercial")
    c.purpose = policy::Purpose::Commercial;
  else if (*purpose == "service")
    c.purpose = policy::Purpose::Service;
  else
    return std::unexpected(BodyError{false, "\"purpose\" must be \"commercial\" or \"service\""});
  if (const auto it = j->find("contact"); it != j->end()) {
    if (!it->is_object()) return std::unexpected(BodyError{false, "\"contact\" must be an object"});
    if (it->dump().size() > 2048)
      return std::unexpected(BodyError{false, "\"contact\" is larger than 2048 bytes"});
    c.contact = *it;
  }
  return c;
}

std::expected<DncBody, BodyError> parse_dnc_body(std::string_view body) {
  auto j = parse_object(body, {"number", "reason"});
  if (!j) return std::unexpected(j.error());
  DncBody b;
  auto number = text_field(*j, "number");
  if (!number) return std::unexpected(number.error());
  b.number = *number;
  const std::string none;
  auto reason = text_field(*j, "reason", &none);
  if (!reason) return std::unexpected(reason.error());
  b.reason = *reason;
  return b;
}

std::expected<ContactBody, BodyError> parse_contact_body(std::string_view body) {
  auto j = parse_object(body, {"number", "crm"});
  if (!j) return std::unexpected(j.error());
  ContactBody b;
  auto number = text_field(*j, "number");
  if (!number) return std::unexpected(number.error());
  b.number = *number;
  const std::string none;
  auto crm = text_field(*j, "crm", &none);
  if (!crm) return std::unexpected(crm.error());
  b.crm = *crm;
  return b;
}

std::expected<ConsentCommand, BodyError> parse_consent_body(std::string_view body,
                                                            const Principal& by,
                                                            core::Timestamp now) {
  auto j = parse_object(body, {"number", "status", "source", "date"});
  if (!j) return std::unexpected(j.error());
  ConsentCommand c;
  c.by = by;
  auto number = text_field(*j, "number");
  if (!number) return std::unexpected(number.error());
  c.number = *number;
  auto status = text_field(*j, "status");
  if (!status) return std::unexpected(status.error());
  if (*status != "granted" && *status != "revoked")
    return std::unexpected(BodyError{false, "\"status\" must be \"granted\" or \"revoked\""});
  c.granted = *status == "granted";
  auto source = text_field(*j, "source");
  if (!source) return std::unexpected(source.error());
  if (source->empty())
    return std::unexpected(
        BodyError{false, "\"source\" must say where the consent comes from (form, call id...)"});
  c.source = *source;
  c.at = now;
  if (j->contains("date")) {
    auto date = text_field(*j, "date");
    if (!date) return std::unexpected(date.error());
    const auto t = core::parse_rfc3339(*date);
    if (!t)
      return std::unexpected(
          BodyError{false, "\"date\" must be an RFC 3339 time such as 2026-03-01T10:00:00Z"});
    if (*t > now + std::chrono::minutes(5))
      return std::unexpected(BodyError{false, "\"date\" is in the future"});
    c.at = *t;
  }
  return c;
}

}  // namespace cti::api
