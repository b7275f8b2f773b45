#include "connector/json/call_json.h"

#include <cmath>

namespace cti::json {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<core::Timestamp>& t) {
  return t ? json(core::format_rfc3339_ms(*t)) : json(nullptr);
}

// Seconds with exactly 3 decimals in the JSON text (e.g. 2.000, not 2).
json seconds(double s) {
  const double rounded = std::round(s * 1000.0) / 1000.0;
  return json(rounded);
}

std::optional<core::Direction> direction_from(std::string_view s) {
  if (s == "inbound") return core::Direction::Inbound;
  if (s == "outbound") return core::Direction::Outbound;
  if (s == "internal") return core::Direction::Internal;
  return std::nullopt;
}

std::optional<core::Disposition> disposition_from(std::string_view s) {
  using D = core::Disposition;
  for (D d : {D::Answered, D::Missed, D::Busy, D::Failed, D::Abandoned, D::Voicemail})
    if (core::to_string(d) == s) return d;
  return std::nullopt;
}

std::optional<core::Timestamp> time_from(const json& j) {
  if (!j.is_string()) return std::nullopt;
  return core::parse_rfc3339(j.get<std::string>());
}

}  // namespace

json to_json(const core::CallRecord& r) {
  json transfers = json::array();
  for (const auto& t : r.transfers)
    transfers.push_back({{"type", t.type},
                         {"from_agent", t.from_agent},
                         {"to", t.to},
                         {"at", core::format_rfc3339_ms(t.at)},
                         {"consult_call_id", t.consult_call_id}});
  json j = {
      {"call_id", r.call_id},
      {"direction", std::string(core::to_string(r.direction))},
      {"from", r.from},
      {"to", r.to},
      {"did", r.did},
      {"caller_id_presented", r.caller_id_presented},
      {"agent", r.agent},
      {"agents", r.agents},
      {"queue", r.queue},
      {"started_at", core::format_rfc3339_ms(r.started_at)},
      {"answered_at", time_or_null(r.answered_at)},
      {"ended_at", time_or_null(r.ended_at)},
      {"ring_s", seconds(r.ring_s)},
      {"talk_s", seconds(r.talk_s)},
      {"wait_s", seconds(r.wait_s)},
      {"disposition",
       r.disposition ? json(std::string(core::to_string(*r.disposition))) : json(nullptr)},
      {"hangup_cause", r.hangup_cause},
      {"transfers", transfers},
      {"pbx", r.pbx},
      {"parent_call_id", r.parent_call_id},
  };
  if (r.incomplete) j["incomplete"] = true;
  return j;
}

std::optional<core::CallRecord> record_from_json(const json& j) {
  try {
    core::CallRecord r;
    r.call_id = j.at("call_id").get<std::string>();
    auto dir = direction_from(j.at("direction").get<std::string>());
    if (!dir) return std::nullopt;
    r.direction = *dir;
    r.from = j.value("from", "");
    r.to = j.value("to", "");
    r.did = j.value("did", "");
    r.caller_id_presented = j.value("caller_id_presented", "");
    r.agent = j.value("agent", "");
    r.agents = j.value("agents", std::vector<std::string>{});
    r.queue = j.value("queue", "");
    auto started = time_from(j.at("started_at"));
    if (!started) return std::nullopt;
    r.started_at = *started;
    if (j.contains("answered_at")) r.answered_at = time_from(j["answered_at"]);
    if (j.contains("ended_at")) r.ended_at = time_from(j["ended_at"]);
    r.ring_s = j.value("ring_s", 0.0);
    r.talk_s = j.value("talk_s", 0.0);
    r.wait_s = j.value("wait_s", 0.0);
    if (j.contains("disposition") && j["disposition"].is_string())
      r.disposition = disposition_from(j["disposition"].get<std::string>());
    r.hangup_cause = j.value("hangup_cause", 0);
    if (j.contains("transfers"))
      for (const auto& t : j["transfers"]) {
        core::Transfer tr;
        tr.type = t.value("type", "");
        tr.from_agent = t.value("from_agent", "");
        tr.to = t.value("to", "");
        tr.consult_call_id = t.value("consult_call_id", "");
        if (auto at = time_from(t.value("at", json())); at) tr.at = *at;
        r.transfers.push_back(std::move(tr));
      }
    r.pbx = j.value("pbx", "");
    r.parent_call_id = j.value("parent_call_id", "");
    r.incomplete = j.value("incomplete", false);
    return r;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

json to_json(const core::CallEvent& e) {
  json j = {{"id", e.id()},
            {"type", std::string(core::to_string(e.kind))},
            {"occurred_at", core::format_rfc3339_ms(e.occurred_at)},
            {"seq", e.seq},
            {"call", to_json(e.call)}};
  if (!e.agent.empty()) j["agent"] = e.agent;
  if (!e.reason.empty()) j["reason"] = e.reason;
  if (e.kind == core::CallEventKind::Queued || e.kind == core::CallEventKind::Abandoned)
    j["position"] = e.position;
  if (e.kind == core::CallEventKind::Transferred && !e.call.transfers.empty()) {
    const auto& t = e.call.transfers.back();
    j["transfer"] = {{"type", t.type},
                     {"from_agent", t.from_agent},
                     {"to", t.to},
                     {"consult_call_id", t.consult_call_id}};
  }
  return j;
}

}  // namespace cti::json
