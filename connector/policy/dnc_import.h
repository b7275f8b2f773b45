#pragma once
// Streaming import of a do-not-call file into DncSet keys: one entry per
// line, either numbers (E.164 "+34…" or "0034…"; national forms in the
// list's home region) or, for Robinson, 64-hex SHA-256 hashes. A Robinson
// file of numbers is hashed on the way in, so only hashes are kept. Lines
// that are neither are counted and reported, never silently dropped. Pure:
// the caller feeds bytes (from a file, an upload...).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/policy/dnc_set.h"

namespace cti::policy {

struct DncImportStats {
  std::uint64_t lines = 0;
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;  // neither a number nor a hash
  std::uint64_t first_rejected_line = 0;
  std::string first_rejected;  // shown to the operator (a number from their own file)
};

class DncImporter {
 public:
  // `home_country_code` for national numbers ("34").
  DncImporter(DncKind kind, std::string home_country_code = "34");
  // Any split of the input; a line may span calls.
  void feed(std::string_view bytes);
  // Call once after the last feed; returns the keys (unsorted) and stats.
  std::vector<std::uint64_t> finish();
  const DncImportStats& stats() const { return stats_; }

 private:
  void line(std::string_view l);
  DncKind kind_;
  std::string cc_;
  std::string partial_;
  std::vector<std::uint64_t> keys_;
  DncImportStats stats_;
};

}  // namespace cti::policy
