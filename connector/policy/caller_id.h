#pragma once
// Which of the company's own numbers to present for a call: longest prefix
// match for the destination, else a number for the destination's country,
// else the default line. Never a number outside the inventory; never a
// mobile number on calls into Spain (Orden TDF/149/2025 art. 9 bans mobile
// CLIs for commercial and customer-service calls there). Pure.
#include <optional>
#include <string>
#include <vector>

#include "connector/policy/destination.h"

namespace cti::policy {

enum class Purpose : std::uint8_t { Commercial, Service };
std::string_view to_string(Purpose p);

struct VirtualNumber {
  std::string number;                  // E.164
  std::vector<std::string> countries;  // ISO regions it is local for ("GB")
  std::vector<std::string> prefixes;   // E.164 digit prefixes it suits best ("4420")
  std::vector<Purpose> purposes{Purpose::Commercial, Purpose::Service};
  NumberType type = NumberType::Unknown;  // classified when the config is loaded
};

struct CallerIdChoice {
  std::string number;
  std::string rule;  // "prefix 4420", "country GB", "default line"
};

std::optional<CallerIdChoice> choose_caller_id(const std::vector<VirtualNumber>& inventory,
                                               const std::string& default_line,
                                               const Destination& to, Purpose purpose);

}  // namespace cti::policy
