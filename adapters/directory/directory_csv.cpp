#include "adapters/directory/directory_csv.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "connector/core/phone_number.h"

namespace cti::adapters {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One CSV line into trimmed fields (RFC 4180 quoting within the line).
std::expected<std::vector<std::string>, std::string> split_fields(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"' && trim(field).empty()) {
      quoted = was_quoted = true;
      field.clear();
    } else if (c == ',') {
      fields.push_back(was_quoted ? field : trim(field));
      field.clear();
      was_quoted = false;
    } else if (was_quoted) {
      if (c != ' ' && c != '\t' && c != '\r') return std::unexpected("text after a closing quote");
    } else {
      field += c;
    }
  }
  if (quoted) return std::unexpected("unterminated quote (fields cannot span lines)");
  fields.push_back(was_quoted ? field : trim(field));
  return fields;
}

struct Columns {
  int id = -1, name = -1, company = -1, updated_at = -1;
  std::vector<int> phones;
  std::size_t count = 0;
};

std::expected<Columns, std::string> read_header(const std::vector<std::string>& names) {
  Columns c;
  c.count = names.size();
  std::map<std::string, int> seen;
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    const std::string n = lower(names[i]);
    if (!seen.emplace(n, i).second) return std::unexpected("column \"" + n + "\" appears twice");
    if (n == "id") {
      c.id = i;
    } else if (n == "name") {
      c.name = i;
    } else if (n == "company") {
      c.company = i;
    } else if (n == "updated_at") {
      c.updated_at = i;
    } else if (n.starts_with("phone")) {
      c.phones.push_back(i);
    } else {
      return std::unexpected("unknown column \"" + names[i] +
                             "\" (known: id, name, company, phone..., updated_at)");
    }
  }
  if (c.id < 0 || c.name < 0 || c.phones.empty())
    return std::unexpected(
        "the header row must name the columns id, name and at least one phone column, e.g. "
        "\"id,name,company,phone,phone2,updated_at\"");
  return c;
}

std::expected<DirectoryEntry, std::string> read_row(const Columns& cols,
                                                    const std::vector<std::string>& f,
                                                    const std::string& region) {
  if (f.size() != cols.count)
    return std::unexpected("expected " + std::to_string(cols.count) + " fields, got " +
                           std::to_string(f.size()));
  DirectoryEntry e;
  e.id = f[cols.id];
  e.name = f[cols.name];
  if (e.id.empty()) return std::unexpected("empty id");
  if (e.name.empty()) return std::unexpected("empty name");
  if (cols.company >= 0) e.company = f[cols.company];
  for (int col : cols.phones) {
    if (f[col].empty()) continue;
    const auto number = core::PhoneNumber::parse(f[col], region);
    if (!number.is_e164())
      return std::unexpected("\"" + f[col] + "\" is not a phone number (region " + region + ")");
    if (std::find(e.phones.begin(), e.phones.end(), number.value()) == e.phones.end())
      e.phones.push_back(number.value());
  }
  if (e.phones.empty()) return std::unexpected("no phone number");
  if (cols.updated_at >= 0 && !f[cols.updated_at].empty()) {
    e.updated_at = f[cols.updated_at];
    e.updated = core::parse_rfc3339(e.updated_at);
    if (!e.updated)
      return std::unexpected("updated_at \"" + e.updated_at +
                             "\" is not an RFC 3339 time such as 2026-11-02T09:15:00Z");
  }
  return e;
}

}  // namespace

std::expected<std::vector<DirectoryEntry>, DirectoryCsvError> parse_directory_csv(
    std::string_view text, const std::string& region) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a BOM from spreadsheets
  std::optional<Columns> cols;
  std::vector<DirectoryEntry> entries;
  std::map<std::string, int> id_line;
  int line_no = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_no;
    const std::string bare = trim(line);
    if (bare.empty() || bare.starts_with('#')) continue;
    auto fields = split_fields(line);
    if (!fields) return std::unexpected(DirectoryCsvError{line_no, fields.error()});
    if (!cols) {
      auto header = read_header(*fields);
      if (!header) return std::unexpected(DirectoryCsvError{line_no, header.error()});
      cols = std::move(*header);
      continue;
    }
    auto entry = read_row(*cols, *fields, region);
    if (!entry) return std::unexpected(DirectoryCsvError{line_no, entry.error()});
    entry->line = line_no;
    if (auto [at, fresh] = id_line.emplace(entry->id, line_no); !fresh)
      return std::unexpected(DirectoryCsvError{
          line_no, "duplicate id \"" + entry->id + "\" (line " + std::to_string(at->second) + ")"});
    entries.push_back(std::move(*entry));
  }
  if (!cols) return std::unexpected(DirectoryCsvError{0, "no header row"});
  if (entries.empty()) return std::unexpected(DirectoryCsvError{0, "no contacts"});
  return entries;
}

}  // namespace cti::adapters
