#pragma once
// The stateful side of click-to-call: gathers what the pure policy gate
// needs (DNC hits, consent, recent calls, month-to-date spend), asks it,
// writes the decision to the audit log (committed before anything is
// dialled), and has the PBX originate the call. Also keeps the company's
// opt-out list and consent records, and charges finished calls.
//
// Thread-safe: the API thread dials and edits lists; the io thread charges
// finished calls. One mutex; the originate round trip runs outside it.
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "connector/api/backend.h"
#include "connector/config/config.h"
#include "connector/pbx/ami/originate.h"
#include "connector/policy/destination_cache.h"
#include "connector/policy/dnc_set.h"
#include "connector/policy/gate.h"
#include "connector/policy/rate_table.h"
#include "connector/policy/velocity.h"
#include "connector/store/store.h"

namespace cti::app {

class Dialer {
 public:
  // Sends the Originate and waits for the PBX's answer; the error text is
  // shown to the user (503) when the PBX cannot take the call.
  using Originate =
      std::function<std::expected<void, std::string>(const pbx::ami::OriginateRequest&)>;

  struct Registry {
    policy::DncList meta;
    policy::DncKind kind = policy::DncKind::Numbers;
    policy::DncSet set;
    std::string file;
  };

  // Loads the rate table and the registry snapshots named in the config,
  // then the opt-outs, consents and this month's spend from the store. An
  // unreadable file is an error naming it (start-up stops).
  static std::expected<std::unique_ptr<Dialer>, std::string> create(const config::Config& config,
                                                                    store::Store& store,
                                                                    const core::Clock& clock,
                                                                    Originate originate);

  Dialer(const config::Config& config, std::unique_ptr<policy::RateTable> rates,
         std::vector<Registry> registries, store::Store& store, const core::Clock& clock,
         Originate originate);

  api::DialOutcome dial(const api::DialCommand& command);
  std::expected<nlohmann::json, api::NumberError> add_dnc(const api::Principal& by,
                                                          const std::string& number,
                                                          const std::string& reason);
  std::expected<bool, api::NumberError> remove_dnc(const api::Principal& by,
                                                   const std::string& number);
  std::expected<nlohmann::json, api::NumberError> add_consent(const api::ConsentCommand& command);
  nlohmann::json list_audit(const api::AuditFilter& filter);

  // A call record that just ended: for an outbound call with talk time and
  // a price, its real cost (added to the month's spend). The store charges
  // a call id once (INSERT OR IGNORE); the tracker ends each call once.
  std::optional<store::SpendRow> charge(const core::CallRecord& record);

  const std::vector<Registry>& registries() const { return registries_; }

 private:
  struct ConsentState {
    std::optional<core::Timestamp> granted, revoked;
    std::string source;
  };
  std::expected<policy::Destination, api::NumberError> number_of(const std::string& raw);
  policy::PolicyState snapshot(const std::string& agent, const policy::Destination& to,
                               core::Timestamp now);  // mu_ held
  void roll_month(core::Timestamp now);               // mu_ held
  bool commit(store::WriteBatch batch);               // waits for the group commit
  std::string new_call_id();

  config::PolicySettings settings_;
  std::map<std::string, std::string, std::less<>> extension_of_;  // agent id -> extension
  std::map<std::string, std::string, std::less<>> agent_of_;      // extension -> agent id
  std::unique_ptr<policy::RateTable> rates_;
  std::vector<Registry> registries_;
  store::Store& store_;
  const core::Clock& clock_;
  Originate originate_;
  policy::DestinationCache destinations_;

  std::mutex mu_;
  std::unordered_map<std::string, store::DncEntry> internal_;  // e164 -> entry
  std::unordered_map<std::string, ConsentState> consents_;     // e164 -> latest grant/revoke
  policy::VelocityCounter velocity_;
  core::Timestamp month_start_{};
  std::unordered_map<std::string, double> agent_spend_;
  double tenant_spend_ = 0;
  // Estimated cost of calls allowed but not yet ended, so a burst of calls
  // cannot overrun the budget before the first one is charged. Released by
  // charge(); forgotten after an hour (a call the PBX never placed).
  struct Reservation {
    std::string agent;
    double cost = 0;
    core::Timestamp at{};
  };
  std::unordered_map<std::string, Reservation> reserved_;  // by call id
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace cti::app
