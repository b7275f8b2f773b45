#include "connector/config/reader.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "connector/config/env_expand.h"
#include "connector/config/json_path.h"

namespace cti::config {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxShown = 80;

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    default:
      return "a value";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string unknown_key_reason(std::string_view key,
                               std::initializer_list<std::string_view> known) {
  std::string_view best;
  // Suggest only near misses (typos); for very short keys almost anything is
  // two edits away, so they get a stricter limit.
  std::size_t best_distance = key.size() <= 2 ? 2 : 3;
  for (std::string_view k : known) {
    const std::size_t d = edit_distance(key, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  if (!best.empty()) return "unknown key (did you mean \"" + std::string(best) + "\"?)";
  std::string list;
  for (std::string_view k : known) {
    if (!list.empty()) list += ", ";
    list += k;
  }
  return "unknown key (known keys: " + list + ")";
}

}  // namespace

void Node::fail(std::string reason) const {
  throw ConfigFailure{ConfigError{path_, std::move(reason)}};
}

std::string Node::describe() const {
  if (secret_) return type_name(*value_);
  if (value_->is_object() || value_->is_array()) return type_name(*value_);
  // Parsed JSON is valid UTF-8, so dump cannot throw.
  std::string shown = value_->dump();
  if (shown.size() > kMaxShown) shown = shown.substr(0, kMaxShown) + "...";
  return shown;
}

std::string Node::text() const {
  if (!value_->is_string()) fail("expected a string, got " + describe());
  auto expanded = expand_env(value_->get_ref<const std::string&>(), *env_);
  if (!expanded) fail(expanded.error());
  return std::move(*expanded);
}

std::string Node::non_empty_text() const {
  std::string s = text();
  if (s.empty()) {
    fail(value_->get_ref<const std::string&>().empty()
             ? std::string("must not be empty")
             : std::string("must not be empty (its environment variable is empty)"));
  }
  return s;
}

long long Node::integer(long long min, long long max) const {
  bool ok = false;
  long long v = 0;
  if (value_->is_number_integer() && !value_->is_number_unsigned()) {
    v = value_->get<long long>();
    ok = true;
  } else if (value_->is_number_unsigned()) {
    const auto u = value_->get<unsigned long long>();
    ok = u <= static_cast<unsigned long long>(std::numeric_limits<long long>::max());
    v = ok ? static_cast<long long>(u) : 0;
  }
  if (!ok || v < min || v > max) {
    fail("expected an integer between " + std::to_string(min) + " and " + std::to_string(max) +
         ", got " + describe());
  }
  return v;
}

double Node::real(double min, double max) const {
  if (!value_->is_number()) fail("expected a number, got " + describe());
  const double v = value_->get<double>();
  if (!(v >= min && v <= max)) {  // also refuses NaN
    std::ostringstream range;
    range << "expected a number between " << min << " and " << max << ", got " << describe();
    fail(range.str());
  }
  return v;
}

std::vector<std::pair<std::string, Node>> Node::members() const {
  if (!value_->is_object()) fail("expected an object, got " + describe());
  std::vector<std::pair<std::string, Node>> out;
  for (const auto& [key, value] : value_->items()) {
    Node child(value, key_path(path_, key), *env_);
    if (secret_) child.secret();
    out.emplace_back(key, std::move(child));
  }
  return out;
}

bool Node::boolean() const {
  if (!value_->is_boolean()) fail("expected true or false, got " + describe());
  return value_->get<bool>();
}

std::vector<Node> Node::elements() const {
  if (!value_->is_array()) fail("expected an array, got " + describe());
  std::vector<Node> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) {
    Node child((*value_)[i], index_path(path_, i), *env_);
    if (secret_) child.secret();
    out.push_back(std::move(child));
  }
  return out;
}

std::vector<std::string> Node::texts() const {
  std::vector<std::string> out;
  for (const Node& n : elements()) out.push_back(n.text());
  return out;
}

ObjectReader Node::object(std::initializer_list<std::string_view> known_keys) const {
  if (!value_->is_object()) fail("expected an object, got " + describe());
  for (const auto& [key, unused] : value_->items()) {
    (void)unused;
    if (std::find(known_keys.begin(), known_keys.end(), key) == known_keys.end()) {
      throw ConfigFailure{ConfigError{key_path(path_, key), unknown_key_reason(key, known_keys)}};
    }
  }
  return ObjectReader(*this);
}

std::optional<Node> ObjectReader::optional(std::string_view key) const {
  const json& obj = node_.json();
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  return Node(*it, key_path(path(), key), node_.env());
}

Node ObjectReader::required(std::string_view key) const {
  if (auto n = optional(key)) return *n;
  throw ConfigFailure{ConfigError{key_path(path(), key), "missing required key"}};
}

void ObjectReader::read(std::string_view key, std::string& out) const {
  if (auto n = optional(key)) out = n->text();
}

void ObjectReader::read(std::string_view key, bool& out) const {
  if (auto n = optional(key)) out = n->boolean();
}

void ObjectReader::read(std::string_view key, std::vector<std::string>& out) const {
  if (auto n = optional(key)) out = n->texts();
}

}  // namespace cti::config
