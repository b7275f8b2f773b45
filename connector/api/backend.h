#pragma once
// What the API needs from the rest of the connector, as an interface so the
// API never depends on the store library. The application implements it over
// the real store, metrics registry and PBX sessions; tests use a fake.
#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/core/call_record.h"
#include "connector/core/time.h"
#include "connector/policy/gate.h"

namespace cti::api {

// One outbound delivery (outbox row or dead letter) as the API shows it.
struct DeliveryView {
  std::int64_t id = 0;
  std::string adapter, call_id, event_id, state, url, last_error;
  std::uint64_t seq = 0;
  int attempts = 0, last_status = 0;
  std::optional<core::Timestamp> created_at, next_attempt_at, delivered_at;
};

// Who made an API request, from the token they presented.
struct Principal {
  std::string name;   // "agent:ana" or "integration:0" (index in api.tokens), for the audit log
  std::string agent;  // an agent token may act only as this agent; empty for integration tokens
};

// Why POST /v1/contacts did not create a contact.
struct ContactError {
  enum class Kind { InvalidNumber, UnknownCrm, CannotCreate, Crm } kind;
  std::string detail;
};

// A configured agent (GET /v1/me, WebSocket sessions).
struct AgentView {
  std::string id, extension, name;
};

// A click-to-call (or its dry run), validated by the API.
struct DialCommand {
  Principal by;
  std::string agent;  // agent id who will talk
  std::string to;     // as typed
  policy::Purpose purpose = policy::Purpose::Commercial;
  nlohmann::json contact;  // optional CRM reference, kept in the audit log
  bool dry_run = false;
};
struct DialOutcome {
  policy::Decision decision;
  std::string call_id;        // set when the PBX accepted the originate
  std::string unavailable;    // allowed, but the PBX could not take it (503)
  std::string unknown_agent;  // set when `agent` is not configured (422)
};

// Numbers in DNC/consent requests are validated by the backend (it knows
// the home region); an invalid one is a 422.
struct NumberError {
  std::string detail;
};

struct ConsentCommand {
  Principal by;
  std::string number;
  bool granted = true;  // false: revoked
  std::string source;
  core::Timestamp at{};
};

struct AuditFilter {
  std::optional<core::Timestamp> since;
  std::string agent, number, action;
  std::optional<bool> allowed;
  std::size_t limit = 100;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // All may be called from the API's thread(s), concurrently when the
  // io_context runs on several threads; implementations may block briefly
  // (SQLite reads). Throwing is allowed: the API answers 500 and carries on.

  // Newest first is not required; the API returns them in the given order.
  virtual std::vector<core::CallRecord> list_calls(std::optional<core::Timestamp> since,
                                                   std::size_t limit) = 0;
  virtual std::optional<core::CallRecord> get_call(const std::string& call_id) = 0;
  // state is one of "dead", "pending", "delivered" (validated by the API).
  virtual std::vector<DeliveryView> list_deliveries(std::string_view state, std::size_t limit) = 0;
  // Error text exactly "not found" (404) or "not dead" (409); anything else is a 500.
  virtual std::expected<void, std::string> replay_delivery(std::int64_t id) = 0;
  virtual std::string metrics_text() = 0;  // Prometheus text exposition format 0.0.4
  // {"status":"ok", "pbx":[{"name","state"}], "store":"ok", ...}
  virtual nlohmann::json health() = 0;

  // --- Click-to-call and the dialing policy. Defaults answer "not
  // available" so backends without a dialer (tests, tools) need nothing.
  virtual bool dialing_enabled() { return false; }
  // The pop-up's "create contact" for an unknown caller: the new contact.
  virtual std::expected<nlohmann::json, ContactError> create_contact(const Principal&,
                                                                     const std::string& /*number*/,
                                                                     const std::string& /*crm*/) {
    return std::unexpected(
        ContactError{ContactError::Kind::CannotCreate, "no CRM is configured to create contacts"});
  }
  // The agent with this id, if configured.
  virtual std::optional<AgentView> find_agent(const std::string& /*id*/) { return std::nullopt; }
  virtual DialOutcome dial(const DialCommand&) { return {}; }
  // The opt-out entry ({"number","added_at","reason","added_by"}).
  virtual std::expected<nlohmann::json, NumberError> add_dnc(const Principal&,
                                                             const std::string& number,
                                                             const std::string& reason) {
    (void)number, (void)reason;
    return std::unexpected(NumberError{"not available"});
  }
  // false: the number was not on the list.
  virtual std::expected<bool, NumberError> remove_dnc(const Principal&, const std::string& number) {
    (void)number;
    return std::unexpected(NumberError{"not available"});
  }
  virtual std::expected<nlohmann::json, NumberError> add_consent(const ConsentCommand&) {
    return std::unexpected(NumberError{"not available"});
  }
  virtual nlohmann::json list_audit(const AuditFilter&) { return nlohmann::json::array(); }
};

}  // namespace cti::api
