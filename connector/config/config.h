#pragma once
// The connector's configuration: one JSON file, validated completely at
// start-up. Every problem is reported as a ConfigError carrying the JSON path
// of the offending value and a human reason; secrets and values read from the
// environment are never echoed in those reasons.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.h"
#include "connector/policy/gate.h"

namespace cti::config {

struct AmiPbxConfig {
  std::string type = "ami";
  std::string name;
  std::string host = "127.0.0.1";
  std::uint16_t port = 5038;
  std::string username;
  std::string secret;
  bool md5_login = true;
  int ping_interval_ms = 20000;
  int backoff_initial_ms = 500;
  int backoff_max_ms = 30000;
  std::size_t max_frame_bytes = 65536;
  // Dialplan contexts where phones place calls: a call started there belongs
  // to the agent whose extension is its caller id (docs/decisions.md).
  std::vector<std::string> internal_contexts{"internal", "from-internal"};
};

struct AgentConfig {
  std::string id;
  std::string extension;
  std::string name;
  // The agent's own API token (secret): it may act only as this agent.
  // Integration tokens (api.tokens) may name any agent.
  std::string token;
};

struct NumbersConfig {
  std::string default_region = "ES";
  std::vector<std::string> dids;  // company numbers, E.164
  int max_extension_digits = 6;
  // Caller ids the company owns for outbound calls (classified at load).
  std::vector<policy::VirtualNumber> virtual_numbers;
  std::string default_line;  // E.164; must be a DID or a virtual number
};

// A do-not-call registry snapshot written by `cti-connector dnc-import`.
struct DncRegistryConfig {
  std::string name;  // "robinson"
  std::string file;  // the .dnc snapshot
};

// How a click-to-call becomes an AMI Originate.
struct OriginateConfig {
  std::string pbx;                             // which configured PBX dials; default the first
  std::string endpoint = "PJSIP/{extension}";  // the agent's phone; {extension} is replaced
  std::string context = "from-internal";       // context that dials the customer
  // "national": home-region numbers as dialled nationally, others 00 + cc + number;
  // "e164": "+" and digits as they are.
  std::string exten_format = "national";
  int ring_timeout_ms = 30000;
};

struct PolicySettings {
  policy::PolicyConfig gate;  // virtual numbers and default line copied in from `numbers`
  std::string rates_file;     // prefix,rate_per_min,currency CSV; empty = spend not checked
  std::vector<DncRegistryConfig> dnc_registries;
  OriginateConfig originate;
};

struct WebhookCrmConfig {
  std::string type = "webhook";
  std::string name;
  std::string url;
  std::string secret;
  std::vector<std::string> events;  // empty = all
  int timeout_ms = 10000;
};

// A CRM built from its crm[] block (every type but "webhook"): the adapter is
// pure and immutable, so it is built once, at validation.
struct CrmAdapterEntry {
  std::string type;  // "hubspot", "template", ...
  std::shared_ptr<const adapters::CrmAdapter> adapter;
};

struct DeliveryConfig {
  int workers = 4;
  int max_attempts = 12;
  int max_age_s = 86400;
  int backoff_initial_ms = 1000;
  int backoff_max_ms = 300000;
  int timeout_ms = 10000;
  std::string ca_file;  // PEM CAs for https receivers; empty = system store
};

struct StoreConfig {
  std::string path = "cti.db";
  int commit_interval_ms = 20;
};

struct ApiConfig {
  std::string listen = "127.0.0.1:8080";  // "host:port"; port 0 picks a free port
  std::vector<std::string> tokens;
  std::size_t max_body_bytes = 1 << 20;
  int threads = 2;  // API worker threads
  // CSP frame-ancestors of the agent panel: who may embed it in an iframe.
  std::vector<std::string> frame_ancestors = {"'none'"};
};

// The agent panel's screen-pop (connector/app/screen_pop.h).
struct ScreenPopConfig {
  // The pop-up goes out when the CRM lookup answers, or after this long
  // without a contact (a second message follows when the lookup completes).
  int lookup_timeout_ms = 700;
  int crm_timeout_ms = 5000;      // one CRM lookup request
  int cache_ttl_s = 300;          // a found contact is reused this long
  int negative_cache_ttl_s = 60;  // "no contact" is reused this long
  int history = 5;                // earlier calls with the number shown in the pop-up
  int lookup_threads = 2;
  int max_pending_lookups = 256;  // more ringing calls at once pop without a contact
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
};

struct Config {
  std::vector<AmiPbxConfig> pbx;
  std::vector<AgentConfig> agents;
  NumbersConfig numbers;
  std::vector<WebhookCrmConfig> crm;
  // The other CRM blocks, in config order (lookups try them in this order).
  std::vector<CrmAdapterEntry> crm_adapters;
  StoreConfig store;
  ApiConfig api;
  DeliveryConfig delivery;
  LogConfig log;
  PolicySettings policy;
  ScreenPopConfig screen_pop;
  // The config file's directory: data files named by CRM blocks (the
  // directory CRM's contacts CSV) are relative to it. "" when parsed from
  // text: relative to the working directory.
  std::string config_dir;
};

struct ConfigError {
  std::string path;  // JSON-pointer-ish path, e.g. "$.pbx[0].port"; "$" for the whole file
  std::string reason;
  // "$.pbx[0].port: expected an integer between 1 and 65535, got \"5038x\""
  std::string to_string() const;
};

// Looks up an environment variable by name; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Parses and validates a whole configuration. `${VAR}` inside any string value
// is replaced from `env` (`$${` yields a literal `${`).
// `config_dir`: see Config::config_dir.
std::expected<Config, ConfigError> parse_config(std::string_view json_text, const EnvLookup& env,
                                                std::string_view config_dir = {});

// Reads `path` and parses it; a file that cannot be read is a ConfigError too.
std::expected<Config, ConfigError> load_config_file(const std::string& path, const EnvLookup& env);

// The real process environment (std::getenv).
EnvLookup process_env();

}  // namespace cti::config
