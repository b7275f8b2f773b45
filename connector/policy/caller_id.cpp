#include "connector/policy/caller_id.h"

#include <algorithm>

namespace cti::policy {

std::string_view to_string(Purpose p) {
  return p == Purpose::Commercial ? "commercial" : "service";
}

namespace {

bool usable(const VirtualNumber& v, const Destination& to, Purpose purpose) {
  if (std::find(v.purposes.begin(), v.purposes.end(), purpose) == v.purposes.end()) return false;
  const bool mobile = v.type == NumberType::Mobile || v.type == NumberType::FixedLineOrMobile;
  if (mobile && to.region == "ES") return false;
  return true;
}

}  // namespace

std::optional<CallerIdChoice> choose_caller_id(const std::vector<VirtualNumber>& inventory,
                                               const std::string& default_line,
                                               const Destination& to, Purpose purpose) {
  const std::string_view digits = std::string_view(to.e164).substr(1);
  const VirtualNumber* best = nullptr;
  std::size_t best_len = 0;
  std::string best_prefix;
  for (const auto& v : inventory) {
    if (!usable(v, to, purpose)) continue;
    for (const auto& p : v.prefixes)
      if (digits.starts_with(p) && p.size() > best_len) {
        best = &v;
        best_len = p.size();
        best_prefix = p;
      }
  }
  if (best) return CallerIdChoice{best->number, "prefix " + best_prefix};
  for (const auto& v : inventory) {
    if (!usable(v, to, purpose)) continue;
    if (std::find(v.countries.begin(), v.countries.end(), to.region) != v.countries.end())
      return CallerIdChoice{v.number, "country " + to.region};
  }
  for (const auto& v : inventory)
    if (v.number == default_line && usable(v, to, purpose))
      return CallerIdChoice{v.number, "default line"};
  return std::nullopt;
}

}  // namespace cti::policy
