#include "adapters/zoho/zoho_adapter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/common/answers.h"
#include "adapters/common/crm_users.h"
#include "adapters/common/numbers.h"
#include "adapters/common/url_query.h"
#include "connector/core/time.h"

namespace cti::adapters {
namespace zoho {

std::optional<std::string> data_centre_url(const std::string& data_centre) {
  // crm-apis.md §4: www.zohoapis.<dc>.
  for (const char* dc : {"com", "eu", "in", "com.au", "jp", "ca", "sa"})
    if (data_centre == dc) return "https://www.zohoapis." + data_centre;
  return std::nullopt;
}

// crm-apis.md §9. Zoho's "Missed" is an incoming call nobody took (its list
// is the call-back list): inbound missed, abandoned and voicemail (the caller
// reached only the mailbox). Busy and failed keep the direction; the detail
// goes to Call_Result (org picklist, configured) and Description.
const char* call_type(core::Disposition disposition, core::Direction direction) {
  if (direction == core::Direction::Outbound) return "Outbound";
  using D = core::Disposition;
  switch (disposition) {
    case D::Missed:
    case D::Abandoned:
    case D::Voicemail:
      return "Missed";
    case D::Answered:
    case D::Busy:
    case D::Failed:
      return "Inbound";
  }
  return "Inbound";
}

std::string call_duration(double seconds) {
  const long long s = std::llround(std::max(seconds, 0.0));
  char out[32];
  std::snprintf(out, sizeof out, "%02lld:%02lld", s / 60, s % 60);
  return out;
}

std::string start_time(core::Timestamp t) {
  const std::string ms = core::format_rfc3339_ms(t);  // "2026-11-28T15:13:29.778Z"
  return ms.substr(0, ms.find('.')) + "+00:00";
}

}  // namespace zoho

namespace {

using nlohmann::json;

bool is_2xx(int status) { return status >= 200 && status < 300; }

std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// Zoho's hint: Retry-After only. Its X-RATELIMIT-RESET is not documented as a
// delay in seconds (the shared reader assumes Pipedrive's meaning), so it is
// ignored rather than misread as an hour's wait.
std::chrono::seconds zoho_retry_hint(const core::HttpResponse& answer) {
  core::HttpResponse only_retry_after;
  if (const auto v = header(answer, "Retry-After"))
    only_retry_after.headers.emplace_back("Retry-After", *v);
  return retry_hint(only_retry_after);
}

// Zoho's refusal of the first record of a {"data":[...]} answer:
// "DUPLICATE_DATA: duplicate data (Phone)"; "" when it is not an error.
std::string record_error(const core::HttpResponse& answer) {
  const json doc = json::parse(answer.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array() || doc["data"].empty() ||
      !doc["data"][0].is_object())
    return {};
  const json& record = doc["data"][0];
  if (string_at(record, "status") != "error") return {};
  std::string text = string_at(record, "code");
  if (const std::string message = string_at(record, "message"); !message.empty())
    text += (text.empty() ? "" : ": ") + message;
  if (const auto details = record.find("details");
      details != record.end() && details->is_object()) {
    if (const std::string field = string_at(*details, "api_name"); !field.empty())
      text += " (" + field + ")";
  }
  return text.empty() ? "error" : text;
}

Step not_ok(const core::HttpResponse& answer, const std::string& what) {
  const std::string reason = what + ": " + describe_answer(answer);
  if (is_retryable(answer.status)) return Step::retry(reason, zoho_retry_hint(answer));
  return Step::fail(reason);
}

// Criteria values escape '(' ')' ',' and '\' with a backslash (Zoho search docs).
std::string criteria_value(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '(' || c == ')' || c == ',' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

}  // namespace

ZohoAdapter::ZohoAdapter(ZohoOptions options) : options_(std::move(options)) {
  options_.base_url = trim_slash(options_.base_url);
  options_.app_url = trim_slash(options_.app_url);
  if (options_.oauth) {
    options_.oauth->scheme = "Zoho-oauthtoken";
    oauth_ = std::make_shared<OAuthSession>(*options_.oauth, options_.token);
  }
}

// Zoho's error body: {"code": "INVALID_TOKEN", "message": "invalid oauth
// token", "status": "error"} (record.json API_Exception).
bool ZohoAdapter::token_rejected(const core::HttpResponse& response) const {
  if (response.status != 401) return false;
  const auto doc = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return false;
  const std::string code = string_at(doc, "code");
  return code == "INVALID_TOKEN" || code == "AUTHENTICATION_FAILURE";
}

core::HttpRequest ZohoAdapter::request(std::string method,
                                       const std::string& path_and_query) const {
  core::HttpRequest req;
  req.method = std::move(method);
  req.url = options_.base_url + path_and_query;
  if (!oauth_) req.headers.emplace_back("Authorization", "Zoho-oauthtoken " + options_.token);
  return req;
}

std::string ZohoAdapter::log_idempotency_key(const std::string& call_id) const {
  return options_.name + ":" + call_id + ":call";
}

core::HttpRequest ZohoAdapter::search(const std::string& module, const std::string& phone) const {
  // per_page is optional in record.json but required in module_search.json
  // (both describe this path): always send it.
  return request("GET", "/crm/v8/" + module + "/search" +
                            query_string({{"phone", phone},
                                          {"per_page", std::to_string(options_.lookup_limit)}}));
}

std::optional<Contact> ZohoAdapter::parse_search(const core::HttpResponse& answer,
                                                 const std::string& module) const {
  const json doc = json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) return std::nullopt;
  const json* best = nullptr;
  std::optional<core::Timestamp> best_at;
  int count = 0;
  for (const json& r : doc["data"]) {
    if (!r.is_object() || string_at(r, "id").empty()) continue;
    ++count;
    const auto at = core::parse_rfc3339(string_at(r, "Modified_Time"));
    // Most recently modified wins; on a tie or without dates, the server's order.
    if (!best || (at && (!best_at || *at > *best_at))) {
      best = &r;
      best_at = at;
    }
  }
  if (!best) return std::nullopt;
  Contact c;
  c.crm = options_.name;
  c.id = string_at(*best, "id");
  c.name = string_at(*best, "Full_Name");
  if (c.name.empty()) {
    const std::string first = string_at(*best, "First_Name");
    const std::string last = string_at(*best, "Last_Name");
    c.name = first.empty() ? last : last.empty() ? first : first + " " + last;
  }
  // Contacts link an account (a lookup object); leads carry a company name.
  if (const auto account = best->find("Account_Name");
      account != best->end() && account->is_object()) {
    c.company = string_at(*account, "name");
  }
  if (c.company.empty()) c.company = string_at(*best, "Company");
  c.updated_at = string_at(*best, "Modified_Time");
  c.kind = module == "Leads" ? "lead" : "contact";
  c.matches = count;
  if (const auto info = doc.find("info"); info != doc.end() && info->is_object()) {
    if (info->value("more_records", false)) c.matches = std::max(c.matches, count + 1);
  }
  c.ambiguous = c.matches > 1;
  if (!options_.app_url.empty()) c.url = options_.app_url + "/tab/" + module + "/" + c.id;
  return c;
}

Step ZohoAdapter::lookup_step(const core::PhoneNumber& number,
                              std::span<const Exchange> so_far) const {
  if (!number.is_e164()) return Step::done();  // extensions, withheld: nothing to search
  std::size_t next = 0;
  for (const std::string module : {"Contacts", "Leads"}) {
    if (next == so_far.size()) return Step::send(search(module, number.value()));
    const core::HttpResponse& answer = so_far[next++].response;
    if (answer.status == 204) continue;  // Zoho's "no match"
    if (!is_2xx(answer.status)) return not_ok(answer, module + " search");
    if (auto contact = parse_search(answer, module)) return Step::done(std::move(contact));
  }
  return Step::done();
}

std::optional<core::HttpRequest> ZohoAdapter::log_call(
    const core::CallRecord& r, const std::optional<Contact>& contact) const {
  if (!r.disposition || r.call_id.empty() || !is_customer_call(r)) return std::nullopt;
  const bool inbound = r.direction != core::Direction::Outbound;
  const std::string customer = inbound ? r.from : r.to;
  const std::string disposition(core::to_string(*r.disposition));
  const char* type = zoho::call_type(*r.disposition, r.direction);

  // Zoho's Calls have no from/to number fields (crm-apis.md §8): they and
  // everything else without a field go into Description as "key: value"
  // lines; the first carries our call_id.
  const std::string from_number =
      !inbound && !r.caller_id_presented.empty() ? r.caller_id_presented : r.from;
  std::string text = "cti_call_id: " + r.call_id + "\n";
  text += "disposition: " + disposition + "\n";
  text += "from: " + from_number + "\n";
  text += "to: " + r.to + "\n";
  if (!r.queue.empty()) text += "queue: " + r.queue + "\n";
  if (r.wait_s > 0) text += "wait_s: " + seconds_text(r.wait_s) + "\n";
  text += "ring_s: " + seconds_text(r.ring_s) + "\n";
  text += "talk_s: " + seconds_text(r.talk_s) + "\n";
  if (r.answered_at) text += "answered_at: " + core::format_rfc3339_ms(*r.answered_at) + "\n";
  if (r.ended_at) text += "ended_at: " + core::format_rfc3339_ms(*r.ended_at) + "\n";
  if (!r.agent.empty()) text += "agent: " + r.agent + "\n";
  if (!r.did.empty()) text += "did: " + r.did + "\n";
  if (*r.disposition == core::Disposition::Voicemail)
    text += inbound ? "voicemail: caller left a voicemail\n" : "voicemail: we left a voicemail\n";
  if (contact && contact->ambiguous)
    text += "contact_matches: " + std::to_string(contact->matches) + "\n";

  json call = {
      {"Subject", std::string(inbound ? "Inbound call from " : "Outbound call to ") + customer},
      {"Call_Type", type},
      {"Call_Start_Time", zoho::start_time(r.started_at)},
      {"Description", text},
  };
  // Mandatory for completed calls; a Missed call has no duration in Zoho.
  if (std::string_view(type) != "Missed") call["Call_Duration"] = zoho::call_duration(r.talk_s);
  if (const auto it = options_.call_results.find(disposition); it != options_.call_results.end())
    call["Call_Result"] = it->second;
  if (contact && !contact->id.empty()) {
    if (contact->kind == "lead") {
      call["What_Id"] = {{"id", contact->id}};
      call["$se_module"] = "Leads";
    } else {
      call["Who_Id"] = {{"id", contact->id}};
    }
  }
  if (const auto owner = crm_user_of(options_.users, r.agent)) call["Owner"] = {{"id", *owner}};
  if (!options_.call_id_field.empty()) call[options_.call_id_field] = r.call_id;

  // No "trigger" key: the org's workflow rules run on our calls as on calls
  // logged by hand (decisions.md).
  const json doc = {{"data", json::array({std::move(call)})}};
  core::HttpRequest req = request("POST", "/crm/v8/Calls");
  req.body = doc.dump();
  req.idempotency_key = log_idempotency_key(r.call_id);
  return req;
}

core::HttpRequest ZohoAdapter::find_logged_call(const std::string& call_id) const {
  std::vector<std::pair<std::string, std::string>> params;
  if (!options_.call_id_field.empty()) {
    params.emplace_back("criteria",
                        "(" + options_.call_id_field + ":equals:" + criteria_value(call_id) + ")");
  } else {
    params.emplace_back("word", call_id);
  }
  params.emplace_back("per_page", "10");
  return request("GET", "/crm/v8/Calls/search" + query_string(params));
}

bool ZohoAdapter::holds_logged_call(const core::HttpResponse& answer,
                                    const std::string& call_id) const {
  const json doc = json::parse(answer.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) return false;
  const std::string line = "cti_call_id: " + call_id + "\n";
  for (const json& r : doc["data"]) {
    if (!r.is_object()) continue;
    // A word search matches words, not our line: confirm before skipping.
    if (!options_.call_id_field.empty() && string_at(r, options_.call_id_field.c_str()) == call_id)
      return true;
    if (string_at(r, "Description").starts_with(line)) return true;
  }
  return false;
}

Step ZohoAdapter::log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                           int attempt) const {
  std::size_t skip = 0;
  if (attempt > 1) {
    // A retry may follow an attempt whose insert reached Zoho but whose answer
    // was lost: search for the call first.
    if (so_far.empty()) return Step::send(find_logged_call(record.call_id));
    const core::HttpResponse& found = so_far.front().response;
    if (found.status != 204 && !is_2xx(found.status))
      return not_ok(found, "search for an already logged call");
    if (is_2xx(found.status) && holds_logged_call(found, record.call_id))
      return Step::done(std::nullopt, "already logged by an earlier attempt");
    skip = 1;
  }
  const auto rest = so_far.subspan(skip);
  Step step = CrmAdapter::log_step(record, rest, attempt);
  if (rest.empty()) return step;
  const core::HttpResponse& last = rest.back().response;
  if (step.is(Step::Kind::Retry)) step.retry_after = zoho_retry_hint(last);
  // The call log answered 2xx: Zoho reports a refused record inside the body.
  if (step.is(Step::Kind::Done) && rest.back().request.method == "POST") {
    const json doc = json::parse(last.body, nullptr, false);
    if (doc.is_object() && doc.contains("data") && doc["data"].is_array() && !doc["data"].empty() &&
        doc["data"][0].is_object() && string_at(doc["data"][0], "status") == "error") {
      return Step::fail("call log: " + describe_answer(last));
    }
  }
  return step;
}

const char* ZohoAdapter::create_module() const {
  return options_.create_as == "contact" ? "Contacts" : "Leads";
}

std::optional<core::HttpRequest> ZohoAdapter::create_contact(const ContactToCreate& wanted) const {
  const core::PhoneNumber& number = wanted.number;
  if (!options_.create_unknown_contacts || !number.is_e164()) return std::nullopt;
  // Last_Name is mandatory in both modules; all we know is the number
  // (decisions.md). No "trigger": the org's workflow rules run as for a
  // record entered by hand.
  json record = {{"Last_Name", number.value()}, {"Phone", number.value()}};
  // The agent who asked owns it (Zoho's default: the token's user).
  if (const auto owner = crm_user_of(options_.users, wanted.agent))
    record["Owner"] = {{"id", *owner}};
  core::HttpRequest req = request("POST", std::string("/crm/v8/") + create_module());
  req.body = json{{"data", json::array({record})}}.dump();
  req.idempotency_key = contact_idempotency_key(options_.name, number);
  return req;
}

std::optional<Contact> ZohoAdapter::parse_created(const core::HttpResponse& response) const {
  const json doc = json::parse(response.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array() || doc["data"].empty())
    return std::nullopt;
  const json& record = doc["data"][0];
  if (!record.is_object() || string_at(record, "status") != "success") return std::nullopt;
  const auto details = record.find("details");
  if (details == record.end() || !details->is_object()) return std::nullopt;
  Contact c;
  c.crm = options_.name;
  c.id = string_at(*details, "id");
  if (c.id.empty()) return std::nullopt;
  const std::string module = create_module();
  c.kind = module == "Leads" ? "lead" : "contact";
  c.matches = 1;
  if (!options_.app_url.empty()) c.url = options_.app_url + "/tab/" + module + "/" + c.id;
  return c;
}

Step ZohoAdapter::create_step(const ContactToCreate& wanted,
                              std::span<const Exchange> so_far) const {
  if (so_far.empty()) return CrmAdapter::create_step(wanted, so_far);
  const core::PhoneNumber& number = wanted.number;
  const std::string what = "create " + options_.create_as;  // "lead" | "contact"
  const core::HttpResponse& answer = so_far.back().response;
  const std::string refused = record_error(answer);
  if (!is_2xx(answer.status) && (is_retryable(answer.status) || refused.empty()))
    return not_ok(answer, what);
  // Zoho reports a refused record inside the body, with a 2xx or a 4xx.
  if (!refused.empty()) return Step::fail(what + ": Zoho refused it: " + refused);
  auto created = parse_created(answer);
  if (!created) return Step::fail(what + ": the answer names no id");
  created->name = number.value();  // what create_contact sent as Last_Name
  return Step::done(std::move(created));
}

}  // namespace cti::adapters
