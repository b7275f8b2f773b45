#pragma once
// The API's view of the running connector: reads from the store, metrics
// from the registry, PBX session states from atomics the io thread updates.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "connector/api/backend.h"
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

 private:
  store::Store& store_;
  common::Registry& metrics_;
  std::vector<std::shared_ptr<PbxHealth>> pbx_;
  std::function<void()> on_replay_;
};

}  // namespace cti::app
