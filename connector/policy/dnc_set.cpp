#include "connector/policy/dnc_set.h"

#include <algorithm>
#include <bit>
#include <functional>

namespace cti::policy {
namespace {

// splitmix64's finalizer: a bijection, so distinct numbers stay distinct.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

std::optional<std::uint64_t> dnc_key_for_e164(std::string_view e164) {
  if (e164.size() < 2 || e164.size() > 16 || e164[0] != '+') return std::nullopt;
  std::uint64_t v = 0;
  for (char c : e164.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + std::uint64_t(c - '0');
  }
  // The digit count is part of the number ("+3491" vs "+34091").
  v |= std::uint64_t(e164.size() - 1) << 50;
  return mix(v);
}

std::uint64_t dnc_key_for_hash(const Sha256& d) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | d[i];
  return v;
}

DncSet::DncSet(std::vector<std::uint64_t> keys) : keys_(std::move(keys)) {
  std::sort(keys_.begin(), keys_.end());
  keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
  keys_.shrink_to_fit();
  index();
}

std::optional<DncSet> DncSet::from_sorted(std::vector<std::uint64_t> keys) {
  if (std::adjacent_find(keys.begin(), keys.end(), std::greater_equal<>()) != keys.end())
    return std::nullopt;
  DncSet set;
  set.keys_ = std::move(keys);
  set.keys_.shrink_to_fit();
  set.index();
  return set;
}

void DncSet::index() {
  // About 8 keys per bucket: 2^bits buckets.
  const unsigned bits =
      keys_.size() < 16 ? 1 : std::min(26u, unsigned(std::bit_width(keys_.size() / 8)));
  shift_ = 64 - bits;
  buckets_.assign((std::size_t{1} << bits) + 1, 0);
  std::size_t i = 0;
  for (std::size_t b = 0; b < (std::size_t{1} << bits); ++b) {
    buckets_[b] = std::uint32_t(i);
    while (i < keys_.size() && (keys_[i] >> shift_) == b) ++i;
  }
  buckets_.back() = std::uint32_t(keys_.size());
}

bool DncSet::contains(std::uint64_t key) const {
  if (keys_.empty()) return false;
  const std::size_t b = key >> shift_;
  const auto first = keys_.begin() + buckets_[b];
  const auto last = keys_.begin() + buckets_[b + 1];
  return std::binary_search(first, last, key);
}

}  // namespace cti::policy
