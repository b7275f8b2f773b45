#pragma once
// What the PBX's outbound context must be given to reach a destination:
// the home country's numbers as dialled nationally ("600111222",
// "02079460000"), others with the home country's international prefix
// ("0044…" from Spain, "01144…" from the US); or plain E.164 for
// dialplans that take "+". Pure (libphonenumber).
#include <string>
#include <string_view>

#include "connector/policy/destination.h"

namespace cti::policy {

enum class DialFormat : std::uint8_t { National, E164 };

std::string dial_string(const Destination& to, std::string_view home_region, DialFormat format);

}  // namespace cti::policy
