#pragma once
// The "directory" CRM (issue 5): contacts from a CSV file, for the demo and
// for companies without a CRM. The file is read once, when the config is
// parsed (directory_config.cpp); the adapter only holds the table, so a
// lookup is answered at once, without any request. It keeps no call log.
#include <string>
#include <unordered_map>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/directory/directory_csv.h"

namespace cti::adapters {

struct DirectoryOptions {
  std::string name;
  std::vector<DirectoryEntry> entries;
  // The record's page, "{id}" replaced by the entry's id; "" = no URL.
  std::string url_template;
};

class DirectoryAdapter final : public CrmAdapter {
 public:
  explicit DirectoryAdapter(DirectoryOptions options);
  const std::string& name() const override { return options_.name; }

  // Done at the first step with the contact (or none): no request is sent.
  Step lookup_step(const core::PhoneNumber& number,
                   std::span<const Exchange> so_far) const override;
  bool logs_calls() const override { return false; }

  // The same answer, directly: nullopt when no entry has this E.164 number.
  // Several entries: the most recently updated (then the first in the
  // file), `ambiguous` and `matches` set.
  std::optional<Contact> find(const core::PhoneNumber& number) const;

  std::size_t size() const { return options_.entries.size(); }

 private:
  Contact contact_of(const DirectoryEntry& entry) const;
  DirectoryOptions options_;
  // E.164 -> indexes into entries, in file order; an entry listed once per number.
  std::unordered_map<std::string, std::vector<std::size_t>> by_number_;
};

}  // namespace cti::adapters
