#pragma once
// Per-minute prices by destination prefix, longest prefix wins
// ("4475" 0.680 but "447583" 0.049). A digit trie: a lookup walks at most
// 15 nodes. Pure: parse from text, look up; loading files is the caller's.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cti::policy {

struct Rate {
  std::string prefix;  // digits of the E.164 prefix, no "+"
  double per_min = 0;
  std::string currency;     // "EUR"
  std::string destination;  // optional label
};

struct RateTableError {
  std::size_t line = 0;  // 1-based
  std::string reason;
  std::string to_string() const { return "line " + std::to_string(line) + ": " + reason; }
};

class RateTable {
 public:
  // CSV with a header naming at least `prefix` and `rate_per_min`, and
  // optionally `currency` and `destination` (any order; quoted fields
  // allowed). A bad line is an error naming the line: a price list with a
  // hole would under-price calls silently.
  static std::expected<RateTable, RateTableError> parse_csv(std::string_view csv);

  void add(Rate rate);
  // Longest matching prefix of the E.164 number ("+447583123456" or digits).
  const Rate* lookup(std::string_view e164) const;
  std::size_t size() const { return rates_.size(); }
  std::size_t memory_bytes() const { return nodes_.capacity() * sizeof(Node); }

 private:
  struct Node {
    std::int32_t child[10];
    std::int32_t rate = -1;  // index into rates_, -1 if no prefix ends here
  };
  std::int32_t new_node();
  std::vector<Node> nodes_{Node{{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, -1}};
  std::vector<Rate> rates_;
};

}  // namespace cti::policy
