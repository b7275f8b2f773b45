#include "adapters/salesforce/salesforce_adapter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/common/answers.h"
#include "adapters/common/crm_users.h"
#include "adapters/common/numbers.h"
#include "adapters/common/url_query.h"
#include "adapters/salesforce/salesforce_query.h"
#include "connector/core/time.h"

namespace cti::adapters {
namespace salesforce {

const char* call_type(core::Direction direction) {
  switch (direction) {
    case core::Direction::Inbound:
      return "Inbound";
    case core::Direction::Outbound:
      return "Outbound";
    case core::Direction::Internal:
      return "Internal";
  }
  return "Inbound";
}

// crm-apis.md §9: CallDisposition is free text ("Call Result"), so it carries
// our own disposition; who left a voicemail is in the Description.
const char* call_disposition(core::Disposition disposition) {
  using D = core::Disposition;
  switch (disposition) {
    case D::Answered:
      return "Answered";
    case D::Missed:
      return "Missed";
    case D::Busy:
      return "Busy";
    case D::Failed:
      return "Failed";
    case D::Abandoned:
      return "Abandoned";
    case D::Voicemail:
      return "Voicemail";
  }
  return "Answered";
}

std::vector<std::string> error_codes(const core::HttpResponse& response) {
  std::vector<std::string> codes;
  const auto doc = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return codes;
  for (const auto& error : doc) {
    if (!error.is_object()) continue;
    const auto it = error.find("errorCode");
    if (it != error.end() && it->is_string()) codes.push_back(it->get<std::string>());
  }
  return codes;
}

std::string error_text(const core::HttpResponse& response) {
  const auto doc = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json* errors = &doc;
  if (doc.is_object()) {
    const auto it = doc.find("errors");
    if (it == doc.end()) return {};
    errors = &*it;
  }
  if (!errors->is_array()) return {};
  std::string text;
  for (const auto& error : *errors) {
    if (!error.is_object()) continue;
    // REST error bodies say errorCode, the errors of a save result statusCode.
    std::string code;
    for (const char* key : {"errorCode", "statusCode"}) {
      const auto it = error.find(key);
      if (code.empty() && it != error.end() && it->is_string()) code = it->get<std::string>();
    }
    const auto message = error.find("message");
    std::string one = code;
    if (message != error.end() && message->is_string())
      one += (one.empty() ? "" : ": ") + message->get<std::string>();
    if (!one.empty()) text += (text.empty() ? "" : "; ") + one;
  }
  return text;
}

}  // namespace salesforce

namespace {

using nlohmann::json;

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

// ActivityDate is a date without a time or zone; we use the UTC day the
// call started (no tenant time zone is configured yet).
std::string utc_date(core::Timestamp t) { return core::format_rfc3339_ms(t).substr(0, 10); }

std::string text_field(const json& record, const char* key) {
  const auto it = record.find(key);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The record's sObject type from its "attributes".
std::string sobject_type(const json& record) {
  const auto attrs = record.find("attributes");
  if (attrs == record.end() || !attrs->is_object()) return {};
  return text_field(*attrs, "type");
}

// Contact: Account.Name (the relationship is null without an account);
// Lead: Company.
std::string company_of(const json& record, const std::string& type) {
  if (type == "Lead") return text_field(record, "Company");
  const auto account = record.find("Account");
  if (account == record.end() || !account->is_object()) return {};
  return text_field(*account, "Name");
}

bool has(const std::vector<std::string>& codes, std::string_view code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// Salesforce's answers that are worth a retry although their status says
// "client error" (crm-apis.md §3); nullopt = read the answer the usual way.
std::optional<Step> salesforce_retry(const core::HttpResponse& answer, std::string_view what,
                                     std::chrono::seconds rate_limit_wait) {
  if (answer.status != 401 && answer.status != 403) return std::nullopt;
  const auto codes = salesforce::error_codes(answer);
  if (answer.status == 403 && has(codes, "REQUEST_LIMIT_EXCEEDED")) {
    // The org's rolling 24-hour allocation (or its concurrent long-request
    // limit) is used up; it carries no hint of when capacity returns.
    const auto hint = retry_hint(answer);
    return Step::retry(std::string(what) + ": Salesforce API request limit exceeded (" +
                           describe_answer(answer) + ")",
                       hint.count() > 0 ? hint : rate_limit_wait);
  }
  if (answer.status == 401 && has(codes, "INVALID_SESSION_ID")) {
    // The access token expired or was revoked. With "oauth" the runner has
    // already refreshed it; without, the job waits for a new token.
    return Step::retry(std::string(what) +
                       ": Salesforce rejected the access token (INVALID_SESSION_ID: expired or "
                       "revoked); configure \"oauth\" to refresh it, or a new token");
  }
  return std::nullopt;
}

}  // namespace

SalesforceAdapter::SalesforceAdapter(SalesforceOptions options) : options_(std::move(options)) {
  options_.base_url = trim_slash(options_.base_url);
  options_.app_url = trim_slash(options_.app_url.empty() ? options_.base_url : options_.app_url);
  if (options_.oauth) {
    options_.oauth->scheme = "Bearer";
    oauth_ = std::make_shared<OAuthSession>(*options_.oauth, options_.token);
  }
}

bool SalesforceAdapter::token_rejected(const core::HttpResponse& response) const {
  return response.status == 401 && has(salesforce::error_codes(response), "INVALID_SESSION_ID");
}

std::string SalesforceAdapter::data_path(const std::string& rest) const {
  return "/services/data/v" + options_.api_version + "/" + rest;
}

core::HttpRequest SalesforceAdapter::request(std::string method, const std::string& path) const {
  core::HttpRequest req;
  req.method = std::move(method);
  req.url = options_.base_url + path;
  if (!oauth_) req.headers.emplace_back("Authorization", "Bearer " + options_.token);
  return req;
}

std::string SalesforceAdapter::log_idempotency_key(const std::string& call_id) const {
  return options_.name + ":" + call_id + ":call";
}

std::optional<core::HttpRequest> SalesforceAdapter::lookup(const core::PhoneNumber& number) const {
  if (!number.is_e164()) return std::nullopt;  // extensions, withheld: nothing to search
  // Phone fields hold whatever users typed: search the E.164 form and the
  // national digits, each as a quoted phrase with reserved characters
  // escaped (the "+" of E.164 is one).
  std::string terms = "\"" + salesforce::escape_sosl(number.value()) + "\"";
  if (const std::string national = national_digits(number.value(), options_.default_region);
      !national.empty() && national != number.value()) {
    terms += " OR \"" + salesforce::escape_sosl(national) + "\"";
  }
  const std::string sosl = "FIND {" + terms +
                           "} IN PHONE FIELDS RETURNING Contact(Id, Name, Account.Name, "
                           "LastModifiedDate), Lead(Id, Name, Company, LastModifiedDate)";
  core::HttpRequest req = request("GET", data_path("search/?q=" + salesforce::url_encode(sosl)));
  req.content_type.clear();  // a GET has no body
  return req;
}

std::optional<Contact> SalesforceAdapter::parse_lookup(const core::HttpResponse& response) const {
  if (response.status != 200) return std::nullopt;
  const json doc = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  // {"searchRecords": [...]}; API versions before 37.0 answered a bare array.
  const json* records = nullptr;
  if (doc.is_array()) {
    records = &doc;
  } else if (doc.is_object()) {
    const auto it = doc.find("searchRecords");
    if (it != doc.end() && it->is_array()) records = &*it;
  }
  if (!records) return std::nullopt;
  const json* best = nullptr;
  std::string best_type;
  std::optional<core::Timestamp> best_at;
  int count = 0;
  for (const json& r : *records) {
    if (!r.is_object()) continue;
    const std::string type = sobject_type(r);
    if ((type != "Contact" && type != "Lead") || text_field(r, "Id").empty()) continue;
    ++count;
    // "2026-11-01T10:00:00.000+0000": parse_rfc3339 takes the colon-less offset.
    const auto at = core::parse_rfc3339(text_field(r, "LastModifiedDate"));
    // Most recently modified wins; on a tie or without dates, the server's order.
    if (!best || (at && (!best_at || *at > *best_at))) {
      best = &r;
      best_type = type;
      best_at = at;
    }
  }
  if (!best) return std::nullopt;
  Contact c;
  c.crm = options_.name;
  c.id = text_field(*best, "Id");
  c.name = text_field(*best, "Name");
  c.company = company_of(*best, best_type);
  c.updated_at = text_field(*best, "LastModifiedDate");
  c.kind = best_type == "Lead" ? "lead" : "contact";
  c.matches = count;
  c.ambiguous = count > 1;
  c.url = options_.app_url + "/lightning/r/" + best_type + "/" + c.id + "/view";
  return c;
}

Step SalesforceAdapter::lookup_step(const core::PhoneNumber& number,
                                    std::span<const Exchange> so_far) const {
  if (!so_far.empty()) {
    if (auto retry = salesforce_retry(so_far.back().response, "lookup", options_.rate_limit_wait))
      return *retry;
  }
  return CrmAdapter::lookup_step(number, so_far);
}

std::optional<core::HttpRequest> SalesforceAdapter::log_call(
    const core::CallRecord& r, const std::optional<Contact>& contact) const {
  // Only ended customer calls.
  if (!r.disposition || r.call_id.empty() || !is_customer_call(r)) return std::nullopt;
  const bool inbound = r.direction != core::Direction::Outbound;
  // Outbound `from` is the agent's extension; the customer saw the
  // presented caller id.
  const std::string from =
      !inbound && !r.caller_id_presented.empty() ? r.caller_id_presented : r.from;

  // Task has no from/to, time or queue fields (crm-apis.md §8): they go into
  // the Description as "key: value" lines, the first carrying our call_id.
  std::string body = "cti_call_id: " + r.call_id + "\n";
  body += "from: " + from + "\n";
  body += "to: " + r.to + "\n";
  body += "disposition: " + std::string(core::to_string(*r.disposition)) + "\n";
  if (!r.queue.empty()) body += "queue: " + r.queue + "\n";
  if (r.wait_s > 0) body += "wait_s: " + seconds_text(r.wait_s) + "\n";
  body += "ring_s: " + seconds_text(r.ring_s) + "\n";
  body += "talk_s: " + seconds_text(r.talk_s) + "\n";
  body += "started_at: " + core::format_rfc3339_ms(r.started_at) + "\n";
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
  json task = {
      {"Subject", std::string(inbound ? "Inbound call from " : "Outbound call to ") + other},
      {"TaskSubtype", "Call"},
      {"Status", "Completed"},
      {"CallType", salesforce::call_type(r.direction)},
      {"CallDurationInSeconds", r.talk_s > 0 ? std::llround(r.talk_s) : 0LL},
      {"CallDisposition", salesforce::call_disposition(*r.disposition)},
      {"CallObject", r.call_id},
      {"ActivityDate", utc_date(r.started_at)},
      {"Description", body},
  };
  if (contact && !contact->id.empty()) task["WhoId"] = contact->id;
  if (const auto owner = crm_user_of(options_.users, r.agent)) task["OwnerId"] = *owner;
  core::HttpRequest req = request("POST", data_path("sobjects/Task"));
  req.body = task.dump();
  req.idempotency_key = log_idempotency_key(r.call_id);
  return req;
}

core::HttpRequest SalesforceAdapter::find_logged_call(const std::string& call_id) const {
  const std::string soql =
      "SELECT Id FROM Task WHERE CallObject = '" + salesforce::escape_soql(call_id) + "'";
  core::HttpRequest req = request("GET", data_path("query/?q=" + salesforce::url_encode(soql)));
  req.content_type.clear();
  return req;
}

// A retry may follow an attempt whose Task reached Salesforce but whose
// answer was lost: ask for a Task with our call_id first.
Step SalesforceAdapter::log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                                 int attempt) const {
  if (!record.disposition) return Step::fail("the call has not ended");
  std::size_t used = 0;
  if (attempt > 1) {
    if (so_far.empty()) return Step::send(find_logged_call(record.call_id));
    const core::HttpResponse& found = so_far.front().response;
    const char* what = "search for an already logged call";
    if (auto retry = salesforce_retry(found, what, options_.rate_limit_wait)) return *retry;
    if (found.status < 200 || found.status >= 300) return classify_answer(found, what);
    const auto doc = json::parse(found.body, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) return Step::fail(std::string(what) + ": unreadable answer");
    if (doc.value("totalSize", 0) > 0)
      return Step::done(std::nullopt, "already logged by an earlier attempt");
    used = 1;
  }
  const auto rest = so_far.subspan(used);
  Step step = CrmAdapter::log_step(record, rest, attempt);
  // The default chain reads the Task's answer the generic way (403 = Fail);
  // the lookup's answers already went through lookup_step above.
  if (step.is(Step::Kind::Fail) && !rest.empty()) {
    if (auto retry = salesforce_retry(rest.back().response, "call log", options_.rate_limit_wait))
      return *retry;
  }
  return step;
}

std::string SalesforceAdapter::create_object() const {
  return options_.create_as == "contact" ? "Contact" : "Lead";
}

std::optional<core::HttpRequest> SalesforceAdapter::create_contact(
    const ContactToCreate& wanted) const {
  const core::PhoneNumber& number = wanted.number;
  if (!options_.create_unknown_contacts || !number.is_e164()) return std::nullopt;
  // LastName (both) and Company (Lead) are required; we know only the number,
  // and "[not provided]" is what Salesforce itself fills in (decisions.md).
  json fields = {{"LastName", number.value()}, {"Phone", number.value()}};
  if (create_object() == "Lead") fields["Company"] = "[not provided]";
  // The agent who asked owns it (Salesforce's default: the API user, or a
  // lead assignment rule only when the request asks for one).
  if (const auto owner = crm_user_of(options_.users, wanted.agent)) fields["OwnerId"] = *owner;
  core::HttpRequest req = request("POST", data_path("sobjects/" + create_object()));
  req.body = fields.dump();
  req.idempotency_key = contact_idempotency_key(options_.name, number);
  return req;
}

std::optional<Contact> SalesforceAdapter::parse_created(const core::HttpResponse& response) const {
  const json doc = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || doc.value("success", json()) != json(true)) return std::nullopt;
  Contact c;
  c.crm = options_.name;
  c.id = text_field(doc, "id");
  if (c.id.empty()) return std::nullopt;
  const std::string type = create_object();
  c.kind = type == "Lead" ? "lead" : "contact";
  c.matches = 1;
  c.url = options_.app_url + "/lightning/r/" + type + "/" + c.id + "/view";
  return c;
}

Step SalesforceAdapter::create_step(const ContactToCreate& wanted,
                                    std::span<const Exchange> so_far) const {
  if (so_far.empty()) return CrmAdapter::create_step(wanted, so_far);
  const core::PhoneNumber& number = wanted.number;
  const std::string what = "create " + options_.create_as;  // "lead" | "contact"
  const core::HttpResponse& answer = so_far.back().response;
  if (auto retry = salesforce_retry(answer, what, options_.rate_limit_wait)) return *retry;
  const bool ok = answer.status >= 200 && answer.status < 300;
  if (!ok && is_retryable(answer.status)) return classify_answer(answer, what);
  auto created = ok ? parse_created(answer) : std::nullopt;
  if (!created) {
    // 400 DUPLICATES_DETECTED, REQUIRED_FIELD_MISSING..., or a 2xx whose
    // success is false: Salesforce's own words, not the raw body.
    const std::string why = salesforce::error_text(answer);
    if (!why.empty()) return Step::fail(what + ": Salesforce refused it: " + why);
    if (!ok) return classify_answer(answer, what);
    return Step::fail(what + ": the answer names no id");
  }
  created->name = number.value();  // what create_contact sent as LastName
  return Step::done(std::move(created));
}

}  // namespace cti::adapters
