#include "connector/config/sections.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "connector/config/validators.h"
#include "connector/policy/destination.h"

namespace cti::config {
namespace {

constexpr long long kMaxIntervalMs = 3'600'000;  // one hour
constexpr long long kMaxTimeoutMs = 600'000;     // ten minutes

// Remembers where each value was first seen so a duplicate names both places.
class UniqueValues {
 public:
  explicit UniqueValues(std::string what) : what_(std::move(what)) {}
  void check(const Node& at, const std::string& value) {
    auto [pos, inserted] = seen_.try_emplace(value, at.path());
    if (!inserted) {
      at.fail("duplicate " + what_ + " " + at.describe() + " (already used by " + pos->second +
              ")");
    }
  }

 private:
  std::string what_;
  std::map<std::string, std::string, std::less<>> seen_;
};

// Backoff caps below their starting value would make the "exponential" backoff
// shrink; reject that instead of silently swapping.
void check_backoff(const ObjectReader& r, int initial, int max) {
  if (max < initial) {
    r.required("backoff_max_ms")
        .fail("must be at least backoff_initial_ms (" + std::to_string(initial) + "), got " +
              std::to_string(max));
  }
}

}  // namespace

std::vector<AmiPbxConfig> parse_pbx_section(const Node& node) {
  std::vector<AmiPbxConfig> out;
  UniqueValues names("PBX name");
  for (const Node& entry : node.elements()) {
    const ObjectReader r = entry.object({"type", "name", "host", "port", "username", "secret",
                                         "md5_login", "ping_interval_ms", "backoff_initial_ms",
                                         "backoff_max_ms", "max_frame_bytes", "internal_contexts"});
    AmiPbxConfig c;
    if (auto type = r.optional("type")) {
      c.type = type->text();
      if (c.type != "ami")
        type->fail("unknown PBX type " + type->describe() + " (known types: \"ami\")");
    }
    const Node name = r.required("name");
    c.name = name.non_empty_text();
    names.check(name, c.name);
    c.host = r.required("host").non_empty_text();
    r.read("port", c.port, 1, 65535);
    c.username = r.required("username").non_empty_text();
    c.secret = r.required("secret").secret().non_empty_text();
    r.read("md5_login", c.md5_login);
    r.read("ping_interval_ms", c.ping_interval_ms, 1, kMaxIntervalMs);
    r.read("backoff_initial_ms", c.backoff_initial_ms, 1, kMaxIntervalMs);
    r.read("backoff_max_ms", c.backoff_max_ms, 1, kMaxIntervalMs);
    check_backoff(r, c.backoff_initial_ms, c.backoff_max_ms);
    // Real AMI frames are a few hundred bytes; below 1 KiB even a
    // CoreShowChannel frame would be rejected.
    r.read("max_frame_bytes", c.max_frame_bytes, 1024, 64LL << 20);
    r.read("internal_contexts", c.internal_contexts);
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

policy::VirtualNumber parse_virtual_number(const Node& entry, const std::string& region) {
  const ObjectReader r = entry.object({"number", "countries", "prefixes", "purposes"});
  policy::VirtualNumber v;
  const Node number = r.required("number");
  v.number = number.text();
  if (!is_e164(v.number))
    number.fail("expected an E.164 number such as \"+442079460001\", got " + number.describe());
  // Classified once here so the gate never presents a mobile number where
  // that is banned, without calling libphonenumber per decision.
  const auto classified = policy::classify_destination(v.number, region);
  if (!classified) number.fail("not a valid, assigned number (" + classified.error().message + ")");
  v.type = classified->type;
  if (auto countries = r.optional("countries")) {
    for (const Node& c : countries->elements()) {
      std::string code = c.text();
      if (!is_region_code(code))
        c.fail("expected a two-letter uppercase region code such as \"GB\", got " + c.describe());
      v.countries.push_back(std::move(code));
    }
  } else {
    v.countries = {classified->region};  // local for its own country
  }
  if (auto prefixes = r.optional("prefixes")) {
    for (const Node& p : prefixes->elements()) {
      std::string digits = p.non_empty_text();
      if (digits.size() > 15 || digits.find_first_not_of("0123456789") != std::string::npos)
        p.fail(
            "expected the E.164 digits a destination starts with, without \"+\" (\"4420\"), got " +
            p.describe());
      v.prefixes.push_back(std::move(digits));
    }
  }
  if (auto purposes = r.optional("purposes")) {
    v.purposes.clear();
    for (const Node& p : purposes->elements()) {
      const std::string text = p.text();
      if (text == "commercial")
        v.purposes.push_back(policy::Purpose::Commercial);
      else if (text == "service")
        v.purposes.push_back(policy::Purpose::Service);
      else
        p.fail("expected \"commercial\" or \"service\", got " + p.describe());
    }
    if (v.purposes.empty()) purposes->fail("expected at least one purpose");
  }
  return v;
}

}  // namespace

NumbersConfig parse_numbers_section(const Node& node) {
  const ObjectReader r =
      node.object({"default_region", "dids", "max_extension_digits", "virtual", "default_line"});
  NumbersConfig c;
  if (auto region = r.optional("default_region")) {
    c.default_region = region->text();
    if (!is_region_code(c.default_region)) {
      region->fail("expected a two-letter uppercase region code such as \"ES\", got " +
                   region->describe());
    }
  }
  if (auto dids = r.optional("dids")) {
    UniqueValues seen("DID");
    for (const Node& d : dids->elements()) {
      std::string did = d.text();
      if (!is_e164(did)) {
        d.fail("expected an E.164 number such as \"+34912000100\", got " + d.describe());
      }
      seen.check(d, did);
      c.dids.push_back(std::move(did));
    }
  }
  r.read("max_extension_digits", c.max_extension_digits, 1, 10);
  if (auto list = r.optional("virtual")) {
    UniqueValues seen("virtual number");
    for (const Node& entry : list->elements()) {
      c.virtual_numbers.push_back(parse_virtual_number(entry, c.default_region));
      seen.check(ObjectReader(entry).required("number"), c.virtual_numbers.back().number);
    }
  }
  if (auto line = r.optional("default_line")) {
    c.default_line = line->text();
    const bool owned = std::find(c.dids.begin(), c.dids.end(), c.default_line) != c.dids.end() ||
                       std::any_of(c.virtual_numbers.begin(), c.virtual_numbers.end(),
                                   [&](const auto& v) { return v.number == c.default_line; });
    // Presenting a number the company does not own is caller-id spoofing.
    if (!owned)
      line->fail(
          "must be one of numbers.dids or numbers.virtual (the company's own numbers), got " +
          line->describe());
    // A DID as the default line joins the caller-id inventory (local for
    // its own country), classified like the virtual numbers.
    const bool in_inventory =
        std::any_of(c.virtual_numbers.begin(), c.virtual_numbers.end(),
                    [&](const auto& v) { return v.number == c.default_line; });
    if (!in_inventory) {
      const auto classified = policy::classify_destination(c.default_line, c.default_region);
      if (!classified)
        line->fail("not a valid, assigned number (" + classified.error().message + ")");
      policy::VirtualNumber v;
      v.number = c.default_line;
      v.countries = {classified->region};
      v.type = classified->type;
      c.virtual_numbers.push_back(std::move(v));
    }
  }
  return c;
}

std::vector<AgentConfig> parse_agents_section(const Node& node, const NumbersConfig& numbers) {
  std::vector<AgentConfig> out;
  UniqueValues ids("agent id");
  UniqueValues extensions("agent extension");
  for (const Node& entry : node.elements()) {
    const ObjectReader r = entry.object({"id", "extension", "name", "token"});
    AgentConfig c;
    const Node id = r.required("id");
    c.id = id.non_empty_text();
    ids.check(id, c.id);
    const Node ext = r.required("extension");
    c.extension = ext.text();
    // Longer digit strings would be read as phone numbers, not this agent.
    if (!is_extension(c.extension, numbers.max_extension_digits)) {
      ext.fail("expected an extension of 1 to " + std::to_string(numbers.max_extension_digits) +
               " digits (numbers.max_extension_digits), got " + ext.describe());
    }
    extensions.check(ext, c.extension);
    r.read("name", c.name);
    if (auto token = r.optional("token")) {
      token->secret();
      c.token = token->non_empty_text();
      if (c.token.size() < 16)
        token->fail("API token too short: expected at least 16 characters (value not shown)");
    }
    out.push_back(std::move(c));
  }
  return out;
}

StoreConfig parse_store_section(const Node& node) {
  const ObjectReader r = node.object({"path", "commit_interval_ms"});
  StoreConfig c;
  if (auto path = r.optional("path")) c.path = path->non_empty_text();
  r.read("commit_interval_ms", c.commit_interval_ms, 1, 60'000);
  return c;
}

namespace {

// api.frame_ancestors: the values go verbatim into the panel's CSP header,
// so each must be exactly one source expression.
std::vector<std::string> parse_frame_ancestors(const Node& node) {
  const std::vector<Node> elements = node.elements();
  if (elements.empty()) node.fail("expected at least one source; [\"'none'\"] forbids framing");
  std::vector<std::string> out;
  for (const Node& e : elements) {
    std::string v = e.text();
    if (v == "'none'") {
      if (elements.size() != 1) e.fail("'none' cannot be combined with other sources");
    } else if (v == "none" || v == "self") {
      e.fail("write \"'" + v + "'\" with its single quotes, got " + e.describe());
    } else if (!is_frame_ancestor(v)) {
      e.fail(
          "expected 'self' or an origin such as \"https://crm.example.com\" (http or https, "
          "a host that may start with *., an optional port, no path), got " +
          e.describe());
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

ApiConfig parse_api_section(const Node& node) {
  const ObjectReader r =
      node.object({"listen", "tokens", "max_body_bytes", "threads", "frame_ancestors"});
  ApiConfig c;
  if (auto listen = r.optional("listen")) {
    c.listen = listen->text();
    if (!is_listen_address(c.listen)) {
      listen->fail("expected \"host:port\" such as \"127.0.0.1:8080\" (port 0..65535), got " +
                   listen->describe());
    }
  }
  Node tokens = r.required("tokens");
  tokens.secret();
  const std::vector<Node> elements = tokens.elements();
  if (elements.empty()) tokens.fail("expected at least one API token");
  std::map<std::string, std::string, std::less<>> seen;
  for (const Node& t : elements) {
    std::string token = t.non_empty_text();
    if (token.size() < 16) {
      t.fail("API token too short: expected at least 16 characters (value not shown)");
    }
    // A repeated token is harmless but a sign of a copy-paste mistake; the
    // message names only the positions.
    if (auto [pos, inserted] = seen.try_emplace(token, t.path()); !inserted) {
      t.fail("duplicate API token (same as " + pos->second + ")");
    }
    c.tokens.push_back(std::move(token));
  }
  r.read("max_body_bytes", c.max_body_bytes, 1024, 1LL << 30);
  r.read("threads", c.threads, 1, 64);
  if (auto fa = r.optional("frame_ancestors")) c.frame_ancestors = parse_frame_ancestors(*fa);
  return c;
}

DeliveryConfig parse_delivery_section(const Node& node) {
  const ObjectReader r = node.object({"workers", "max_attempts", "max_age_s", "backoff_initial_ms",
                                      "backoff_max_ms", "timeout_ms", "ca_file"});
  DeliveryConfig c;
  r.read("workers", c.workers, 1, 64);
  r.read("max_attempts", c.max_attempts, 1, 1000);
  r.read("max_age_s", c.max_age_s, 1, 365LL * 86400);
  r.read("backoff_initial_ms", c.backoff_initial_ms, 1, 86'400'000);
  r.read("backoff_max_ms", c.backoff_max_ms, 1, 86'400'000);
  check_backoff(r, c.backoff_initial_ms, c.backoff_max_ms);
  r.read("timeout_ms", c.timeout_ms, 1, kMaxTimeoutMs);
  if (auto ca = r.optional("ca_file")) {
    c.ca_file = ca->non_empty_text();
    if (!std::ifstream(c.ca_file)) ca->fail("cannot read CA file \"" + c.ca_file + "\"");
  }
  return c;
}

ScreenPopConfig parse_screen_pop_section(const Node& node) {
  const ObjectReader r =
      node.object({"lookup_timeout_ms", "crm_timeout_ms", "cache_ttl_s", "negative_cache_ttl_s",
                   "history", "lookup_threads", "max_pending_lookups"});
  ScreenPopConfig c;
  r.read("lookup_timeout_ms", c.lookup_timeout_ms, 0, 60000);
  r.read("crm_timeout_ms", c.crm_timeout_ms, 1, kMaxTimeoutMs);
  r.read("cache_ttl_s", c.cache_ttl_s, 0, 86400);
  r.read("negative_cache_ttl_s", c.negative_cache_ttl_s, 0, 86400);
  r.read("history", c.history, 0, 50);
  r.read("lookup_threads", c.lookup_threads, 1, 32);
  r.read("max_pending_lookups", c.max_pending_lookups, 1, 100000);
  return c;
}

LogConfig parse_log_section(const Node& node) {
  const ObjectReader r = node.object({"level"});
  LogConfig c;
  if (auto level = r.optional("level")) {
    c.level = level->text();
    static constexpr std::string_view kLevels[] = {"trace", "debug",    "info", "warn",
                                                   "error", "critical", "off"};
    if (std::find(std::begin(kLevels), std::end(kLevels), c.level) == std::end(kLevels)) {
      level->fail("expected one of trace, debug, info, warn, error, critical, off, got " +
                  level->describe());
    }
  }
  return c;
}

}  // namespace cti::config
