#include "connector/policy/destination_cache.h"

namespace cti::policy {

DestinationCache::Result DestinationCache::classify(std::string_view raw) {
  {
    std::lock_guard lk(mu_);
    if (const auto it = index_.find(raw); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return it->second->second;
    }
    ++misses_;
  }
  // Parsed outside the lock: the slow part must not serialise callers.
  Result result = classify_destination(raw, region_);
  std::lock_guard lk(mu_);
  if (index_.contains(raw)) return result;  // another caller got there first
  lru_.emplace_front(std::string(raw), result);
  index_.emplace(lru_.front().first, lru_.begin());
  if (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return result;
}

}  // namespace cti::policy
