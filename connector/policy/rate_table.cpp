#include "connector/policy/rate_table.h"

#include <charconv>
#include <cmath>

namespace cti::policy {
namespace {

// One CSV record's fields (RFC 4180 quoting, no embedded newlines).
std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  out.push_back(std::move(field));
  for (auto& f : out) {
    while (!f.empty() && (f.back() == ' ' || f.back() == '\r')) f.pop_back();
    std::size_t b = 0;
    while (b < f.size() && f[b] == ' ') ++b;
    f.erase(0, b);
  }
  return out;
}

}  // namespace

std::int32_t RateTable::new_node() {
  nodes_.push_back(Node{{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, -1});
  return std::int32_t(nodes_.size() - 1);
}

void RateTable::add(Rate rate) {
  std::int32_t n = 0;
  for (char c : rate.prefix) {
    const int d = c - '0';
    if (nodes_[n].child[d] < 0) {
      const std::int32_t child = new_node();
      nodes_[n].child[d] = child;
    }
    n = nodes_[n].child[d];
  }
  if (nodes_[n].rate >= 0) {
    rates_[nodes_[n].rate] = std::move(rate);  // last line wins
    return;
  }
  nodes_[n].rate = std::int32_t(rates_.size());
  rates_.push_back(std::move(rate));
}

const Rate* RateTable::lookup(std::string_view e164) const {
  if (!e164.empty() && e164[0] == '+') e164.remove_prefix(1);
  std::int32_t n = 0, best = nodes_[0].rate;
  for (char c : e164) {
    if (c < '0' || c > '9') break;
    n = nodes_[n].child[c - '0'];
    if (n < 0) break;
    if (nodes_[n].rate >= 0) best = nodes_[n].rate;
  }
  return best >= 0 ? &rates_[best] : nullptr;
}

std::expected<RateTable, RateTableError> RateTable::parse_csv(std::string_view csv) {
  RateTable table;
  int col_prefix = -1, col_rate = -1, col_currency = -1, col_dest = -1;
  std::size_t line_no = 0, columns = 0;
  while (!csv.empty()) {
    const auto nl = csv.find('\n');
    std::string_view line = csv.substr(0, nl);
    csv.remove_prefix(nl == std::string_view::npos ? csv.size() : nl + 1);
    ++line_no;
    if (line.empty() || line == "\r" || line[0] == '#') continue;
    auto fields = split_csv_line(line);
    if (col_prefix < 0) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == "prefix") col_prefix = int(i);
        if (fields[i] == "rate_per_min") col_rate = int(i);
        if (fields[i] == "currency") col_currency = int(i);
        if (fields[i] == "destination") col_dest = int(i);
      }
      if (col_prefix < 0 || col_rate < 0)
        return std::unexpected(
            RateTableError{line_no, "header must name the columns prefix and rate_per_min"});
      columns = fields.size();
      continue;
    }
    if (fields.size() != columns)
      return std::unexpected(RateTableError{
          line_no,
          "expected " + std::to_string(columns) + " fields, got " + std::to_string(fields.size())});
    Rate r;
    r.prefix = fields[col_prefix];
    if (!r.prefix.empty() && r.prefix[0] == '+') r.prefix.erase(0, 1);
    if (r.prefix.empty() || r.prefix.size() > 15 ||
        r.prefix.find_first_not_of("0123456789") != std::string::npos)
      return std::unexpected(
          RateTableError{line_no, "prefix must be 1 to 15 digits: '" + fields[col_prefix] + "'"});
    const std::string& rate_text = fields[col_rate];
    auto [p, ec] =
        std::from_chars(rate_text.data(), rate_text.data() + rate_text.size(), r.per_min);
    if (ec != std::errc{} || p != rate_text.data() + rate_text.size() ||
        !std::isfinite(r.per_min) || r.per_min < 0)
      return std::unexpected(
          RateTableError{line_no, "rate_per_min must be a number >= 0: '" + rate_text + "'"});
    if (col_currency >= 0) r.currency = fields[col_currency];
    if (col_dest >= 0) r.destination = fields[col_dest];
    table.add(std::move(r));
  }
  if (col_prefix < 0) return std::unexpected(RateTableError{line_no, "empty rate table"});
  return table;
}

}  // namespace cti::policy
