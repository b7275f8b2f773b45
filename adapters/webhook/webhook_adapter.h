#pragma once
// The generic webhook adapter: every call event becomes one JSON POST
// {id, type, occurred_at, seq, agent?, reason?, call:{...}} to the configured
// URL. The delivery engine signs it (X-Signature) with the adapter's secret.
#include <set>
#include <string>

#include "adapters/adapter.h"

namespace cti::adapters {

struct WebhookOptions {
  std::string name;
  std::string url;
  std::set<std::string> events;  // "call.ended", ...; empty = every event
};

class WebhookAdapter final : public CrmAdapter {
 public:
  explicit WebhookAdapter(WebhookOptions options);
  const std::string& name() const override { return options_.name; }
  std::vector<core::HttpRequest> on_event(const core::CallEvent& event) const override;

 private:
  WebhookOptions options_;
};

}  // namespace cti::adapters
