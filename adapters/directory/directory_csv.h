#pragma once
// The contacts file of the "directory" CRM: CSV with a header row.
//
//   id,name,company,phone,phone2,updated_at
//   c-001,Lucía Fernández,Acme Logística,+34 912 345 678,600 111 222,2026-11-02T09:15:00Z
//
// Columns are found by their header name (any order, case-insensitive):
// `id`, `name` and at least one phone column (any name starting with
// "phone": phone, phone2, phone_mobile...) are required; `company` and
// `updated_at` (RFC 3339) are optional; any other column is an error (a
// typo would silently drop data). Fields follow RFC 4180 quoting
// ("Smith, Jr." and "" for a quote) on one line; blank lines and lines
// starting with '#' are skipped. Numbers are normalized to E.164 with the
// configured region; a row without any, or with one that is not a phone
// number, is an error naming its line.
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/core/time.h"

namespace cti::adapters {

struct DirectoryEntry {
  std::string id, name, company;
  std::vector<std::string> phones;         // E.164, in column order
  std::string updated_at;                  // as written, "" if none
  std::optional<core::Timestamp> updated;  // parsed updated_at
  int line = 0;                            // where it came from (1-based)
};

struct DirectoryCsvError {
  int line = 0;  // 1-based; 0 = the file as a whole
  std::string reason;
};

// Parses the whole file's text. `region`: ISO 3166 code for numbers written
// without a country code ("ES").
std::expected<std::vector<DirectoryEntry>, DirectoryCsvError> parse_directory_csv(
    std::string_view text, const std::string& region);

}  // namespace cti::adapters
