#include "adapters/template/template_adapter.h"

#include <algorithm>

#include "adapters/common/answers.h"
#include "adapters/common/crm_users.h"
#include "adapters/common/numbers.h"
#include "adapters/template/template_answer.h"
#include "adapters/template/template_filters.h"
#include "connector/core/time.h"

namespace cti::adapters {
namespace {

using nlohmann::json;
using tmpl::Values;

std::string time_value(const std::optional<core::Timestamp>& t) {
  return t ? core::format_rfc3339_ms(*t) : std::string{};
}

json parse_body(const core::HttpResponse& response) {
  return json::parse(response.body, nullptr, /*allow_exceptions=*/false);
}

// Long strings cut short. Odoo's JSON-RPC errors carry the server's whole
// traceback ("debug", kilobytes) beside its name and message: whole, it would
// push those past the cut below and leave only the traceback's first line.
json shortened(const json& v) {
  constexpr std::size_t kMax = 80;
  if (v.is_string() && v.get_ref<const std::string&>().size() > kMax)
    return v.get_ref<const std::string&>().substr(0, kMax) + "...";
  if (!v.is_structured()) return v;
  json out = v;
  for (json& item : out) item = shortened(item);
  return out;
}

// A 2xx answer that still says "error" where the config says errors are
// (JSON-RPC answers 200 with {"error": ...}).
std::optional<std::string> error_in(const json& doc, const std::string& pointer,
                                    std::string_view what) {
  if (pointer.empty()) return std::nullopt;
  const json* e = tmpl::at(doc, pointer);
  if (!e || e->is_null() || (e->is_boolean() && !e->get<bool>())) return std::nullopt;
  return std::string(what) + ": the CRM answered with an error at " + pointer + ": " +
         shortened(*e).dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 400);
}

// A non-2xx answer: Retry (with the CRM's hint) or Fail.
Step stop_on(const core::HttpResponse& response, std::string_view what) {
  Step s = classify_answer(response, what);
  return s.is(Step::Kind::Done) ? Step::fail(std::string(what) + ": unexpected answer") : s;
}

bool is_2xx(int status) { return status >= 200 && status < 300; }

}  // namespace

TemplateAdapter::TemplateAdapter(TemplateOptions options) : options_(std::move(options)) {
  while (options_.base_url.ends_with('/')) options_.base_url.pop_back();
}

Values TemplateAdapter::values(const core::PhoneNumber* number, const core::CallRecord* r,
                               const Contact* contact) const {
  Values v;
  v["crm.name"] = options_.name;
  v["crm.base_url"] = options_.base_url;
  v["crm.token"] = options_.token;
  for (const auto& [key, value] : options_.vars) v["vars." + key] = value;
  if (number) {
    v["number.raw"] = number->raw();
    if (number->is_e164()) {
      v["number.e164"] = number->value();
      v["number.digits"] = number->value().substr(1);
      v["number.national"] = national_digits(number->value(), options_.default_region);
    }
  }
  if (r) {
    v["call.call_id"] = r->call_id;
    v["call.direction"] = std::string(core::to_string(r->direction));
    v["call.from"] = r->from;
    v["call.to"] = r->to;
    v["call.did"] = r->did;
    v["call.caller_id_presented"] = r->caller_id_presented;
    v["call.agent"] = r->agent;
    v["call.queue"] = r->queue;
    v["call.pbx"] = r->pbx;
    v["call.started_at"] = core::format_rfc3339_ms(r->started_at);
    v["call.answered_at"] = time_value(r->answered_at);
    v["call.ended_at"] = time_value(r->ended_at);
    v["call.ring_s"] = tmpl::number_text(r->ring_s);
    v["call.talk_s"] = tmpl::number_text(r->talk_s);
    v["call.wait_s"] = tmpl::number_text(r->wait_s);
    v["call.duration_s"] = tmpl::number_text(r->ring_s + r->talk_s);
    if (r->disposition) {
      const std::string d(core::to_string(*r->disposition));
      v["call.disposition"] = d;
      v["call.outcome"] = d + "." + std::string(core::to_string(r->direction));
    }
    v["agent.id"] = r->agent;
    if (const auto it = options_.users.find(r->agent); it != options_.users.end())
      v["agent.crm_user"] = it->second;
  }
  if (contact) {
    v["contact.id"] = contact->id;
    v["contact.name"] = contact->name;
    v["contact.company"] = contact->company;
    v["contact.kind"] = contact->kind;
    v["contact.url"] = contact->url;
  }
  return v;
}

core::HttpRequest TemplateAdapter::render(const tmpl::RequestTemplate& request,
                                          const Values& values) const {
  return tmpl::render_request(request, options_.headers, values, options_.maps);
}

// --- lookup ---

// Lookups and find_logged only read, whatever their method (Odoo's JSON-RPC
// searches are POSTs).
core::HttpRequest TemplateAdapter::render_search(const tmpl::RequestTemplate& request,
                                                 const Values& values) const {
  core::HttpRequest req = render(request, values);
  req.read_only = true;
  return req;
}

std::optional<core::HttpRequest> TemplateAdapter::lookup(const core::PhoneNumber& number) const {
  if (options_.lookups.empty() || !number.is_e164()) return std::nullopt;
  return render_search(options_.lookups.front().request, values(&number, nullptr, nullptr));
}

std::optional<Contact> TemplateAdapter::parse_lookup(const core::HttpResponse& response) const {
  if (options_.lookups.empty()) return std::nullopt;
  return read_lookup(options_.lookups.front(), response);
}

std::optional<Contact> TemplateAdapter::read_lookup(const tmpl::LookupTemplate& l,
                                                    const core::HttpResponse& response) const {
  if (!is_2xx(response.status) || response.status == 204) return std::nullopt;
  const json doc = parse_body(response);
  const json* list = tmpl::at(doc, l.results);
  if (!list) return std::nullopt;
  std::vector<const json*> results;
  if (list->is_array()) {
    for (const json& r : *list) results.push_back(&r);
  } else if (list->is_object()) {
    results.push_back(list);
  }
  const json* best = nullptr;
  std::optional<core::Timestamp> best_at;
  int count = 0;
  for (const json* r : results) {
    if (!tmpl::text_at(*r, l.id)) continue;  // a result without an id is no contact
    ++count;
    const auto updated = l.updated_at.empty() ? std::nullopt : tmpl::text_at(*r, l.updated_at);
    const auto at = updated ? tmpl::parse_crm_time(*updated) : std::nullopt;
    // Most recently updated wins; on a tie or without dates, the CRM's order.
    if (!best || (at && (!best_at || *at > *best_at))) {
      best = r;
      best_at = at;
    }
  }
  if (!best) return std::nullopt;
  Contact c;
  c.crm = options_.name;
  c.kind = l.kind;
  c.id = *tmpl::text_at(*best, l.id);
  for (const std::string& p : l.name) {
    if (auto part = tmpl::text_at(*best, p)) c.name += (c.name.empty() ? "" : " ") + *part;
  }
  if (!l.company.empty()) c.company = tmpl::text_at(*best, l.company).value_or("");
  if (!l.updated_at.empty()) c.updated_at = tmpl::text_at(*best, l.updated_at).value_or("");
  c.matches = count;
  if (!l.total.empty()) {
    if (const json* t = tmpl::at(doc, l.total); t && t->is_number_integer())
      c.matches = std::max(count, t->get<int>());
  }
  c.ambiguous = c.matches > 1;
  if (l.url) c.url = tmpl::render(*l.url, values(nullptr, nullptr, &c), options_.maps);
  return c;
}

Step TemplateAdapter::lookup_step(const core::PhoneNumber& number,
                                  std::span<const Exchange> so_far) const {
  if (!number.is_e164()) return Step::done();  // extension, withheld: nothing to search
  const auto& lookups = options_.lookups;
  const std::size_t next = so_far.size();
  if (next > 0) {
    const tmpl::LookupTemplate& l = lookups[std::min(next, lookups.size()) - 1];
    const core::HttpResponse& answer = so_far.back().response;
    const bool no_match =
        answer.status == 204 || std::find(l.no_match_status.begin(), l.no_match_status.end(),
                                          answer.status) != l.no_match_status.end();
    if (!no_match) {
      if (!is_2xx(answer.status)) return stop_on(answer, "lookup");
      if (auto e = error_in(parse_body(answer), l.error, "lookup")) return Step::fail(*e);
      if (auto contact = read_lookup(l, answer)) return Step::done(std::move(contact));
    }
  }
  if (next >= lookups.size()) return Step::done();  // every lookup said "no match"
  return Step::send(render_search(lookups[next].request, values(&number, nullptr, nullptr)));
}

// --- unknown caller ---

std::optional<Contact> TemplateAdapter::parse_created(const core::HttpResponse& response) const {
  if (!options_.create_contact) return std::nullopt;
  const auto& c = *options_.create_contact;
  const json doc = parse_body(response);
  if (error_in(doc, c.error, "create contact")) return std::nullopt;
  const auto id = tmpl::text_at(doc, c.id);
  if (!id) return std::nullopt;
  Contact created;
  created.crm = options_.name;
  created.id = *id;
  created.kind = c.kind;
  created.matches = 1;
  return created;
}

std::optional<core::HttpRequest> TemplateAdapter::create_contact(
    const ContactToCreate& wanted) const {
  const core::PhoneNumber& number = wanted.number;
  if (!options_.create_contact || !options_.create_unknown_contacts || !number.is_e164())
    return std::nullopt;
  tmpl::Values v = values(&number, nullptr, nullptr);
  // The agent who asked: {{agent.crm_user}} makes them the owner, as in the
  // log chain's create.
  if (!wanted.agent.empty()) {
    v["agent.id"] = wanted.agent;
    if (const auto it = options_.users.find(wanted.agent); it != options_.users.end())
      v["agent.crm_user"] = it->second;
  }
  core::HttpRequest req = render(options_.create_contact->request, v);
  req.idempotency_key = contact_idempotency_key(options_.name, number);
  return req;
}

// --- call log ---

std::optional<core::HttpRequest> TemplateAdapter::log_call(
    const core::CallRecord& record, const std::optional<Contact>& contact) const {
  if (!options_.log || !record.disposition || record.call_id.empty() || !is_customer_call(record))
    return std::nullopt;
  const core::PhoneNumber number = customer_number(record);
  core::HttpRequest req =
      render(options_.log->request, values(&number, &record, contact ? &*contact : nullptr));
  req.idempotency_key = options_.name + ":" + record.call_id + ":call";
  return req;
}

Step TemplateAdapter::log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                               int attempt) const {
  if (!record.disposition) return Step::fail("the call has not ended");
  if (!options_.log || record.call_id.empty() || !is_customer_call(record))
    return Step::done(std::nullopt, "nothing to log for this call");
  const core::PhoneNumber number = customer_number(record);
  auto rest = so_far;

  // 0. Retries: an earlier attempt may have logged the call and lost the answer.
  if (attempt > 1 && options_.find_logged) {
    const auto& f = *options_.find_logged;
    if (rest.empty())
      return Step::send(render_search(f.request, values(&number, &record, nullptr)));
    const core::HttpResponse& answer = rest.front().response;
    if (!is_2xx(answer.status)) return stop_on(answer, "search for an already logged call");
    const json doc = parse_body(answer);
    if (auto e = error_in(doc, f.error, "search for an already logged call")) return Step::fail(*e);
    if (tmpl::truthy_at(doc, f.found))
      return Step::done(std::nullopt, "already logged by an earlier attempt");
    rest = rest.subspan(1);
  }

  // 1. The lookup, as many exchanges as it takes.
  std::optional<Contact> contact;
  std::size_t used = 0;
  for (;;) {
    Step step = lookup_step(number, rest.first(used));
    if (step.is(Step::Kind::Send)) {
      if (used == rest.size()) return step;
      ++used;
      continue;
    }
    if (!step.is(Step::Kind::Done)) return step;
    contact = std::move(step.contact);
    break;
  }
  rest = rest.subspan(used);

  const bool agent_mapped = crm_user_of(options_.users, record.agent).has_value();
  tmpl::Facts facts{contact.has_value(), &record, agent_mapped};

  // 2. The unknown caller's contact, when configured and its condition holds.
  if (options_.create_contact && options_.create_unknown_contacts && number.is_e164() &&
      tmpl::all_hold(options_.create_contact->request.when, facts)) {
    const auto& c = *options_.create_contact;
    if (rest.empty()) {
      core::HttpRequest req = render(c.request, values(&number, &record, nullptr));
      req.idempotency_key = contact_idempotency_key(options_.name, number);
      return Step::send(std::move(req));
    }
    const core::HttpResponse& answer = rest.front().response;
    if (!is_2xx(answer.status)) return stop_on(answer, "create contact");
    const json doc = parse_body(answer);
    if (auto e = error_in(doc, c.error, "create contact")) return Step::fail(*e);
    const auto id = tmpl::text_at(doc, c.id);
    // Logging without the contact we just made would hide the call from it.
    if (!id) return Step::fail("create contact: no id at " + c.id + " in the answer");
    Contact created;
    created.crm = options_.name;
    created.id = *id;
    created.kind = c.kind;
    created.matches = 1;
    contact = std::move(created);
    facts.contact_found = true;
    rest = rest.subspan(1);
  }

  // 3. The call log.
  const auto& log = *options_.log;
  if (!tmpl::all_hold(log.request.when, facts))
    return Step::done(std::move(contact), "call log skipped: its \"when\" does not hold");
  if (rest.empty()) return Step::send(*log_call(record, contact));
  const core::HttpResponse& answer = rest.front().response;
  if (!is_2xx(answer.status)) return stop_on(answer, "call log");
  if (auto e = error_in(parse_body(answer), log.error, "call log")) return Step::fail(*e);
  return Step::done(std::move(contact));
}

}  // namespace cti::adapters
