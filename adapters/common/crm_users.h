#pragma once
// The CRM user an agent maps to in a CRM block's "users" (keyed by our agent
// id and by extension, see read_crm_common): the owner of that agent's call
// logs and of the contacts they create. Unmapped, an empty mapping, or no
// agent at all ("") = nobody; the CRM's own default applies.
#include <map>
#include <optional>
#include <string>

namespace cti::adapters {

inline std::optional<std::string> crm_user_of(const std::map<std::string, std::string>& users,
                                              const std::string& agent) {
  const auto it = users.find(agent);
  if (it == users.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace cti::adapters
