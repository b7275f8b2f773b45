// The generic webhook CRM block: {"type": "webhook", "name", "url", "secret",
// "events", "timeout_ms"}.
#include <set>

#include "connector/config/crm_common.h"
#include "connector/config/crm_registry.h"
#include "connector/core/call_event.h"

namespace cti::config {
namespace {

// Every event type the tracker can emit ("call.ringing", ...), from core so the
// list follows the domain.
std::set<std::string, std::less<>> known_event_types() {
  std::set<std::string, std::less<>> out;
  for (int k = 0; k <= static_cast<int>(core::CallEventKind::Ended); ++k) {
    out.emplace(core::to_string(static_cast<core::CallEventKind>(k)));
  }
  return out;
}

}  // namespace

std::string parse_webhook_crm(const Node& block, Config& out) {
  const ObjectReader r = block.object({"type", "name", "url", "secret", "events", "timeout_ms"});
  WebhookCrmConfig c;
  c.name = r.required("name").non_empty_text();
  c.url = read_http_url(r.required("url"));
  c.secret = r.required("secret").secret().non_empty_text();
  if (auto events = r.optional("events")) {
    static const auto known = known_event_types();
    for (const Node& e : events->elements()) {
      std::string type = e.text();
      if (!known.contains(type)) {
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        e.fail("unknown event type " + e.describe() + " (known: " + list + ")");
      }
      c.events.push_back(std::move(type));
    }
  }
  r.read("timeout_ms", c.timeout_ms, 1, 600000);
  out.crm.push_back(c);
  return c.name;
}

}  // namespace cti::config
