#include "adapters/hubspot/hubspot_adapter.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/common/answers.h"
#include "adapters/common/crm_users.h"
#include "adapters/common/numbers.h"
#include "adapters/common/url_query.h"
#include "connector/core/time.h"

namespace cti::adapters {
namespace hubspot {

// crm-apis.md §9. Where the reference documents no HubSpot disposition (failed)
// the GUID is omitted rather than guessed: "Wrong number" is only for invalid
// numbers, and a failed call (congestion, trunk error) is not one.
// Inbound voicemail: the reference says "MISSED + voicemail flag", but MISSED
// is only in the Calling Extensions enum, not in the documented hs_call_status
// values of the calls object, so we send NO_ANSWER / No answer (the caller
// did not reach anyone) and say "voicemail" in the body.
Outcome outcome(core::Disposition disposition, core::Direction direction) {
  using D = core::Disposition;
  switch (disposition) {
    case D::Answered:
      return {"COMPLETED", kConnected};
    case D::Missed:
      return {"NO_ANSWER", kNoAnswer};
    case D::Busy:
      return {"BUSY", kBusy};
    case D::Failed:
      return {"FAILED", nullptr};
    case D::Abandoned:
      return {"CANCELED", kNoAnswer};
    case D::Voicemail:
      if (direction == core::Direction::Outbound) return {"COMPLETED", kLeftVoicemail};
      return {"NO_ANSWER", kNoAnswer};
  }
  return {"COMPLETED", nullptr};
}

}  // namespace hubspot

namespace {

using nlohmann::json;

std::string milliseconds(double seconds) {
  if (!(seconds > 0)) return "0";
  return std::to_string(static_cast<long long>(std::llround(seconds * 1000.0)));
}

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

std::optional<core::Timestamp> modified_at(const json& result) {
  const auto props = result.find("properties");
  if (props != result.end() && props->is_object()) {
    const auto it = props->find("hs_lastmodifieddate");
    if (it != props->end() && it->is_string()) {
      if (auto t = core::parse_rfc3339(it->get<std::string>())) return t;
    }
  }
  const auto it = result.find("updatedAt");
  if (it != result.end() && it->is_string()) return core::parse_rfc3339(it->get<std::string>());
  return std::nullopt;
}

std::string prop(const json& result, const char* key) {
  const auto props = result.find("properties");
  if (props == result.end() || !props->is_object()) return {};
  const auto it = props->find(key);
  return it != props->end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

HubspotAdapter::HubspotAdapter(HubspotOptions options) : options_(std::move(options)) {
  options_.base_url = trim_slash(options_.base_url);
  options_.app_url = trim_slash(options_.app_url);
}

core::HttpRequest HubspotAdapter::post(const std::string& path, std::string body) const {
  core::HttpRequest req;
  req.method = "POST";
  req.url = options_.base_url + path;
  req.body = std::move(body);
  req.headers.emplace_back("Authorization", "Bearer " + options_.token);
  return req;
}

std::string HubspotAdapter::log_idempotency_key(const std::string& call_id) const {
  return options_.name + ":" + call_id + ":call";
}

std::optional<core::HttpRequest> HubspotAdapter::lookup(const core::PhoneNumber& number) const {
  if (!number.is_e164()) return std::nullopt;  // extensions, withheld: nothing to search
  std::vector<std::string> forms{number.value()};
  if (std::string national = national_digits(number.value(), options_.default_region);
      !national.empty()) {
    forms.push_back(std::move(national));
  }
  // Filter groups are OR-ed: one group per (property, form); 2 x 2 = 4 groups,
  // inside the spec's "up to 6 groups".
  json groups = json::array();
  for (const char* property : {"phone", "mobilephone"}) {
    for (const std::string& form : forms) {
      groups.push_back(
          {{"filters",
            json::array({{{"propertyName", property}, {"operator", "EQ"}, {"value", form}}})}});
    }
  }
  // The spec requires after, filterGroups, limit, properties and sorts and
  // types sorts as string[] (HubSpot's prose shows objects). We send the sort
  // object serialised into a string, as HubSpot's generated clients do: valid
  // for the spec (Prism), accepted by the API, but possibly ignored by it, so
  // parse_lookup picks the most recent contact itself.
  const json sort = {{"propertyName", "hs_lastmodifieddate"}, {"direction", "DESCENDING"}};
  const json body = {
      {"filterGroups", std::move(groups)},
      {"properties",
       {"firstname", "lastname", "company", "phone", "mobilephone", "hs_lastmodifieddate"}},
      {"sorts", json::array({sort.dump()})},
      {"limit", options_.lookup_limit},
      {"after", "0"},
  };
  core::HttpRequest req = post("/crm/v3/objects/contacts/search", body.dump());
  req.read_only = true;
  return req;
}

std::optional<Contact> HubspotAdapter::parse_lookup(const core::HttpResponse& response) const {
  if (response.status != 200) return std::nullopt;
  const json doc = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  const auto results = doc.find("results");
  if (results == doc.end() || !results->is_array()) return std::nullopt;
  const json* best = nullptr;
  std::optional<core::Timestamp> best_at;
  int count = 0;
  for (const json& r : *results) {
    if (!r.is_object()) continue;
    const auto id = r.find("id");
    if (id == r.end() || !id->is_string() || id->get<std::string>().empty()) continue;
    ++count;
    const auto at = modified_at(r);
    // Most recently modified wins; on a tie or without dates, the server's order.
    if (!best || (at && (!best_at || *at > *best_at))) {
      best = &r;
      best_at = at;
    }
  }
  if (!best) return std::nullopt;
  Contact c;
  c.crm = options_.name;
  c.id = (*best)["id"].get<std::string>();
  const std::string first = prop(*best, "firstname");
  const std::string last = prop(*best, "lastname");
  c.name = first.empty() ? last : last.empty() ? first : first + " " + last;
  c.company = prop(*best, "company");
  c.updated_at = prop(*best, "hs_lastmodifieddate");
  if (c.updated_at.empty()) {
    const auto it = best->find("updatedAt");
    if (it != best->end() && it->is_string()) c.updated_at = it->get<std::string>();
  }
  int total = count;
  if (const auto it = doc.find("total"); it != doc.end() && it->is_number_integer()) {
    total = std::max(total, it->get<int>());
  }
  c.matches = total;
  c.ambiguous = total > 1;
  if (!options_.portal_id.empty()) {
    c.url = options_.app_url + "/contacts/" + options_.portal_id + "/record/0-1/" + c.id;
  }
  return c;
}

std::optional<core::HttpRequest> HubspotAdapter::log_call(
    const core::CallRecord& r, const std::optional<Contact>& contact) const {
  // Only ended customer calls.
  if (!r.disposition || r.call_id.empty() || !is_customer_call(r)) return std::nullopt;
  const bool inbound = r.direction != core::Direction::Outbound;
  const hubspot::Outcome out = hubspot::outcome(*r.disposition, r.direction);

  // Everything without a native HubSpot field goes into the body as
  // "key: value" lines (crm-apis.md §8); the first line carries our call_id.
  std::string body = "cti_call_id: " + r.call_id + "\n";
  body += "disposition: " + std::string(core::to_string(*r.disposition)) + "\n";
  if (!r.queue.empty()) body += "queue: " + r.queue + "\n";
  if (r.wait_s > 0) body += "wait_s: " + seconds_text(r.wait_s) + "\n";
  body += "ring_s: " + seconds_text(r.ring_s) + "\n";
  body += "talk_s: " + seconds_text(r.talk_s) + "\n";
  if (r.answered_at) body += "answered_at: " + core::format_rfc3339_ms(*r.answered_at) + "\n";
  if (r.ended_at) body += "ended_at: " + core::format_rfc3339_ms(*r.ended_at) + "\n";
  if (!r.agent.empty()) body += "agent: " + r.agent + "\n";
  if (!r.did.empty()) body += "did: " + r.did + "\n";
  if (*r.disposition == core::Disposition::Voicemail) {
    body += inbound ? "voicemail: caller left a voicemail\n" : "voicemail: we left a voicemail\n";
  }
  if (contact && contact->ambiguous) {
    body += "contact_matches: " + std::to_string(contact->matches) + "\n";
  }

  const std::string other = inbound ? r.from : r.to;
  // Outbound `from` is the agent's extension; HubSpot wants the number the
  // callee saw (the extension stays in the body as "agent: ...").
  const std::string from_number =
      !inbound && !r.caller_id_presented.empty() ? r.caller_id_presented : r.from;
  json props = {
      {"hs_timestamp", core::format_rfc3339_ms(r.started_at)},
      {"hs_call_title", std::string(inbound ? "Inbound call from " : "Outbound call to ") + other},
      {"hs_call_body", body},
      {"hs_call_direction", inbound ? "INBOUND" : "OUTBOUND"},
      {"hs_call_duration", milliseconds(r.talk_s)},
      {"hs_call_from_number", from_number},
      {"hs_call_to_number", r.to},
      {"hs_call_status", out.status},
  };
  if (out.disposition) props["hs_call_disposition"] = out.disposition;
  if (const auto owner = crm_user_of(options_.users, r.agent)) props["hubspot_owner_id"] = *owner;
  if (!options_.call_id_property.empty()) props[options_.call_id_property] = r.call_id;

  json associations = json::array();  // required by the spec, may be empty
  if (contact && !contact->id.empty()) {
    associations.push_back(
        {{"to", {{"id", contact->id}}},
         {"types", json::array({{{"associationCategory", "HUBSPOT_DEFINED"},
                                 {"associationTypeId", hubspot::kCallToContactAssociation}}})}});
  }
  const json doc = {{"properties", std::move(props)}, {"associations", std::move(associations)}};
  core::HttpRequest req = post("/crm/v3/objects/calls", doc.dump());
  req.idempotency_key = log_idempotency_key(r.call_id);
  return req;
}

std::optional<core::HttpRequest> HubspotAdapter::create_contact(
    const ContactToCreate& wanted) const {
  const core::PhoneNumber& number = wanted.number;
  if (!options_.create_unknown_contacts || !number.is_e164()) return std::nullopt;
  json doc = {{"properties", {{"phone", number.value()}}}, {"associations", json::array()}};
  // The agent who asked owns the new contact, as their call logs do.
  if (const auto owner = crm_user_of(options_.users, wanted.agent))
    doc["properties"]["hubspot_owner_id"] = *owner;
  core::HttpRequest req = post("/crm/v3/objects/contacts", doc.dump());
  req.idempotency_key = contact_idempotency_key(options_.name, number);
  return req;
}

std::optional<Contact> HubspotAdapter::parse_created(const core::HttpResponse& response) const {
  auto c = CrmAdapter::parse_created(response);
  if (c && !options_.portal_id.empty())
    c->url = options_.app_url + "/contacts/" + options_.portal_id + "/record/0-1/" + c->id;
  return c;
}

core::HttpRequest HubspotAdapter::find_logged_call(const std::string& call_id) const {
  const json filter = options_.call_id_property.empty()
                          ? json{{"propertyName", "hs_call_body"},
                                 {"operator", "CONTAINS_TOKEN"},
                                 {"value", call_id}}
                          : json{{"propertyName", options_.call_id_property},
                                 {"operator", "EQ"},
                                 {"value", call_id}};
  const json body = {
      {"filterGroups", json::array({{{"filters", json::array({filter})}}})},
      {"properties", {"hs_timestamp", "hs_call_body"}},
      {"sorts", json::array()},
      {"limit", 1},
      {"after", "0"},
  };
  core::HttpRequest req = post("/crm/v3/objects/calls/search", body.dump());
  req.read_only = true;
  return req;
}

}  // namespace cti::adapters

namespace cti::adapters {

// A retry may follow an attempt whose create reached HubSpot but whose answer
// was lost: search for the call first (HubSpot has no idempotent create).
Step HubspotAdapter::log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                              int attempt) const {
  if (attempt <= 1) return CrmAdapter::log_step(record, so_far, attempt);
  if (so_far.empty()) return Step::send(find_logged_call(record.call_id));
  const core::HttpResponse& found = so_far.front().response;
  if (found.status < 200 || found.status >= 300)
    return classify_answer(found, "search for an already logged call");  // retry or fail
  const auto doc = nlohmann::json::parse(found.body, nullptr, false);
  if (doc.is_object() && doc.value("total", 0) > 0)
    return Step::done(std::nullopt, "already logged by an earlier attempt");
  return CrmAdapter::log_step(record, so_far.subspan(1), attempt);
}

}  // namespace cti::adapters
