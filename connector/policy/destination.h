#pragma once
// Where a click-to-call would go: the number in E.164, its region and its
// type, from libphonenumber. Validation is strict (a number libphonenumber
// does not know as valid is refused): an invalid or unassigned destination
// is never dialled. Premium prefixes the library misses are the gate's
// business (policy_config.h), not this file's.
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace cti::policy {

enum class NumberType : std::uint8_t {
  FixedLine,
  Mobile,
  FixedLineOrMobile,
  TollFree,
  PremiumRate,
  SharedCost,
  Voip,
  Personal,
  Pager,
  Uan,
  Voicemail,
  Unknown,
};
std::string_view to_string(NumberType t);

struct Destination {
  std::string e164;    // "+447583123456"
  std::string region;  // "GB"; "001" for non-geographic (+881, +882, +979...)
  int country_code = 0;
  NumberType type = NumberType::Unknown;
};

struct DestinationError {
  std::string code;     // "number_invalid"
  std::string message;  // for people
};

// `raw` as typed in a CRM ("+44 20 7946 0000", "020 7946 0000", "0044…");
// national forms are read in `default_region`.
std::expected<Destination, DestinationError> classify_destination(std::string_view raw,
                                                                  std::string_view default_region);

namespace detail {
// The same through libphonenumber's Parse for every input (no fast path for
// "+digits"); tests check the two agree.
std::expected<Destination, DestinationError> classify_with_parse(std::string_view raw,
                                                                 std::string_view default_region);
}  // namespace detail

}  // namespace cti::policy
