#pragma once
// Typed, path-aware access to the parsed JSON. Every read checks the type and
// range, expands `${VAR}` in strings, and on failure throws ConfigFailure
// carrying the exact path; parse_config turns that into a ConfigError value, so
// the exception never leaves this module. (Config parsing is start-up code
// with dozens of fields: one throw per problem keeps each field one line.)
#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/config/config.h"

namespace cti::config {

struct ConfigFailure {
  ConfigError error;
};

class ObjectReader;

// One JSON value and where it is in the file.
class Node {
 public:
  Node(const nlohmann::json& value, std::string path, const EnvLookup& env)
      : value_(&value), path_(std::move(path)), env_(&env) {}

  const std::string& path() const { return path_; }
  const nlohmann::json& json() const { return *value_; }
  const EnvLookup& env() const { return *env_; }

  // Marks the value as secret: messages then show only its JSON type.
  Node& secret() {
    secret_ = true;
    return *this;
  }

  [[noreturn]] void fail(std::string reason) const;
  // How the value is shown after "got": the raw JSON (so `${VAR}` templates
  // appear unexpanded and environment values never leak), truncated; for a
  // secret only its type ("a string").
  std::string describe() const;

  std::string text() const;            // a string, `${VAR}` expanded
  std::string non_empty_text() const;  // same, and not empty after expansion
  long long integer(long long min, long long max) const;
  double real(double min, double max) const;  // integer or decimal, in [min, max]
  bool boolean() const;
  std::vector<Node> elements() const;      // an array's elements
  std::vector<std::string> texts() const;  // an array of strings
  // An object's members by key (keys are data, e.g. region codes).
  std::vector<std::pair<std::string, Node>> members() const;
  // An object whose keys must all be in `known_keys`.
  ObjectReader object(std::initializer_list<std::string_view> known_keys) const;

 private:
  const nlohmann::json* value_;
  std::string path_;
  const EnvLookup* env_;
  bool secret_ = false;
};

class ObjectReader {
 public:
  explicit ObjectReader(Node node) : node_(std::move(node)) {}

  const Node& node() const { return node_; }
  const std::string& path() const { return node_.path(); }

  std::optional<Node> optional(std::string_view key) const;
  Node required(std::string_view key) const;

  // Assign `out` only when the key is present; absent keys keep the default.
  void read(std::string_view key, std::string& out) const;
  void read(std::string_view key, bool& out) const;
  void read(std::string_view key, std::vector<std::string>& out) const;
  void read(std::string_view key, double& out, double min, double max) const {
    if (auto n = optional(key)) out = n->real(min, max);
  }
  template <class Int>
  void read(std::string_view key, Int& out, long long min, long long max) const {
    if (auto n = optional(key)) out = static_cast<Int>(n->integer(min, max));
  }

 private:
  Node node_;
};

}  // namespace cti::config
