// libFuzzer target for the dialing policy's parsers: rate-table CSV, DNC
// files (numbers and Robinson hashes, fed in random splits) and the calling
// hours fields. Hostile input must give an error or a result, never a crash;
// what parses must behave (a parsed rate is finite and >= 0; every accepted
// DNC line is found in the set built from it).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "connector/policy/calling_hours.h"
#include "connector/policy/dnc_import.h"
#include "connector/policy/rate_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cti::policy;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto table = RateTable::parse_csv(in)) {
    if (const Rate* r = table->lookup("+447583123456"))
      if (!std::isfinite(r->per_min) || r->per_min < 0) std::abort();
  }
  for (DncKind kind : {DncKind::Numbers, DncKind::RobinsonHashes}) {
    DncImporter imp(kind);
    const std::size_t split = size ? data[0] % 17 + 1 : 1;
    for (std::size_t i = 0; i < in.size(); i += split) imp.feed(in.substr(i, split));
    auto keys = imp.finish();
    if (keys.size() != imp.stats().accepted) std::abort();
    const auto copy = keys;
    DncSet set(std::move(keys));
    for (auto k : copy)
      if (!set.contains(k)) std::abort();
  }
  (void)parse_days(in.substr(0, 64));
  (void)parse_hhmm(in.substr(0, 8));
  Holiday h;
  (void)parse_holiday(in.substr(0, 12), h);
  (void)robinson_normalize_phone(in.substr(0, 64));
  return 0;
}
