#include "connector/app/contact_cache.h"

#include <algorithm>

namespace cti::app {

ContactCache::ContactCache(std::chrono::seconds found_ttl, std::chrono::seconds missing_ttl,
                           std::size_t max_entries)
    : found_ttl_(found_ttl),
      missing_ttl_(missing_ttl),
      max_entries_(std::max<std::size_t>(1, max_entries)) {}

std::optional<std::optional<adapters::Contact>> ContactCache::get(const std::string& number,
                                                                  Clock::time_point now) {
  std::lock_guard lk(mu_);
  const auto it = entries_.find(number);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.contact;
}

void ContactCache::put(const std::string& number, std::optional<adapters::Contact> contact,
                       Clock::time_point now) {
  const auto ttl = contact ? found_ttl_ : missing_ttl_;
  if (ttl <= std::chrono::seconds(0)) return;  // caching switched off
  std::lock_guard lk(mu_);
  if (entries_.size() >= max_entries_ && !entries_.contains(number)) {
    // Full: drop what expired; if that frees nothing, start over. A cache
    // miss costs one CRM request, never a wrong answer.
    std::erase_if(entries_, [now](const auto& e) { return e.second.expires <= now; });
    if (entries_.size() >= max_entries_) entries_.clear();
  }
  entries_[number] = Entry{std::move(contact), now + ttl};
}

std::size_t ContactCache::size() const {
  std::lock_guard lk(mu_);
  return entries_.size();
}

}  // namespace cti::app
