#include "adapters/directory/directory_adapter.h"

namespace cti::adapters {

DirectoryAdapter::DirectoryAdapter(DirectoryOptions options) : options_(std::move(options)) {
  for (std::size_t i = 0; i < options_.entries.size(); ++i) {
    for (const std::string& phone : options_.entries[i].phones) by_number_[phone].push_back(i);
  }
}

Contact DirectoryAdapter::contact_of(const DirectoryEntry& entry) const {
  Contact c;
  c.crm = options_.name;
  c.id = entry.id;
  c.name = entry.name;
  c.company = entry.company;
  c.updated_at = entry.updated_at;
  if (!options_.url_template.empty()) {
    c.url = options_.url_template;
    for (std::size_t at = c.url.find("{id}"); at != std::string::npos;
         at = c.url.find("{id}", at + entry.id.size())) {
      c.url.replace(at, 4, entry.id);
    }
  }
  return c;
}

std::optional<Contact> DirectoryAdapter::find(const core::PhoneNumber& number) const {
  if (!number.is_e164()) return std::nullopt;
  const auto it = by_number_.find(number.value());
  if (it == by_number_.end()) return std::nullopt;
  const DirectoryEntry* best = nullptr;
  for (std::size_t i : it->second) {
    const DirectoryEntry& e = options_.entries[i];
    // Most recently updated wins; undated rows lose to dated ones; on a tie,
    // the first in the file.
    if (!best || (e.updated && (!best->updated || *e.updated > *best->updated))) best = &e;
  }
  Contact c = contact_of(*best);
  c.matches = static_cast<int>(it->second.size());
  c.ambiguous = c.matches > 1;
  return c;
}

Step DirectoryAdapter::lookup_step(const core::PhoneNumber& number,
                                   std::span<const Exchange> so_far) const {
  if (!so_far.empty()) return Step::fail("the directory sends no requests");
  return Step::done(find(number));
}

}  // namespace cti::adapters
