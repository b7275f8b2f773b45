// Every class of configuration error is reported at the exact JSON path with a
// reason that says what was expected.
#include <gtest/gtest.h>

#include <functional>

#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

struct ErrorCase {
  std::string name;
  std::function<void(json&)> mutate;
  std::string path;
  std::string reason;  // exact when `exact`, else a substring
  bool exact = false;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ConfigErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrors, ReportsPathAndReason) {
  const ErrorCase& c = GetParam();
  json j = base_config();
  c.mutate(j);
  const ConfigError e = error_of(j);
  EXPECT_EQ(e.path, c.path) << e.to_string();
  if (c.exact) {
    EXPECT_EQ(e.reason, c.reason);
  } else {
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << "reason was: " << e.reason;
  }
  EXPECT_EQ(e.to_string(), e.path + ": " + e.reason);
}

const ErrorCase kCases[] = {
    // Unknown keys at every level.
    {"UnknownTopLevelKey", [](json& j) { j["pbxs"] = json::array(); }, "$.pbxs",
     "unknown key (did you mean \"pbx\"?)", true},
    {"UnknownPbxKey", [](json& j) { j["pbx"][0]["hots"] = "x"; }, "$.pbx[0].hots",
     "unknown key (did you mean \"host\"?)", true},
    {"UnknownKeyListsKnownKeys", [](json& j) { j["log"]["colour_output"] = true; },
     "$.log.colour_output", "unknown key (known keys: level)", true},
    {"UnknownAgentKey", [](json& j) { j["agents"][0]["queue"] = "q"; }, "$.agents[0].queue",
     "unknown key"},
    {"UnknownCrmKey", [](json& j) { j["crm"][0]["headers"] = json::object(); }, "$.crm[0].headers",
     "unknown key"},
    {"UnknownKeyWithOddCharacters", [](json& j) { j["api"]["my key"] = 1; }, "$.api[\"my key\"]",
     "unknown key"},
    // Wrong types.
    {"PortAsString", [](json& j) { j["pbx"][0]["port"] = "5038x"; }, "$.pbx[0].port",
     "expected an integer between 1 and 65535, got \"5038x\"", true},
    {"PortAsFloat", [](json& j) { j["pbx"][0]["port"] = 5038.5; }, "$.pbx[0].port",
     "expected an integer between 1 and 65535, got 5038.5", true},
    {"BoolAsString", [](json& j) { j["pbx"][0]["md5_login"] = "yes"; }, "$.pbx[0].md5_login",
     "expected true or false, got \"yes\"", true},
    {"HostAsNumber", [](json& j) { j["pbx"][0]["host"] = 127; }, "$.pbx[0].host",
     "expected a string, got 127", true},
    {"PbxNotArray", [](json& j) { j["pbx"] = j["pbx"][0]; }, "$.pbx",
     "expected an array, got an object", true},
    {"AgentNotObject", [](json& j) { j["agents"][0] = "ana"; }, "$.agents[0]",
     "expected an object, got \"ana\"", true},
    {"NumbersNotObject", [](json& j) { j["numbers"] = json::array(); }, "$.numbers",
     "expected an object, got an array", true},
    {"DidsElementNotString",
     [](json& j) {
       j["numbers"]["dids"] = {"+34912000100", 34};
     },
     "$.numbers.dids[1]", "expected a string, got 34", true},
    {"EventsNotArray", [](json& j) { j["crm"][0]["events"] = "call.ended"; }, "$.crm[0].events",
     "expected an array"},
    {"NullValue", [](json& j) { j["store"]["path"] = nullptr; }, "$.store.path",
     "expected a string, got null", true},
    // Missing required keys.
    {"MissingPbxName", [](json& j) { j["pbx"][0].erase("name"); }, "$.pbx[0].name",
     "missing required key", true},
    {"MissingPbxHost", [](json& j) { j["pbx"][0].erase("host"); }, "$.pbx[0].host",
     "missing required key", true},
    {"MissingPbxUsername", [](json& j) { j["pbx"][0].erase("username"); }, "$.pbx[0].username",
     "missing required key", true},
    {"MissingPbxSecret", [](json& j) { j["pbx"][0].erase("secret"); }, "$.pbx[0].secret",
     "missing required key", true},
    {"MissingAgentId", [](json& j) { j["agents"][0].erase("id"); }, "$.agents[0].id",
     "missing required key", true},
    {"MissingAgentExtension", [](json& j) { j["agents"][0].erase("extension"); },
     "$.agents[0].extension", "missing required key", true},
    {"MissingCrmName", [](json& j) { j["crm"][0].erase("name"); }, "$.crm[0].name",
     "missing required key", true},
    {"MissingCrmUrl", [](json& j) { j["crm"][0].erase("url"); }, "$.crm[0].url",
     "missing required key", true},
    {"MissingCrmSecret", [](json& j) { j["crm"][0].erase("secret"); }, "$.crm[0].secret",
     "missing required key", true},
    {"MissingApi", [](json& j) { j.erase("api"); }, "$.api", "missing required key", true},
    {"MissingApiTokens", [](json& j) { j["api"].erase("tokens"); }, "$.api.tokens",
     "missing required key", true},
    {"EmptyApiTokens", [](json& j) { j["api"]["tokens"] = json::array(); }, "$.api.tokens",
     "expected at least one API token", true},
    {"EmptyPbxName", [](json& j) { j["pbx"][0]["name"] = ""; }, "$.pbx[0].name",
     "must not be empty", true},
    // Out of range.
    {"PortZero", [](json& j) { j["pbx"][0]["port"] = 0; }, "$.pbx[0].port",
     "expected an integer between 1 and 65535, got 0", true},
    {"PortTooLarge", [](json& j) { j["pbx"][0]["port"] = 65536; }, "$.pbx[0].port",
     "expected an integer between 1 and 65535, got 65536", true},
    {"PortHuge", [](json& j) { j["pbx"][0]["port"] = 18446744073709551615ULL; }, "$.pbx[0].port",
     "expected an integer between 1 and 65535"},
    {"NegativePing", [](json& j) { j["pbx"][0]["ping_interval_ms"] = -1; },
     "$.pbx[0].ping_interval_ms", "expected an integer between 1 and 3600000, got -1", true},
    {"ZeroBackoff", [](json& j) { j["pbx"][0]["backoff_initial_ms"] = 0; },
     "$.pbx[0].backoff_initial_ms", "expected an integer between 1 and"},
    {"BackoffMaxBelowInitial",
     [](json& j) {
       j["pbx"][0]["backoff_initial_ms"] = 1000;
       j["pbx"][0]["backoff_max_ms"] = 100;
     },
     "$.pbx[0].backoff_max_ms", "must be at least backoff_initial_ms (1000), got 100", true},
    {"TinyFrameLimit", [](json& j) { j["pbx"][0]["max_frame_bytes"] = 10; },
     "$.pbx[0].max_frame_bytes", "expected an integer between 1024 and"},
    {"WorkersZero", [](json& j) { j["delivery"]["workers"] = 0; }, "$.delivery.workers",
     "expected an integer between 1 and 64, got 0", true},
    {"WorkersTooMany", [](json& j) { j["delivery"]["workers"] = 65; }, "$.delivery.workers",
     "expected an integer between 1 and 64, got 65", true},
    {"DeliveryBackoffInverted",
     [](json& j) {
       j["delivery"] = {{"backoff_initial_ms", 5000}, {"backoff_max_ms", 10}};
     },
     "$.delivery.backoff_max_ms", "must be at least backoff_initial_ms (5000)"},
    {"CommitIntervalZero", [](json& j) { j["store"]["commit_interval_ms"] = 0; },
     "$.store.commit_interval_ms", "expected an integer between 1 and"},
    {"CrmTimeoutZero", [](json& j) { j["crm"][0]["timeout_ms"] = 0; }, "$.crm[0].timeout_ms",
     "expected an integer between 1 and"},
    {"MaxAttemptsZero", [](json& j) { j["delivery"]["max_attempts"] = 0; },
     "$.delivery.max_attempts", "expected an integer between 1 and"},
    // Duplicates.
    {"DuplicatePbxName", [](json& j) { j["pbx"].push_back(j["pbx"][0]); }, "$.pbx[1].name",
     "duplicate PBX name \"main\" (already used by $.pbx[0].name)", true},
    {"DuplicateAgentId",
     [](json& j) {
       j["agents"].push_back({{"id", "ana"}, {"extension", "1002"}});
     },
     "$.agents[1].id", "duplicate agent id \"ana\" (already used by $.agents[0].id)", true},
    {"DuplicateAgentExtension",
     [](json& j) {
       j["agents"].push_back({{"id", "ben"}, {"extension", "1001"}});
     },
     "$.agents[1].extension", "duplicate agent extension \"1001\"", false},
    {"DuplicateCrmName", [](json& j) { j["crm"].push_back(j["crm"][0]); }, "$.crm[1].name",
     "duplicate CRM name \"hooks\" (already used by $.crm[0].name)", true},
    {"DuplicateDid",
     [](json& j) {
       j["numbers"]["dids"] = {"+34912000100", "+34912000100"};
     },
     "$.numbers.dids[1]", "duplicate DID"},
    // Formats.
    {"ListenWithoutPort", [](json& j) { j["api"]["listen"] = "127.0.0.1"; }, "$.api.listen",
     "expected \"host:port\" such as \"127.0.0.1:8080\" (port 0..65535), got \"127.0.0.1\"", true},
    {"ListenBadPort", [](json& j) { j["api"]["listen"] = "127.0.0.1:http"; }, "$.api.listen",
     "expected \"host:port\""},
    {"ListenPortTooLarge", [](json& j) { j["api"]["listen"] = "localhost:70000"; }, "$.api.listen",
     "expected \"host:port\""},
    {"ListenEmptyHost", [](json& j) { j["api"]["listen"] = ":8080"; }, "$.api.listen",
     "expected \"host:port\""},
    {"CrmUrlFtp", [](json& j) { j["crm"][0]["url"] = "ftp://example.com/x"; }, "$.crm[0].url",
     "expected an http:// or https:// URL with a host, got \"ftp://example.com/x\"", true},
    {"CrmUrlNoHost", [](json& j) { j["crm"][0]["url"] = "http:///hook"; }, "$.crm[0].url",
     "expected an http:// or https:// URL"},
    {"CrmUrlWithSpace", [](json& j) { j["crm"][0]["url"] = "http://a b/"; }, "$.crm[0].url",
     "expected an http:// or https:// URL"},
    {"RegionLowercase", [](json& j) { j["numbers"]["default_region"] = "es"; },
     "$.numbers.default_region",
     "expected a two-letter uppercase region code such as \"ES\", got \"es\"", true},
    {"RegionThreeLetters", [](json& j) { j["numbers"]["default_region"] = "ESP"; },
     "$.numbers.default_region", "expected a two-letter uppercase region code"},
    {"DidNotE164", [](json& j) { j["numbers"]["dids"] = {"912000100"}; }, "$.numbers.dids[0]",
     "expected an E.164 number such as \"+34912000100\", got \"912000100\"", true},
    {"ExtensionNotDigits", [](json& j) { j["agents"][0]["extension"] = "10a1"; },
     "$.agents[0].extension", "expected an extension of 1 to 6 digits"},
    {"ExtensionLongerThanLimit", [](json& j) { j["numbers"]["max_extension_digits"] = 3; },
     "$.agents[0].extension",
     "expected an extension of 1 to 3 digits (numbers.max_extension_digits), got \"1001\"", true},
    {"UnknownLogLevel",
     [](json& j) {
       j["log"] = {{"level", "verbose"}};
     },
     "$.log.level",
     "expected one of trace, debug, info, warn, error, critical, off, got \"verbose\"", true},
    {"UnknownEventType",
     [](json& j) {
       j["crm"][0]["events"] = {"call.ended", "call.exploded"};
     },
     "$.crm[0].events[1]", "unknown event type \"call.exploded\" (known: "},
    // Types of plug-ins.
    // The list of known types grows with every adapter: check its frame only.
    {"UnknownCrmType", [](json& j) { j["crm"][0]["type"] = "sugarcrm"; }, "$.crm[0].type",
     "unknown CRM type \"sugarcrm\" (known types: \""},
    {"UnknownPbxType", [](json& j) { j["pbx"][0]["type"] = "esl"; }, "$.pbx[0].type",
     "unknown PBX type \"esl\" (known types: \"ami\")", true},
    // Secrets and tokens.
    {"EmptyPbxSecret", [](json& j) { j["pbx"][0]["secret"] = ""; }, "$.pbx[0].secret",
     "must not be empty", true},
    {"EmptyCrmSecret", [](json& j) { j["crm"][0]["secret"] = ""; }, "$.crm[0].secret",
     "must not be empty", true},
    {"ShortToken",
     [](json& j) {
       j["api"]["tokens"] = {"0123456789abcdef", "short"};
     },
     "$.api.tokens[1]", "API token too short: expected at least 16 characters (value not shown)",
     true},
    {"DuplicateToken",
     [](json& j) {
       j["api"]["tokens"] = {"0123456789abcdef", "0123456789abcdef"};
     },
     "$.api.tokens[1]", "duplicate API token (same as $.api.tokens[0])", true},
    // Environment placeholders.
    {"MalformedPlaceholder", [](json& j) { j["store"]["path"] = "${DATA_DIR"; }, "$.store.path",
     "unterminated \"${\""},
    {"MissingVariable", [](json& j) { j["pbx"][0]["host"] = "${PBX_HOST}"; }, "$.pbx[0].host",
     "environment variable PBX_HOST is not set", true},
    {"MissingVariableInArray", [](json& j) { j["api"]["tokens"] = {"${OTHER_TOKEN}"}; },
     "$.api.tokens[0]", "environment variable OTHER_TOKEN is not set", true},
    // Caller ids and the dialing policy.
    {"VirtualNumberNotE164",
     [](json& j) {
       j["numbers"]["virtual"] = {{{"number", "02079460001"}}};
     },
     "$.numbers.virtual[0].number", "expected an E.164 number"},
    {"VirtualNumberUnassigned",
     [](json& j) {
       j["numbers"]["virtual"] = {{{"number", "+4400000"}}};
     },
     "$.numbers.virtual[0].number", "not a valid, assigned number"},
    {"VirtualNumberBadPurpose",
     [](json& j) {
       j["numbers"]["virtual"] = {{{"number", "+442079460001"}, {"purposes", {"sales"}}}};
     },
     "$.numbers.virtual[0].purposes[0]", "expected \"commercial\" or \"service\""},
    {"VirtualNumberBadPrefix",
     [](json& j) {
       j["numbers"]["virtual"] = {{{"number", "+442079460001"}, {"prefixes", {"+4420"}}}};
     },
     "$.numbers.virtual[0].prefixes[0]", "without \"+\""},
    {"DefaultLineNotOwned", [](json& j) { j["numbers"]["default_line"] = "+34910000009"; },
     "$.numbers.default_line", "must be one of numbers.dids or numbers.virtual"},
    {"AgentTokenTooShort", [](json& j) { j["agents"][0]["token"] = "short"; }, "$.agents[0].token",
     "API token too short"},
    {"AgentTokenSameAsIntegration", [](json& j) { j["agents"][0]["token"] = "${API_TOKEN}"; },
     "$.agents[0].token", "same token as $.api.tokens[0] (value not shown)", true},
    {"PolicyUnknownKey", [](json& j) { j["policy"]["velocty"] = json::object(); },
     "$.policy.velocty", "unknown key (did you mean \"velocity\"?)", true},
    {"PolicyBadPrefix", [](json& j) { j["policy"]["deny_prefixes"] = {"34905"}; },
     "$.policy.deny_prefixes[0]", "an E.164 prefix"},
    {"PolicyBadRegion",
     [](json& j) {
       j["policy"]["allowed_countries"] = {"UK", "es"};
     },
     "$.policy.allowed_countries[1]", "two-letter uppercase region code"},
    {"PolicyUnknownNumberType", [](json& j) { j["policy"]["deny_types"] = {"premium"}; },
     "$.policy.deny_types[0]", "unknown number type \"premium\""},
    {"PolicyNegativeBudget",
     [](json& j) {
       j["policy"]["spend"] = {{"agent_monthly_budget", -1}};
     },
     "$.policy.spend.agent_monthly_budget", "expected a number between 0 and"},
    {"PolicyBadCurrency",
     [](json& j) {
       j["policy"]["spend"] = {{"currency", "euro"}};
     },
     "$.policy.spend.currency", "ISO 4217"},
    {"PolicyStaleMode",
     [](json& j) {
       j["policy"]["dnc"] = {{"stale", "ignore"}};
     },
     "$.policy.dnc.stale", "expected \"deny\" or \"warn\""},
    {"PolicyRegistryNamedInternal",
     [](json& j) {
       j["policy"]["dnc"] = {{"registries", {{{"name", "internal"}, {"file", "x"}}}}};
     },
     "$.policy.dnc.registries[0].name", "company's own opt-out list"},
    {"PolicyHoursUnknownZone",
     [](json& j) {
       j["policy"]["calling_hours"] = {{"GB", {{"zone", "Mars/Olympus"}}}};
     },
     "$.policy.calling_hours.GB.zone", "unknown time zone"},
    {"PolicyHoursNeedWindowsOutsideSpain",
     [](json& j) {
       j["policy"]["calling_hours"] = {{"GB", {{"zone", "Europe/London"}}}};
     },
     "$.policy.calling_hours.GB.windows", "missing required key", true},
    {"PolicyHoursEndBeforeStart",
     [](json& j) {
       j["policy"]["calling_hours"] = {
           {"ES", {{"windows", {{{"days", "mon-fri"}, {"from", "21:00"}, {"to", "09:00"}}}}}}};
     },
     "$.policy.calling_hours.ES.windows[0].to", "must be later than \"from\""},
    {"PolicyHoursBadHoliday",
     [](json& j) {
       j["policy"]["calling_hours"] = {{"ES", {{"holidays", {"2026-13-01"}}}}};
     },
     "$.policy.calling_hours.ES.holidays[0]", "expected a date"},
    {"PolicyOriginateUnknownPbx",
     [](json& j) {
       j["policy"]["originate"] = {{"pbx", "backup"}};
     },
     "$.policy.originate.pbx", "no PBX named \"backup\""},
    {"PolicyOriginateEndpointWithoutExtension",
     [](json& j) {
       j["policy"]["originate"] = {{"endpoint", "PJSIP/1001"}};
     },
     "$.policy.originate.endpoint", "must contain {extension}"},
};

INSTANTIATE_TEST_SUITE_P(AllClasses, ConfigErrors, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

TEST(ConfigSyntax, InvalidJsonReportsLineAndColumn) {
  auto r = parse_config("{\n  \"pbx\": [\n    {\"name\": \"main\",}\n  ]\n}", fake_env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "$");
  EXPECT_NE(r.error().reason.find("invalid JSON at line 3, column 21"), std::string::npos)
      << r.error().reason;
}

TEST(ConfigSyntax, EmptyTextIsInvalidJson) {
  auto r = parse_config("", fake_env({}));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().reason.find("invalid JSON at line 1, column 1"), std::string::npos)
      << r.error().reason;
}

TEST(ConfigSyntax, TopLevelMustBeAnObject) {
  auto r = parse_config("[1, 2]", fake_env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().to_string(), "$: expected an object, got an array");
}

TEST(ConfigSyntax, DuplicateKeysAreRejectedWithTheirPath) {
  auto r = parse_config(R"({"api": {"tokens": ["0123456789abcdef"]},
    "pbx": [{"name": "a", "host": "h", "username": "u", "secret": "s"},
            {"name": "b", "host": "h", "port": 1, "port": 2, "username": "u", "secret": "s"}]})",
                        fake_env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "$.pbx[1].port");
  EXPECT_EQ(r.error().reason, "duplicate key \"port\"");
}

TEST(ConfigSyntax, DuplicateTopLevelKey) {
  auto r = parse_config(R"({"log": {}, "api": {"tokens": ["0123456789abcdef"]}, "log": {}})",
                        fake_env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "$.log");
}

TEST(ConfigFile, UnreadableFileIsAConfigError) {
  auto r = load_config_file("/nonexistent/dir/connector.json", fake_env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "$");
  EXPECT_NE(r.error().reason.find("cannot read config file \"/nonexistent/dir/connector.json\""),
            std::string::npos)
      << r.error().reason;
}

}  // namespace
}  // namespace cti::config
