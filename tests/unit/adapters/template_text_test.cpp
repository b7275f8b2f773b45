// The template adapter's placeholder language: syntax, every filter, escaping,
// missing values, and the `when` conditions.
#include "adapters/template/template_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/template/template_condition.h"
#include "adapters/template/template_filters.h"
#include "adapters/template/template_request.h"

namespace cti::adapters::tmpl {
namespace {

using nlohmann::json;

std::string show(std::string_view source, const Values& values = {}, const Maps& maps = {}) {
  auto t = Text::parse(source);
  EXPECT_TRUE(t) << source << ": " << (t ? "" : t.error());
  return t ? render(*t, values, maps) : "<parse error>";
}

std::string error_of(std::string_view source) {
  auto t = Text::parse(source);
  EXPECT_FALSE(t) << source << " parsed";
  return t ? std::string() : t.error();
}

TEST(TemplateText, LiteralsAndPlaceholdersInOrder) {
  const Values v{{"call.from", "+34912345678"}, {"call.direction", "inbound"}};
  EXPECT_EQ(show("{{call.direction}} call from {{ call.from }}!", v),
            "inbound call from +34912345678!");
  EXPECT_EQ(show("no placeholders"), "no placeholders");
  EXPECT_EQ(show(""), "");
  EXPECT_EQ(show("a }} b", v), "a }} b");  // a stray "}}" is text (JSON text bodies)
}

TEST(TemplateText, MissingValueIsEmptyUnlessDefault) {
  EXPECT_EQ(show("[{{call.queue}}]"), "[]");
  EXPECT_EQ(show("{{call.queue|default:no queue}}"), "no queue");
  EXPECT_EQ(show("{{call.queue|default: sales }}", {{"call.queue", "support"}}), "support");
  // default after a filter that could not read the value
  EXPECT_EQ(show("{{call.answered_at|utc_sql|default:never}}"), "never");
}

struct FilterCase {
  const char* source;
  const char* value;
  const char* expected;
};

TEST(TemplateText, EveryFilter) {
  const Maps maps{{"disposition", {{"answered", "Held"}, {"missed", "Not Held"}}},
                  {"status", {{"voicemail", "VM"}, {"voicemail.outbound", "Left VM"}}}};
  const FilterCase cases[] = {
      {"{{x|url}}", "+34 91/2?a=b&c", "%2B34%2091%2F2%3Fa%3Db%26c"},
      {"{{x|url}}", "A-z_0.9~", "A-z_0.9~"},
      {"{{x|json}}", "say \"hi\"\\\n\t\x01", "say \\\"hi\\\"\\\\\\n\\t\\u0001"},
      {"{{x|html}}", "<b>\"Tom\" & 'Jerry'</b>",
       "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"},
      {"{{x|int}}", "125.4", "125"},
      {"{{x|int}}", "125.5", "126"},
      {"{{x|int}}", "abc", ""},
      {"{{x|ms}}", "125.4", "125400"},
      {"{{x|minutes}}", "125", "2.08"},
      {"{{x|minutes}}", "120", "2"},
      {"{{x|mmss}}", "125", "02:05"},
      {"{{x|mmss}}", "3725", "62:05"},
      {"{{x|upper}}", "inbound", "INBOUND"},
      {"{{x|lower}}", "InBound", "inbound"},
      {"{{x|capitalize}}", "inbound", "Inbound"},
      {"{{x|digits}}", "+34 (91) 234-5678", "34912345678"},
      {"{{x|default:none}}", "", "none"},
      {"{{x|map}}", "missed", "Not Held"},
      {"{{x|map}}", "busy", ""},
      {"{{x|map:status}}", "voicemail.outbound", "Left VM"},
      {"{{x|map:status}}", "voicemail.inbound", "VM"},  // falls back to the part before "."
      {"{{x|rfc3339}}", "2026-11-28T15:13:29.778Z", "2026-11-28T15:13:29Z"},
      {"{{x|rfc3339}}", "2026-11-28T16:13:29+01:00", "2026-11-28T15:13:29Z"},
      {"{{x|utc_sql}}", "2026-11-28T15:13:29.778Z", "2026-11-28 15:13:29"},
      {"{{x|date}}", "2026-11-28T23:59:59Z", "2026-11-28"},
      {"{{x|epoch}}", "2026-11-28T15:13:29.778Z", "1795878809"},
      {"{{x|epoch_ms}}", "2026-11-28T15:13:29.778Z", "1795878809778"},
      {"{{x|utc_sql}}", "2025-01-15 10:00:00", "2025-01-15 10:00:00"},
      {"{{x|utc_sql}}", "yesterday", ""},
      {"{{x|lower|capitalize}}", "OUTBOUND", "Outbound"},
  };
  for (const FilterCase& c : cases) {
    SCOPED_TRACE(c.source + std::string(" <- ") + c.value);
    EXPECT_EQ(show(c.source, {{"x", c.value}}, maps), c.expected);
  }
}

TEST(TemplateText, EveryFilterNameParses) {
  for (std::string_view name : filter_names()) {
    const std::string arg = name == "default" ? ":x" : "";
    EXPECT_TRUE(Text::parse("{{a|" + std::string(name) + arg + "}}")) << name;
  }
}

TEST(TemplateText, SyntaxErrorsSayWhat) {
  EXPECT_NE(error_of("call {{call.from").find("without a closing \"}}\""), std::string::npos);
  EXPECT_NE(error_of("{{}}").find("empty placeholder"), std::string::npos);
  EXPECT_NE(error_of("{{call from}}").find("bad placeholder name"), std::string::npos);
  EXPECT_NE(error_of("{{call.from|urll}}").find("unknown filter \"urll\""), std::string::npos);
  EXPECT_NE(error_of("{{call.from|default}}").find("needs an argument"), std::string::npos);
  EXPECT_NE(error_of("{{call.from|url:x}}").find("takes no argument"), std::string::npos);
  EXPECT_NE(error_of("{{contact.id|number|int}}").find("after an output filter"),
            std::string::npos);
}

TEST(TemplateText, WholeIsOnlyASinglePlaceholder) {
  EXPECT_NE(Text::parse("{{contact.id|number}}")->whole(), nullptr);
  EXPECT_EQ(Text::parse(" {{contact.id}}")->whole(), nullptr);
  EXPECT_EQ(Text::parse("{{a}}{{b}}")->whole(), nullptr);
}

TEST(TemplateText, NumbersShowWithoutNoise) {
  EXPECT_EQ(number_text(125), "125");
  EXPECT_EQ(number_text(125.5), "125.5");
  EXPECT_EQ(number_text(0.001), "0.001");
  EXPECT_EQ(number_text(0), "0");
}

// --- bodies: built as JSON, never pasted text

BodyTemplate body(const json& j) {
  BodyTemplate b;
  if (j.is_string()) {
    b.kind = BodyTemplate::Kind::Text;
    b.text = *Text::parse(j.get<std::string>());
  } else if (j.is_object()) {
    b.kind = BodyTemplate::Kind::Object;
    for (const auto& [k, v] : j.items()) {
      b.items.push_back(body(v));
      b.items.back().key = k;
    }
  } else if (j.is_array()) {
    b.kind = BodyTemplate::Kind::Array;
    for (const auto& v : j) b.items.push_back(body(v));
  } else {
    b.literal = j;
  }
  return b;
}

TEST(TemplateBody, CallerIdCannotInjectJson) {
  const std::string evil = "\",\"assignedUserId\":\"admin\",\"x\":\"\\";
  const Values v{{"call.from", evil}, {"number.e164", "+34912345678"}};
  const auto out = render_body(
      body(json::parse(R"({"name":"Call from {{call.from}}","from":"{{call.from}}"})")), v, {});
  ASSERT_TRUE(out);
  const json reparsed = json::parse(out->dump());
  EXPECT_EQ(reparsed.size(), 2u);
  EXPECT_FALSE(reparsed.contains("assignedUserId"));
  EXPECT_EQ(reparsed["from"], evil);
  EXPECT_EQ(reparsed["name"], "Call from " + evil);
}

TEST(TemplateBody, NumberAndOmitEmptyAndLiterals) {
  const Values v{{"contact.id", "7"}, {"call.talk_s", "125.4"}};
  const auto out = render_body(body(json::parse(R"({
      "ids": [["{{contact.id|number}}"]], "talk": "{{call.talk_s|number}}",
      "none": "{{agent.crm_user|number}}", "owner": "{{agent.crm_user|omit_empty}}",
      "users": ["{{agent.crm_user|omit_empty}}"], "n": 3, "ok": true, "nil": null,
      "text_id": "{{contact.id}}"})")),
                               v, {});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, json::parse(R"({"ids": [[7]], "talk": 125.4, "none": null,
      "users": [], "n": 3, "ok": true, "nil": null, "text_id": "7"})"));
}

TEST(TemplateBody, InvalidUtf8FromThePbxDoesNotThrow) {
  RequestTemplate t;
  t.method = "POST";
  t.url = *Text::parse("http://crm/x");
  t.json_body = body(json::parse(R"({"name":"{{call.from}}"})"));
  const auto req = render_request(t, {}, {{"call.from", "Jos\xe9"}}, {});
  EXPECT_TRUE(json::accept(req.body)) << req.body;
}

TEST(TemplateRequest, HeadersMergeDropEmptyAndLoseLineBreaks) {
  RequestTemplate t;
  t.url = *Text::parse("{{crm.base_url}}/api?q={{number.e164|url}}");
  t.headers.push_back({"x-api-key", *Text::parse("override")});
  t.headers.push_back({"X-User", *Text::parse("{{agent.crm_user|omit_empty}}")});
  t.headers.push_back({"X-Note", *Text::parse("a{{call.from}}b")});
  const std::vector<HeaderTemplate> common{{"X-Api-Key", *Text::parse("{{crm.token}}")},
                                           {"Accept-Language", *Text::parse("en")}};
  const auto req = render_request(t, common,
                                  {{"crm.base_url", "https://crm"},
                                   {"crm.token", "k"},
                                   {"number.e164", "+1"},
                                   {"call.from", "\r\nInjected: 1"}},
                                  {});
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url, "https://crm/api?q=%2B1");
  EXPECT_EQ(req.body, "");
  const std::vector<std::pair<std::string, std::string>> expected{
      {"Accept-Language", "en"}, {"x-api-key", "override"}, {"X-Note", "aInjected: 1b"}};
  EXPECT_EQ(req.headers, expected);
}

// --- conditions

core::CallRecord call(core::Direction d, core::Disposition disp) {
  core::CallRecord r;
  r.direction = d;
  r.disposition = disp;
  return r;
}

bool holds(std::string_view text, const Facts& f) {
  auto c = Condition::parse(text);
  EXPECT_TRUE(c) << text << ": " << (c ? "" : c.error());
  return c && c->holds(f);
}

TEST(TemplateCondition, Vocabulary) {
  const auto answered_in = call(core::Direction::Inbound, core::Disposition::Answered);
  const auto missed_out = call(core::Direction::Outbound, core::Disposition::Missed);
  const Facts a{true, &answered_in, true};
  const Facts b{false, &missed_out, false};
  const Facts popup{false, nullptr, false};
  EXPECT_TRUE(holds("always", b));
  EXPECT_TRUE(holds("contact_found", a));
  EXPECT_FALSE(holds("contact_found", b));
  EXPECT_TRUE(holds("no_contact", b));
  EXPECT_TRUE(holds("answered", a));
  EXPECT_FALSE(holds("answered", b));
  EXPECT_TRUE(holds("not_answered", b));
  EXPECT_FALSE(holds("not_answered", popup));  // no call: neither answered nor not
  EXPECT_TRUE(holds("inbound", a));
  EXPECT_TRUE(holds("outbound", b));
  EXPECT_TRUE(holds("agent_mapped", a));
  EXPECT_TRUE(holds("agent_unmapped", b));
  EXPECT_TRUE(holds("direction == inbound", a));
  EXPECT_TRUE(holds("call.direction != inbound", b));
  EXPECT_TRUE(holds(" disposition == missed ", b));
  EXPECT_FALSE(holds("disposition == missed", a));
  EXPECT_TRUE(holds("disposition != missed", a));
  EXPECT_FALSE(holds("direction == inbound", popup));
}

TEST(TemplateCondition, AllMustHold) {
  const auto r = call(core::Direction::Inbound, core::Disposition::Answered);
  const Facts f{false, &r, true};
  std::vector<Condition> list{*Condition::parse("inbound"), *Condition::parse("no_contact")};
  EXPECT_TRUE(all_hold(list, f));
  list.push_back(*Condition::parse("contact_found"));
  EXPECT_FALSE(all_hold(list, f));
  EXPECT_TRUE(all_hold({}, f));
}

TEST(TemplateCondition, UnknownWordsListTheVocabulary) {
  auto c = Condition::parse("contact_exists");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("unknown condition \"contact_exists\""), std::string::npos);
  EXPECT_NE(c.error().find("no_contact"), std::string::npos);
  c = Condition::parse("direction == sideways");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("unknown direction \"sideways\""), std::string::npos);
  c = Condition::parse("disposition == hungup");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("unknown disposition"), std::string::npos);
  EXPECT_FALSE(Condition::parse("queue == sales"));  // no general expressions
}

}  // namespace
}  // namespace cti::adapters::tmpl
