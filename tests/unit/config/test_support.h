#pragma once
// Shared helpers for the config tests: a fake environment and a valid base
// configuration that each test breaks in exactly one place.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "connector/config/config.h"

namespace cti::config::testing {

inline EnvLookup fake_env(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

inline const std::string kAmiSecret = "ami-Secret-Value-1";
inline const std::string kWebhookSecret = "whsec-Value-2-abcdef";
inline const std::string kApiToken = "api-token-Value-3-0123456789";

inline EnvLookup test_env() {
  return fake_env(
      {{"AMI_SECRET", kAmiSecret}, {"WEBHOOK_SECRET", kWebhookSecret}, {"API_TOKEN", kApiToken}});
}

// The issue's minimal example.
inline nlohmann::json base_config() {
  return nlohmann::json::parse(R"({
    "pbx":   [{"type": "ami", "name": "main", "host": "127.0.0.1", "port": 5038,
               "username": "cti", "secret": "${AMI_SECRET}"}],
    "agents":[{"id": "ana", "extension": "1001"}],
    "numbers": {"default_region": "ES"},
    "crm":   [{"type": "webhook", "name": "hooks", "url": "http://127.0.0.1:9000/hook",
               "secret": "${WEBHOOK_SECRET}"}],
    "store": {"path": "cti.db"},
    "api":   {"listen": "127.0.0.1:8080", "tokens": ["${API_TOKEN}"]} })");
}

inline std::expected<Config, ConfigError> parse(const nlohmann::json& j,
                                                const EnvLookup& env = test_env()) {
  return parse_config(j.dump(), env);
}

// Parses `j`, expects failure, returns the error (or a marker error on success).
inline ConfigError error_of(const nlohmann::json& j, const EnvLookup& env = test_env()) {
  auto r = parse(j, env);
  EXPECT_FALSE(r.has_value()) << "config unexpectedly valid: " << j.dump();
  if (r) return ConfigError{"<none>", "<parsed successfully>"};
  return r.error();
}

}  // namespace cti::config::testing
