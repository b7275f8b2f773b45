#include "connector/pbx/ami/originate.h"

#include <string_view>

#include "connector/core/pbx_event.h"

namespace cti::pbx::ami {
namespace {

bool safe(std::string_view v) {
  if (v.empty() || v.size() > 256) return false;
  for (char c : v)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

}  // namespace

std::expected<Headers, std::string> originate_action(const OriginateRequest& r) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"agent_endpoint", &r.agent_endpoint},
      {"context", &r.context},
      {"exten", &r.exten},
      {"caller_id", &r.caller_id},
      {"call_id", &r.call_id}};
  for (const auto& [name, value] : fields)
    if (!safe(*value))
      return std::unexpected(std::string(name) + " is empty, too long or not one line");
  if (r.call_id.find_first_of(",=|") != std::string::npos)
    return std::unexpected(std::string("call_id must not contain , = or |"));
  if (r.ring_timeout.count() <= 0)
    return std::unexpected(std::string("ring_timeout must be positive"));
  return Headers{
      {"Action", "Originate"},
      {"Channel", r.agent_endpoint},
      {"Context", r.context},
      {"Exten", r.exten},
      {"Priority", "1"},
      {"CallerID", r.caller_id},
      {"Timeout", std::to_string(r.ring_timeout.count())},
      {"Variable", std::string(core::kCallIdVariable) + "=" + r.call_id},
      {"Async", "true"},
  };
}

}  // namespace cti::pbx::ami
