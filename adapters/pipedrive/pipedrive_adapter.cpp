#include "adapters/pipedrive/pipedrive_adapter.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/common/answers.h"
#include "adapters/common/crm_users.h"
#include "adapters/common/numbers.h"
#include "adapters/common/url_query.h"
#include "connector/core/time.h"

namespace cti::adapters {
namespace pipedrive {

// crm-apis.md §9. Deviations, both also taken by the HubSpot adapter:
//  - inbound voicemail: `left_voicemail` would say the agent left one; the
//    caller reached nobody, so `no_answer` (the note says "voicemail");
//  - failed: `wrong_number` only when the PBX said the number is invalid
//    (Q.850 1 unallocated number, 28 invalid number format), else `no_answer`.
const char* outcome(core::Disposition disposition, core::Direction direction, int hangup_cause) {
  using D = core::Disposition;
  switch (disposition) {
    case D::Answered:
      return "connected";
    case D::Missed:
    case D::Abandoned:
      return "no_answer";
    case D::Busy:
      return "busy";
    case D::Failed:
      return hangup_cause == 1 || hangup_cause == 28 ? "wrong_number" : "no_answer";
    case D::Voicemail:
      return direction == core::Direction::Outbound ? "left_voicemail" : "no_answer";
  }
  return "no_answer";
}

}  // namespace pipedrive

namespace {

using nlohmann::json;

// One person from a search answer.
struct Person {
  std::string id, name, company;
};

// "https://acme.pipedrive.com" -> itself; the API host or any other -> "".
std::string company_app_url(const std::string& base_url) {
  const auto scheme = base_url.find("://");
  if (scheme == std::string::npos) return {};
  const std::string host = base_url.substr(scheme + 3);
  if (host.find('/') != std::string::npos || host == "api.pipedrive.com") return {};
  const std::string suffix = ".pipedrive.com";
  return host.size() > suffix.size() && host.ends_with(suffix) ? base_url : std::string{};
}

bool is_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string id_text(const json& id) {
  if (id.is_number_integer()) return std::to_string(id.get<long long>());
  if (id.is_string()) return id.get<std::string>();
  return {};
}

std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The persons of a search answer, in the server's (relevance) order.
std::vector<Person> parse_search(const core::HttpResponse& answer) {
  std::vector<Person> persons;
  const json doc = json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_object()) return persons;
  const json& items = doc["data"].value("items", json::array());
  if (!items.is_array()) return persons;
  for (const json& entry : items) {
    if (!entry.is_object() || !entry.contains("item") || !entry["item"].is_object()) continue;
    const json& item = entry["item"];
    Person p;
    p.id = id_text(item.value("id", json()));
    if (p.id.empty()) continue;
    p.name = string_at(item, "name");
    if (const auto org = item.find("organization"); org != item.end() && org->is_object())
      p.company = string_at(*org, "name");
    persons.push_back(std::move(p));
  }
  return persons;
}

// From a persons-list answer: the id with the latest update_time and that time.
std::optional<std::pair<std::string, std::string>> latest_update(const core::HttpResponse& answer) {
  const json doc = json::parse(answer.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) return std::nullopt;
  std::optional<std::pair<std::string, std::string>> best;
  std::optional<core::Timestamp> best_at;
  for (const json& person : doc["data"]) {
    if (!person.is_object()) continue;
    const std::string id = id_text(person.value("id", json()));
    const std::string updated = string_at(person, "update_time");
    const auto at = core::parse_rfc3339(updated);
    if (id.empty() || !at) continue;
    // Our own comparison: the sort parameter is a request, not a promise.
    if (!best_at || *at > *best_at) {
      best = {id, updated};
      best_at = at;
    }
  }
  return best;
}

bool is_2xx(int status) { return status >= 200 && status < 300; }

// A non-2xx answer to a lookup request: Retry with Pipedrive's hint, or Fail.
Step not_ok(const core::HttpResponse& answer, const char* what) {
  const std::string reason = std::string(what) + ": " + describe_answer(answer);
  if (is_retryable(answer.status)) return Step::retry(reason, retry_hint(answer));
  return Step::fail(reason);
}

// {"success": false, ...}: Pipedrive refused the request, whatever the status.
bool says_refused(const json& doc) {
  if (!doc.is_object()) return false;
  const auto it = doc.find("success");
  return it != doc.end() && *it == false;
}

// Pipedrive's own words for a refused request: {"success": false, "error":
// "...", "error_info": "..."}; "" when the body says nothing usable.
std::string refusal(const core::HttpResponse& answer) {
  const json doc = json::parse(answer.body, nullptr, false);
  if (!doc.is_object()) return {};
  std::string text = string_at(doc, "error");
  if (const std::string info = string_at(doc, "error_info"); !info.empty())
    text += (text.empty() ? "" : " (") + info + (text.empty() ? "" : ")");
  return text;
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

// RFC 3339 UTC to the second, the form Pipedrive's `updated_since` shows.
std::string rfc3339_seconds(core::Timestamp t) {
  std::string ms = core::format_rfc3339_ms(t);  // "2026-11-28T15:13:29.778Z"
  const auto dot = ms.find('.');
  return dot == std::string::npos ? ms : ms.substr(0, dot) + "Z";
}

}  // namespace

PipedriveAdapter::PipedriveAdapter(PipedriveOptions options) : options_(std::move(options)) {
  options_.base_url = trim_slash(options_.base_url);
  options_.app_url = trim_slash(options_.app_url);
  if (options_.app_url.empty()) options_.app_url = company_app_url(options_.base_url);
}

core::HttpRequest PipedriveAdapter::request(std::string method,
                                            const std::string& path_and_query) const {
  core::HttpRequest req;
  req.method = std::move(method);
  req.url = options_.base_url + path_and_query;
  req.headers.emplace_back("x-api-token", options_.token);
  return req;
}

std::optional<std::string> PipedriveAdapter::user_of(const std::string& agent) const {
  auto user = crm_user_of(options_.users, agent);
  if (!user || !is_digits(*user)) return std::nullopt;
  return user;
}

std::string PipedriveAdapter::log_idempotency_key(const std::string& call_id) const {
  return options_.name + ":" + call_id + ":call";
}

core::HttpRequest PipedriveAdapter::search_persons(const std::string& term) const {
  // `fields` is one enum value in the spec (a comma list is rejected).
  return request("GET",
                 "/api/v2/persons/search" + query_string({
                                                {"term", term},
                                                {"fields", "phone"},
                                                {"exact_match", "true"},
                                                {"limit", std::to_string(options_.lookup_limit)},
                                            }));
}

core::HttpRequest PipedriveAdapter::persons_by_update_time(
    const std::vector<std::string>& ids) const {
  std::string list;
  for (const std::string& id : ids) list += (list.empty() ? "" : ",") + id;
  return request("GET", "/api/v2/persons" + query_string({
                                                {"ids", list},
                                                {"sort_by", "update_time"},
                                                {"sort_direction", "desc"},
                                                {"limit", std::to_string(ids.size())},
                                            }));
}

Step PipedriveAdapter::lookup_step(const core::PhoneNumber& number,
                                   std::span<const Exchange> so_far) const {
  if (!number.is_e164()) return Step::done();  // extensions, withheld: nothing to search
  std::vector<std::string> forms{number.value()};
  if (std::string national = national_digits(number.value(), options_.default_region);
      !national.empty() && national != number.value()) {
    forms.push_back(std::move(national));
  }
  std::size_t next = 0;
  for (const std::string& form : forms) {
    if (next == so_far.size()) return Step::send(search_persons(form));
    const core::HttpResponse& found = so_far[next++].response;
    if (!is_2xx(found.status)) return not_ok(found, "person search");
    std::vector<Person> persons = parse_search(found);
    if (persons.empty()) continue;  // try the next form

    Contact c;
    c.crm = options_.name;
    c.matches = static_cast<int>(persons.size());
    c.ambiguous = persons.size() > 1;
    const Person* chosen = &persons.front();
    if (c.ambiguous) {
      // Search items carry no update time: ask for the persons by update time.
      if (next == so_far.size()) {
        std::vector<std::string> ids;
        for (const Person& p : persons) ids.push_back(p.id);
        return Step::send(persons_by_update_time(ids));
      }
      const core::HttpResponse& ordered = so_far[next].response;
      if (!is_2xx(ordered.status) && is_retryable(ordered.status))
        return not_ok(ordered, "persons by update time");
      // A refused ordering request (e.g. no access to the list) keeps the
      // search's relevance order rather than failing the lookup.
      if (const auto latest = is_2xx(ordered.status) ? latest_update(ordered) : std::nullopt) {
        for (const Person& p : persons) {
          if (p.id == latest->first) {
            chosen = &p;
            c.updated_at = latest->second;
          }
        }
      }
    }
    c.id = chosen->id;
    c.name = chosen->name;
    c.company = chosen->company;
    if (!options_.app_url.empty()) c.url = options_.app_url + "/person/" + c.id;
    return Step::done(std::move(c));
  }
  return Step::done();
}

std::optional<core::HttpRequest> PipedriveAdapter::log_call(
    const core::CallRecord& r, const std::optional<Contact>& contact) const {
  if (!r.disposition || r.call_id.empty() || !is_customer_call(r)) return std::nullopt;
  const bool inbound = r.direction != core::Direction::Outbound;
  const std::string customer = inbound ? r.from : r.to;

  // Everything without a native callLogs field goes into the HTML note as
  // "key: value" lines (crm-apis.md §8); the first carries our call_id, which
  // find_logged_call looks for on a retry.
  std::vector<std::string> lines{"cti_call_id: " + r.call_id,
                                 "direction: " + std::string(core::to_string(r.direction)),
                                 "disposition: " + std::string(core::to_string(*r.disposition))};
  if (!r.queue.empty()) lines.push_back("queue: " + r.queue);
  if (r.wait_s > 0) lines.push_back("wait_s: " + seconds_text(r.wait_s));
  lines.push_back("ring_s: " + seconds_text(r.ring_s));
  lines.push_back("talk_s: " + seconds_text(r.talk_s));
  if (r.answered_at) lines.push_back("answered_at: " + core::format_rfc3339_ms(*r.answered_at));
  if (!r.agent.empty()) lines.push_back("agent: " + r.agent);
  if (!r.did.empty()) lines.push_back("did: " + r.did);
  if (*r.disposition == core::Disposition::Voicemail)
    lines.push_back(inbound ? "voicemail: caller left a voicemail" : "voicemail: we left one");
  if (contact && contact->ambiguous)
    lines.push_back("contact_matches: " + std::to_string(contact->matches));
  std::string note = "<p>";
  for (std::size_t i = 0; i < lines.size(); ++i) note += (i ? "<br>" : "") + html_escape(lines[i]);
  note += "</p>";

  // Outbound `from` is the agent's extension; the callee saw the presented id.
  const std::string from_number =
      !inbound && !r.caller_id_presented.empty() ? r.caller_id_presented : r.from;
  const std::string to_number = !r.to.empty() ? r.to : r.did;
  json body = {
      {"subject", std::string(inbound ? "Inbound call from " : "Outbound call to ") + customer},
      {"duration", std::to_string(std::llround(std::max(r.talk_s, 0.0)))},
      {"outcome", pipedrive::outcome(*r.disposition, r.direction, r.hangup_cause)},
      {"from_phone_number", from_number},
      {"to_phone_number", to_number},
      {"start_time", core::format_rfc3339_ms(r.started_at)},
      {"end_time", core::format_rfc3339_ms(r.ended_at.value_or(r.started_at))},
      {"note", note},
  };
  if (const auto user = user_of(r.agent)) body["user_id"] = std::stoll(*user);
  if (contact && is_digits(contact->id)) body["person_id"] = std::stoll(contact->id);
  core::HttpRequest req = request("POST", "/api/v1/callLogs");
  req.body = body.dump();
  req.idempotency_key = log_idempotency_key(r.call_id);
  return req;
}

core::HttpRequest PipedriveAdapter::find_logged_call(const core::CallRecord& r) const {
  std::vector<std::pair<std::string, std::string>> params{
      {"updated_since", rfc3339_seconds(r.started_at)},
      {"sort_by", "update_time"},
      {"sort_direction", "asc"},  // ours was written right after the call ended
      {"limit", "500"},           // the spec's maximum
  };
  if (const auto user = user_of(r.agent)) params.emplace_back("owner_id", *user);
  return request("GET", "/api/v2/activities" + query_string(params));
}

bool PipedriveAdapter::holds_logged_call(const core::HttpResponse& activities,
                                         const std::string& call_id) {
  const json doc = json::parse(activities.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) return false;
  const std::string marker = "cti_call_id: " + html_escape(call_id);
  for (const json& activity : doc["data"]) {
    if (!activity.is_object()) continue;
    const std::string note = string_at(activity, "note");
    // The id must end where the marker ends ("c-4" must not match "c-42").
    for (auto at = note.find(marker); at != std::string::npos; at = note.find(marker, at + 1)) {
      const std::size_t end = at + marker.size();
      if (end == note.size() || note[end] == '<' || note[end] == '\n') return true;
    }
  }
  return false;
}

// A retry may follow an attempt whose create reached Pipedrive but whose
// answer was lost: look for the call first (callLogs has no idempotent create).
Step PipedriveAdapter::log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                                int attempt) const {
  if (attempt <= 1) return CrmAdapter::log_step(record, so_far, attempt);
  if (so_far.empty()) return Step::send(find_logged_call(record));
  const core::HttpResponse& found = so_far.front().response;
  if (!is_2xx(found.status) && is_retryable(found.status))
    return not_ok(found, "search for an already logged call");
  // 2xx: look. 4xx (a token without activities:read, say): log anyway; a
  // possible duplicate is better than a lost call.
  if (is_2xx(found.status) && holds_logged_call(found, record.call_id))
    return Step::done(std::nullopt, "already logged by an earlier attempt");
  return CrmAdapter::log_step(record, so_far.subspan(1), attempt);
}

std::optional<core::HttpRequest> PipedriveAdapter::create_contact(
    const ContactToCreate& wanted) const {
  const core::PhoneNumber& number = wanted.number;
  if (!options_.create_unknown_contacts || !number.is_e164()) return std::nullopt;
  // `name` is required by Pipedrive; all we know is the number (decisions.md).
  json body = {
      {"name", number.value()},
      {"phones", json::array({{{"value", number.value()}, {"primary", true}, {"label", "work"}}})},
  };
  // The agent who asked owns the person; Pipedrive's default is the token's user.
  if (const auto user = user_of(wanted.agent)) body["owner_id"] = std::stoll(*user);
  core::HttpRequest req = request("POST", "/api/v2/persons");
  req.body = body.dump();
  req.idempotency_key = contact_idempotency_key(options_.name, number);
  return req;
}

std::optional<Contact> PipedriveAdapter::parse_created(const core::HttpResponse& response) const {
  const json doc = json::parse(response.body, nullptr, false);
  if (!doc.is_object() || says_refused(doc)) return std::nullopt;
  const auto data = doc.find("data");
  if (data == doc.end() || !data->is_object()) return std::nullopt;
  const auto id = data->find("id");
  if (id == data->end() || !id->is_number_integer()) return std::nullopt;
  Contact c;
  c.crm = options_.name;
  c.id = id_text(*id);
  c.name = string_at(*data, "name");
  c.matches = 1;
  if (!options_.app_url.empty()) c.url = options_.app_url + "/person/" + c.id;
  return c;
}

Step PipedriveAdapter::create_step(const ContactToCreate& wanted,
                                   std::span<const Exchange> so_far) const {
  if (so_far.empty()) return CrmAdapter::create_step(wanted, so_far);
  const core::PhoneNumber& number = wanted.number;
  const core::HttpResponse& answer = so_far.back().response;
  if (!is_2xx(answer.status)) return not_ok(answer, "create person");
  const json doc = json::parse(answer.body, nullptr, false);
  if (says_refused(doc)) {
    const std::string why = refusal(answer);
    return Step::fail("create person: Pipedrive refused it: " +
                      (why.empty() ? describe_answer(answer) : why));
  }
  auto created = parse_created(answer);
  if (!created) return Step::fail("create person: the answer names no id");
  if (created->name.empty()) created->name = number.value();
  return Step::done(std::move(created));
}

}  // namespace cti::adapters
