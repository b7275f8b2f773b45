#pragma once
// The CRM adapter interface (DESIGN.md "Adapters"). An adapter translates:
// call events and records in, HTTP requests out; HTTP responses in, contacts
// out. It never opens a socket: the delivery engine sends what it builds.
#include <optional>
#include <string>
#include <vector>

#include "connector/core/call_event.h"
#include "connector/core/http_request.h"
#include "connector/core/phone_number.h"

namespace cti::adapters {

struct Contact {
  std::string crm, id, name, company, url;
  // Several CRM records share the caller's number: `id` is the most recently
  // updated one, `matches` how many matched (so the pop-up can say "2 contacts
  // share this number"); never log the call against all of them.
  bool ambiguous = false;
  int matches = 0;
  std::string updated_at;  // RFC 3339 as the CRM reported it, "" if unknown
};

class CrmAdapter {
 public:
  virtual ~CrmAdapter() = default;
  // The configured name ("hooks", "hs"): part of idempotency keys and metrics.
  virtual const std::string& name() const = 0;
  virtual std::optional<core::HttpRequest> lookup(const core::PhoneNumber&) const {
    return std::nullopt;
  }
  virtual std::optional<Contact> parse_lookup(const core::HttpResponse&) const {
    return std::nullopt;
  }
  virtual std::vector<core::HttpRequest> on_event(const core::CallEvent& event) const = 0;
  virtual std::optional<core::HttpRequest> log_call(const core::CallRecord&) const {
    return std::nullopt;
  }
  // The call log linked to the contact the lookup found (the delivery flow
  // passes the screen-pop's contact). Adapters that cannot link ignore it.
  virtual std::optional<core::HttpRequest> log_call_for_contact(
      const core::CallRecord& record, const std::optional<Contact>& contact) const {
    (void)contact;
    return log_call(record);
  }
};

// Stable per call, event and adapter, so a retried or re-sent request is
// recognised by the receiver: "<adapter>:<call_id>:<seq>".
std::string idempotency_key(const std::string& adapter, const core::CallEvent& event);

}  // namespace cti::adapters
