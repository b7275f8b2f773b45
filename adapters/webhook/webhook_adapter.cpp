#include "adapters/webhook/webhook_adapter.h"

#include "connector/json/call_json.h"

namespace cti::adapters {

std::string idempotency_key(const std::string& adapter, const core::CallEvent& event) {
  return adapter + ":" + event.call_id + ":" + std::to_string(event.seq);
}

WebhookAdapter::WebhookAdapter(WebhookOptions options) : options_(std::move(options)) {}

std::vector<core::HttpRequest> WebhookAdapter::on_event(const core::CallEvent& event) const {
  const std::string type(core::to_string(event.kind));
  if (!options_.events.empty() && !options_.events.count(type)) return {};
  core::HttpRequest req;
  req.method = "POST";
  req.url = options_.url;
  req.body = json::to_json(event).dump();
  req.idempotency_key = idempotency_key(options_.name, event);
  req.headers.emplace_back("X-Event-Type", type);
  return {std::move(req)};
}

}  // namespace cti::adapters
