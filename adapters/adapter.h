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
};

// Stable per call, event and adapter, so a retried or re-sent request is
// recognised by the receiver: "<adapter>:<call_id>:<seq>".
std::string idempotency_key(const std::string& adapter, const core::CallEvent& event);

}  // namespace cti::adapters
