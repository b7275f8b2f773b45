#pragma once
// One do-not-call list held in memory as 8 bytes per entry: sorted 64-bit
// keys plus a bucket index, so a lookup touches about two cache lines.
//
// Keys: numbers lists store the E.164 digits (at most 15, so they fit in
// 50 bits), scrambled by a bijective mixer so the keys spread evenly;
// Robinson lists store the first 8 bytes of the SHA-256 (a false match needs
// a 64-bit collision: about 1 in 10^12 per lookup at 20 M entries).
// Pure: no I/O here (see dnc_file.h for the on-disk form).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "connector/policy/robinson.h"

namespace cti::policy {

enum class DncKind : std::uint8_t { Numbers = 1, RobinsonHashes = 2 };

// "+34912345678" -> key; nullopt if not "+" followed by 1..15 digits.
std::optional<std::uint64_t> dnc_key_for_e164(std::string_view e164);
std::uint64_t dnc_key_for_hash(const Sha256& digest);

class DncSet {
 public:
  DncSet() = default;
  // Takes unsorted keys (duplicates allowed) and indexes them.
  explicit DncSet(std::vector<std::uint64_t> keys);
  // Takes keys already in strictly ascending order (a loaded snapshot) and
  // indexes them without sorting again; nullopt if they are not.
  static std::optional<DncSet> from_sorted(std::vector<std::uint64_t> keys);

  bool contains(std::uint64_t key) const;
  std::size_t size() const { return keys_.size(); }
  const std::vector<std::uint64_t>& keys() const { return keys_; }  // sorted, unique
  // Heap held, for the "bytes per entry" figure.
  std::size_t memory_bytes() const {
    return keys_.capacity() * sizeof(std::uint64_t) + buckets_.capacity() * sizeof(std::uint32_t);
  }

 private:
  void index();  // builds buckets_ from the sorted, unique keys_
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> buckets_;  // first index of each top-bits bucket, plus an end
  unsigned shift_ = 64;
};

}  // namespace cti::policy
