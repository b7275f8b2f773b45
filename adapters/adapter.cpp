#include "adapters/adapter.h"

#include <nlohmann/json.hpp>

#include "adapters/common/answers.h"
#include "adapters/common/numbers.h"

namespace cti::adapters {

Step Step::send(core::HttpRequest request) {
  Step s;
  s.kind = Kind::Send;
  s.request = std::move(request);
  return s;
}

Step Step::done(std::optional<Contact> contact, std::string note) {
  Step s;
  s.kind = Kind::Done;
  s.contact = std::move(contact);
  s.reason = std::move(note);
  return s;
}

Step Step::retry(std::string reason, std::chrono::seconds after) {
  Step s;
  s.kind = Kind::Retry;
  s.reason = std::move(reason);
  s.retry_after = after;
  return s;
}

Step Step::fail(std::string reason) {
  Step s;
  s.kind = Kind::Fail;
  s.reason = std::move(reason);
  return s;
}

Step CrmAdapter::lookup_step(const core::PhoneNumber& number,
                             std::span<const Exchange> so_far) const {
  if (so_far.empty()) {
    auto request = lookup(number);
    if (!request) return Step::done();  // nothing to search with (extension, withheld)
    return Step::send(std::move(*request));
  }
  const core::HttpResponse& answer = so_far.back().response;
  // 204 (Zoho) and 404 are how some CRMs say "no match".
  if ((answer.status >= 200 && answer.status < 300) || answer.status == 404)
    return Step::done(answer.status == 204 || answer.status == 404 ? std::nullopt
                                                                   : parse_lookup(answer));
  if (is_retryable(answer.status))
    return Step::retry("lookup: " + describe_answer(answer), retry_hint(answer));
  return Step::fail("lookup: " + describe_answer(answer));
}

Step CrmAdapter::log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                          int /*attempt*/) const {
  if (!record.disposition) return Step::fail("the call has not ended");
  // Phase 1: the lookup, as many exchanges as it takes.
  std::optional<Contact> contact;
  std::size_t used = 0;
  const core::PhoneNumber number = customer_number(record);
  for (;;) {
    Step step = lookup_step(number, so_far.first(used));
    if (step.is(Step::Kind::Send)) {
      if (used == so_far.size()) return step;
      ++used;
      continue;
    }
    if (!step.is(Step::Kind::Done)) return step;  // retry or fail the whole job
    contact = std::move(step.contact);
    break;
  }
  // Phase 2: the call log itself.
  const auto rest = so_far.subspan(used);
  if (rest.empty()) {
    auto request = log_call(record, contact);
    if (!request) return Step::done(std::nullopt, "nothing to log for this call");
    return Step::send(std::move(*request));
  }
  Step answer = classify_answer(rest.front().response, "call log");
  if (answer.is(Step::Kind::Done)) answer.contact = std::move(contact);
  return answer;
}

std::optional<Contact> CrmAdapter::parse_created(const core::HttpResponse& response) const {
  const auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("id")) return std::nullopt;
  Contact c;
  c.crm = name();
  c.matches = 1;
  const auto& id = doc["id"];
  if (id.is_string())
    c.id = id.get<std::string>();
  else if (id.is_number_integer())
    c.id = std::to_string(id.get<long long>());
  else
    return std::nullopt;
  return c;
}

Step CrmAdapter::create_step(const ContactToCreate& wanted,
                             std::span<const Exchange> so_far) const {
  if (so_far.empty()) {
    auto request = creates_contacts() ? create_contact(wanted) : std::nullopt;
    if (!request) return Step::fail("this CRM is not configured to create contacts");
    return Step::send(std::move(*request));
  }
  Step answer = classify_answer(so_far.back().response, "create contact");
  if (!answer.is(Step::Kind::Done)) return answer;
  auto created = parse_created(so_far.back().response);
  if (!created) return Step::fail("create contact: the answer names no id");
  return Step::done(std::move(created));
}

std::string contact_idempotency_key(const std::string& adapter, const core::PhoneNumber& number) {
  return adapter + ":contact:" + number.value();
}

}  // namespace cti::adapters
