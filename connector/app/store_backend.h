#pragma once
// The API's view of the running connector: reads from the store, metrics
// from the registry, PBX session states from atomics the io thread updates.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "connector/api/backend.h"
#include "connector/app/dialer.h"
#include "connector/common/metrics.h"
#include "connector/store/store.h"

namespace cti::app {

struct PbxHealth {
  std::string name;
  std::atomic<int> state{0};  // pbx::ami::SessionState as int
};

class StoreBackend final : public api::Backend {
 public:
  StoreBackend(store::Store& store, common::Registry& metrics,
               std::vector<std::shared_ptr<PbxHealth>> pbx, std::function<void()> on_replay);
  std::vector<core::CallRecord> list_calls(std::optional<core::Timestamp> since,
                                           std::size_t limit) override;
  std::optional<core::CallRecord> get_call(const std::string& call_id) override;
  std::vector<api::DeliveryView> list_deliveries(std::string_view state,
                                                 std::size_t limit) override;
  std::expected<void, std::string> replay_delivery(std::int64_t id) override;
  std::string metrics_text() override;
  nlohmann::json health() override;

  // Click-to-call and the dialing policy: delegated to the dialer (set once
  // before the API starts).
  void set_dialer(Dialer* dialer) { dialer_ = dialer; }
  bool dialing_enabled() override { return dialer_ != nullptr; }
  api::DialOutcome dial(const api::DialCommand& c) override { return dialer_->dial(c); }
  std::expected<nlohmann::json, api::NumberError> add_dnc(const api::Principal& by,
                                                          const std::string& number,
                                                          const std::string& reason) override;
  std::expected<bool, api::NumberError> remove_dnc(const api::Principal& by,
                                                   const std::string& number) override;
  std::expected<nlohmann::json, api::NumberError> add_consent(
      const api::ConsentCommand& c) override;
  nlohmann::json list_audit(const api::AuditFilter& f) override;

  // The unknown caller's "create contact" (set once before the API starts).
  // `agent`: the agent id of an agent token ("" for an integration token).
  using ContactCreator = std::function<std::expected<nlohmann::json, api::ContactError>(
      const std::string& number, const std::string& crm, const std::string& agent)>;
  void set_contact_creator(ContactCreator creator) { contact_creator_ = std::move(creator); }
  std::expected<nlohmann::json, api::ContactError> create_contact(const api::Principal& by,
                                                                  const std::string& number,
                                                                  const std::string& crm) override {
    if (!contact_creator_) return api::Backend::create_contact(by, number, crm);
    return contact_creator_(number, crm, by.agent);
  }

  // The configured agents (set once before the API starts).
  void set_agents(std::vector<api::AgentView> agents) { agents_ = std::move(agents); }
  std::optional<api::AgentView> find_agent(const std::string& id) override {
    for (const auto& a : agents_)
      if (a.id == id) return a;
    return std::nullopt;
  }

 private:
  std::vector<api::AgentView> agents_;
  ContactCreator contact_creator_;
  store::Store& store_;
  common::Registry& metrics_;
  std::vector<std::shared_ptr<PbxHealth>> pbx_;
  std::function<void()> on_replay_;
  Dialer* dialer_ = nullptr;
};

}  // namespace cti::app
