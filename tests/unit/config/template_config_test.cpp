// The "template" crm[] block: inline templates, "file" templates with the
// block's keys on top, every mistake reported at its JSON path when the config
// loads, and the shipped EspoCRM and Odoo templates producing the requests
// their APIs document (crm-apis.md sections 5, 6, 9): record -> request tables.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "adapters/template/template_adapter.h"
#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

const std::string kAdapters = CTI_FIXTURES "/../../config/adapters/";

json with_crm(json block) {
  json j = base_config();
  j["crm"].push_back(std::move(block));
  return j;
}

EnvLookup env() {
  return fake_env({{"AMI_SECRET", kAmiSecret},
                   {"WEBHOOK_SECRET", kWebhookSecret},
                   {"API_TOKEN", kApiToken},
                   {"CRM_KEY", "espo-Secret-Key"}});
}

json inline_block() {
  return json::parse(R"({
    "type": "template", "name": "crm", "base_url": "https://crm.example.com",
    "token": "${CRM_KEY}", "users": {"ana": "u-ana"},
    "headers": {"X-Api-Key": "{{crm.token}}"},
    "lookup": {"url": "{{crm.base_url}}/api/Contact?phone={{number.e164|url}}",
               "results": "/list", "id": "/id", "name": "/name"},
    "disposition_map": {"answered": "Held", "missed": "Not Held", "busy": "Not Held",
                        "failed": "Not Held", "abandoned": "Not Held", "voicemail": "Held"},
    "log": {"url": "{{crm.base_url}}/api/Call",
            "body": {"status": "{{call.disposition|map}}", "parentId": "{{contact.id}}"},
            "when": ["inbound", "answered"]}})");
}

const adapters::TemplateAdapter& adapter_of(const Config& c, std::size_t i = 0) {
  EXPECT_EQ(c.crm_adapters.at(i).type, "template");
  return dynamic_cast<const adapters::TemplateAdapter&>(*c.crm_adapters.at(i).adapter);
}

core::CallRecord record(core::Direction direction, core::Disposition disposition,
                        std::string agent = "1001") {
  core::CallRecord r;
  r.call_id = "c-42";
  r.direction = direction;
  const bool in = direction == core::Direction::Inbound;
  r.from = in ? "+34912345678" : "1001";
  r.to = in ? "+34930000000" : "+34912345678";
  r.agent = std::move(agent);
  r.queue = "sales";
  r.started_at = core::from_unix_micros(1795878809'778000);  // 2026-11-28T15:13:29.778Z
  r.ended_at = r.started_at + std::chrono::seconds(130);
  r.talk_s = disposition == core::Disposition::Answered ? 125 : 0;
  r.disposition = disposition;
  return r;
}

std::string header(const core::HttpRequest& req, const std::string& name) {
  for (const auto& [k, v] : req.headers)
    if (k == name) return v;
  return {};
}

TEST(TemplateConfig, InlineBlockBuildsTheAdapter) {
  auto c = parse(with_crm(inline_block()), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& a = adapter_of(*c);
  EXPECT_EQ(a.name(), "crm");
  EXPECT_TRUE(a.logs_calls());
  const auto req = a.lookup(core::PhoneNumber::parse("+34912345678", "ES"));
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, "GET");
  EXPECT_EQ(req->url, "https://crm.example.com/api/Contact?phone=%2B34912345678");
  EXPECT_EQ(header(*req, "X-Api-Key"), "espo-Secret-Key");
  adapters::Contact contact;
  contact.id = "C7";
  const auto log = a.log_call(record(core::Direction::Inbound, core::Disposition::Missed), contact);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->method, "POST");  // a body means POST unless "method" says otherwise
  EXPECT_EQ(json::parse(log->body), json({{"status", "Not Held"}, {"parentId", "C7"}}));
}

struct Case {
  const char* name;
  void (*mutate)(json&);
  const char* path;
  const char* reason;
};

TEST(TemplateConfig, MistakesAreReportedAtTheirPath) {
  const Case cases[] = {
      {"unknown placeholder",
       [](json& b) { b["log"]["url"] = "{{crm.base_url}}/api/Call/{{call.frm}}"; },
       "$.crm[1].log.url", "unknown placeholder {{call.frm}} (did you mean {{call.from}}?)"},
      {"call in a lookup",
       [](json& b) { b["lookup"]["url"] = "{{crm.base_url}}/x?q={{call.from}}"; },
       "$.crm[1].lookup.url", "{{call.from}} is not available in a lookup"},
      {"unknown filter", [](json& b) { b["log"]["body"]["parentId"] = "{{contact.id|uper}}"; },
       "$.crm[1].log.body.parentId", "unknown filter \"uper\""},
      {"unclosed", [](json& b) { b["log"]["body"]["x"] = {"{{call.from"}; },
       "$.crm[1].log.body.x[0]", "without a closing"},
      {"unknown map", [](json& b) { b["log"]["body"]["status"] = "{{call.disposition|map:st}}"; },
       "$.crm[1].log.body.status", "unknown map \"st\""},
      {"incomplete map", [](json& b) { b["disposition_map"].erase("voicemail"); },
       "$.crm[1].log.body.status", "no entry for \"voicemail\""},
      {"bad condition", [](json& b) { b["log"]["when"][1] = "answred"; }, "$.crm[1].log.when[1]",
       "unknown condition \"answred\""},
      {"bad pointer", [](json& b) { b["lookup"]["results"] = "list"; }, "$.crm[1].lookup.results",
       "JSON pointer"},
      {"number in text",
       [](json& b) { b["log"]["url"] = "{{crm.base_url}}/{{contact.id|number}}"; },
       "$.crm[1].log.url", "|number works only"},
      {"get with body", [](json& b) { b["log"]["method"] = "GET"; }, "$.crm[1].log.body",
       "a GET request has no body"},
      {"bad method", [](json& b) { b["log"]["method"] = "FETCH"; }, "$.crm[1].log.method",
       "expected GET, POST"},
      {"relative url", [](json& b) { b["log"]["url"] = "/api/Call"; }, "$.crm[1].log.url",
       "starts with {{crm.base_url}}"},
      {"token used but missing", [](json& b) { b.erase("token"); }, "$.crm[1].token",
       "the template uses {{crm.token}}"},
      {"unknown var", [](json& b) { b["log"]["url"] = "{{crm.base_url}}/{{vars.db}}"; },
       "$.crm[1].log.url", "unknown placeholder {{vars.db}}"},
      {"typo in a lookup key", [](json& b) { b["lookup"]["result"] = "/list"; },
       "$.crm[1].lookup.result", "unknown key (did you mean \"results\"?)"},
      {"nothing to do",
       [](json& b) {
         b.erase("lookup");
         b.erase("log");
       },
       "$.crm[1]", "needs \"lookup\", \"log\" or both"},
      {"missing file", [](json& b) { b["file"] = "/nonexistent/espo.json"; }, "$.crm[1].file",
       "cannot read template file"},
      {"unknown agent",
       [](json& b) {
         b["users"] = {{"bob", "u1"}};
       },
       "$.crm[1].users.bob", "not a configured agent"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    json block = inline_block();
    c.mutate(block);
    const ConfigError e = error_of(with_crm(block), env());
    EXPECT_EQ(e.path, c.path) << e.to_string();
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << e.reason;
    EXPECT_EQ(e.to_string().find("espo-Secret-Key"), std::string::npos);
  }
}

TEST(TemplateConfig, FileErrorsNameTheFile) {
  // Odoo's template leaves vars.db and vars.uid for the crm block to fill.
  const json block = {{"type", "template"},
                      {"name", "odoo"},
                      {"file", kAdapters + "odoo.json"},
                      {"base_url", "https://odoo.example.com"},
                      {"token", "${CRM_KEY}"}};
  const ConfigError e = error_of(with_crm(block), env());
  EXPECT_EQ(e.path, kAdapters + "odoo.json:$.vars.db") << e.to_string();
  EXPECT_NE(e.reason.find("set it in the crm block"), std::string::npos);
}

TEST(TemplateConfig, RelativeFileIsRelativeToTheConfigFile) {
  // As the directory adapter's CSV: a config in /etc/cti naming
  // "adapters/espocrm.json" means /etc/cti/adapters/espocrm.json, wherever
  // the connector was started.
  std::string tmpl = (std::filesystem::temp_directory_path() / "cti-template-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::filesystem::path dir = tmpl;
  std::filesystem::create_directories(dir / "adapters");
  std::filesystem::copy_file(kAdapters + "espocrm.json", dir / "adapters" / "espocrm.json");
  json block = {{"type", "template"},
                {"name", "espo"},
                {"file", "adapters/espocrm.json"},
                {"base_url", "https://espo.example.com"},
                {"token", "${CRM_KEY}"},
                {"users", {{"ana", "u-ana"}}}};
  std::ofstream(dir / "connector.json") << with_crm(block).dump();
  auto c = load_config_file((dir / "connector.json").string(), env());
  ASSERT_TRUE(c) << c.error().to_string();
  // users keyed by agent id also match the record's extension (1001 = ana).
  const auto request = adapter_of(*c).log_call(
      record(core::Direction::Inbound, core::Disposition::Answered, "1001"), std::nullopt);
  ASSERT_TRUE(request.has_value());
  EXPECT_NE(request->body.find("u-ana"), std::string::npos) << request->body;
  // Parsed from text there is no config file: the same name is not found.
  const ConfigError e = error_of(with_crm(block), env());
  EXPECT_EQ(e.path, "$.crm[1].file");
  EXPECT_NE(e.reason.find("adapters/espocrm.json"), std::string::npos) << e.reason;
  std::filesystem::remove_all(dir);
}

// --- EspoCRM (crm-apis.md §6, §9)

json espo_block() {
  return {{"type", "template"},
          {"name", "espo"},
          {"file", kAdapters + "espocrm.json"},
          {"base_url", "https://espo.example.com/"},
          {"token", "${CRM_KEY}"},
          {"users", {{"ana", "5f1a00000000000a1"}}}};
}

TEST(TemplateEspo, LooksUpContactsThenLeadsByPhoneWithTheApiKey) {
  auto c = parse(with_crm(espo_block()), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& a = adapter_of(*c);
  const auto n = core::PhoneNumber::parse("+15551230000", "US");
  adapters::Step s = a.lookup_step(n, {});
  ASSERT_TRUE(s.is(adapters::Step::Kind::Send));
  EXPECT_EQ(s.request.method, "GET");
  EXPECT_EQ(s.request.url,
            "https://espo.example.com/api/v1/Contact?select=id,name,accountName,phoneNumber,"
            "modifiedAt&maxSize=5&orderBy=modifiedAt&order=desc&where[0][type]=equals&where[0]["
            "attribute]=phoneNumber&where[0][value]=%2B15551230000");
  EXPECT_EQ(header(s.request, "X-Api-Key"), "espo-Secret-Key");
  std::vector<adapters::Exchange> so_far{{s.request, {200, {}, R"({"total":0,"list":[]})"}}};
  s = a.lookup_step(n, so_far);
  ASSERT_TRUE(s.is(adapters::Step::Kind::Send));
  EXPECT_NE(s.request.url.find("/api/v1/Lead?"), std::string::npos);
  so_far.push_back({s.request,
                    {200,
                     {},
                     R"({"total":2,"list":[
        {"id":"a1","name":"Old Lead","accountName":"Acme","modifiedAt":"2025-01-15 10:00:00"},
        {"id":"b2","name":"New Lead","accountName":null,"modifiedAt":"2025-02-15 10:00:00"}]})"}});
  s = a.lookup_step(n, so_far);
  ASSERT_TRUE(s.is(adapters::Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "b2");
  EXPECT_EQ(s.contact->kind, "lead");
  EXPECT_EQ(s.contact->company, "");
  EXPECT_TRUE(s.contact->ambiguous);
  EXPECT_EQ(s.contact->matches, 2);
  EXPECT_EQ(s.contact->url, "https://espo.example.com/#Lead/view/b2");
}

struct EspoRow {
  core::Disposition disposition;
  core::Direction direction;
  const char* status;
};
// crm-apis.md §9: EspoCRM status; voicemail is Held when we left one.
const EspoRow kEspo[] = {
    {core::Disposition::Answered, core::Direction::Inbound, "Held"},
    {core::Disposition::Answered, core::Direction::Outbound, "Held"},
    {core::Disposition::Missed, core::Direction::Inbound, "Not Held"},
    {core::Disposition::Missed, core::Direction::Outbound, "Not Held"},
    {core::Disposition::Busy, core::Direction::Inbound, "Not Held"},
    {core::Disposition::Busy, core::Direction::Outbound, "Not Held"},
    {core::Disposition::Failed, core::Direction::Inbound, "Not Held"},
    {core::Disposition::Failed, core::Direction::Outbound, "Not Held"},
    {core::Disposition::Abandoned, core::Direction::Inbound, "Not Held"},
    {core::Disposition::Abandoned, core::Direction::Outbound, "Not Held"},
    {core::Disposition::Voicemail, core::Direction::Inbound, "Not Held"},
    {core::Disposition::Voicemail, core::Direction::Outbound, "Held"},
};

TEST(TemplateEspo, CallBodyForEveryDispositionDirectionAndAgent) {
  auto c = parse(with_crm(espo_block()), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& a = adapter_of(*c);
  adapters::Contact contact;
  contact.id = "c0ffee";
  contact.kind = "contact";
  for (const EspoRow& row : kEspo) {
    for (const bool mapped : {true, false}) {
      SCOPED_TRACE(std::string(core::to_string(row.disposition)) + " " +
                   std::string(core::to_string(row.direction)) + (mapped ? " mapped" : ""));
      const auto req =
          a.log_call(record(row.direction, row.disposition, mapped ? "1001" : "1099"), contact);
      ASSERT_TRUE(req);
      EXPECT_EQ(req->method, "POST");
      EXPECT_EQ(req->url, "https://espo.example.com/api/v1/Call");
      EXPECT_EQ(req->idempotency_key, "espo:c-42:call");
      const json body = json::parse(req->body);
      const bool in = row.direction == core::Direction::Inbound;
      json expected = {{"name", std::string(in ? "Inbound" : "Outbound") + " call +34912345678"},
                       {"status", row.status},
                       {"direction", in ? "Inbound" : "Outbound"},
                       {"dateStart", "2026-11-28 15:13:29"},
                       {"dateEnd", "2026-11-28 15:15:39"},
                       {"parentType", "Contact"},
                       {"parentId", "c0ffee"},
                       {"usersIds", json::array()},
                       {"description", body.value("description", "")}};
      if (mapped) {
        expected["assignedUserId"] = "5f1a00000000000a1";
        expected["usersIds"] = {"5f1a00000000000a1"};
      }
      EXPECT_EQ(body, expected);
      EXPECT_TRUE(body["description"].get<std::string>().starts_with("cti_call_id: c-42\n"));
    }
  }
}

TEST(TemplateEspo, UnknownCallerBecomesALeadOnlyWhenEnabled) {
  json block = espo_block();
  auto c = parse(with_crm(block), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto n = core::PhoneNumber::parse("+34912345678", "ES");
  EXPECT_FALSE(adapter_of(*c).create_contact(n));
  block["create_unknown_contacts"] = true;
  c = parse(with_crm(block), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto req = adapter_of(*c).create_contact(n);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://espo.example.com/api/v1/Lead");
  EXPECT_EQ(
      json::parse(req->body),
      json({{"lastName", "Unknown caller"}, {"phoneNumber", "+34912345678"}, {"source", "Call"}}));
}

TEST(TemplateEspo, BlockKeysReplaceTheFiles) {
  json block = espo_block();
  block["log"] = {{"url", "{{crm.base_url}}/api/v1/Task"},
                  {"body", {{"name", "{{call.call_id}}"}}}};
  block["find_logged"] = nullptr;  // null removes the file's key
  auto c = parse(with_crm(block), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& a = adapter_of(*c);
  EXPECT_FALSE(a.options().find_logged);
  EXPECT_EQ(a.options().lookups.size(), 2u);
  const auto req = a.log_call(record(core::Direction::Inbound, core::Disposition::Answered), {});
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://espo.example.com/api/v1/Task");
  EXPECT_EQ(json::parse(req->body), json({{"name", "c-42"}}));
}

// --- Odoo (crm-apis.md §5)

json odoo_block() {
  return {{"type", "template"},
          {"name", "odoo"},
          {"file", kAdapters + "odoo.json"},
          {"base_url", "https://odoo.example.com"},
          {"token", "${CRM_KEY}"},
          {"vars", {{"db", "acme"}, {"uid", 2}}},
          {"users", {{"ana", "6"}}}};
}

json execute_kw(json args) {
  return {{"jsonrpc", "2.0"},
          {"method", "call"},
          {"id", 1},
          {"params", {{"service", "object"}, {"method", "execute_kw"}, {"args", std::move(args)}}}};
}

TEST(TemplateOdoo, SearchReadsPartnersByNormalizedPhone) {
  auto c = parse(with_crm(odoo_block()), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& a = adapter_of(*c);
  const auto req = a.lookup(core::PhoneNumber::parse("+15551230000", "US"));
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url, "https://odoo.example.com/jsonrpc");
  EXPECT_EQ(
      json::parse(req->body),
      execute_kw(
          {"acme",
           2,
           "espo-Secret-Key",
           "res.partner",
           "search_read",
           json::array({json::array({json::array({"phone_mobile_search", "=", "+15551230000"})})}),
           {{"fields", {"id", "name", "commercial_company_name", "write_date"}},
            {"limit", 5},
            {"order", "write_date desc"}}}));
  const auto contact = a.parse_lookup({200, {}, R"({"jsonrpc":"2.0","id":1,"result":[
      {"id":7,"name":"Ana","commercial_company_name":false,"write_date":"2025-01-15 10:00:00"},
      {"id":9,"name":"Ana R.","commercial_company_name":"Acme","write_date":"2025-03-15 10:00:00"}]})"});
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->id, "9");
  EXPECT_EQ(contact->company, "Acme");
  EXPECT_TRUE(contact->ambiguous);
  EXPECT_EQ(contact->url, "https://odoo.example.com/web#id=9&model=res.partner&view_type=form");
}

TEST(TemplateOdoo, RpcErrorsInA200AreFailures) {
  auto c = parse(with_crm(odoo_block()), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto n = core::PhoneNumber::parse("+15551230000", "US");
  adapters::Step s = adapter_of(*c).lookup_step(n, {});
  const std::vector<adapters::Exchange> so_far{
      {s.request,
       {200, {}, R"({"jsonrpc":"2.0","id":1,"error":{"code":200,"message":"Odoo Server Error",
                    "data":{"name":"odoo.exceptions.AccessDenied"}}})"}}};
  s = adapter_of(*c).lookup_step(n, so_far);
  ASSERT_TRUE(s.is(adapters::Step::Kind::Fail));
  EXPECT_NE(s.reason.find("AccessDenied"), std::string::npos);
}

// Odoo sends its traceback with every error ("debug", often kilobytes): the
// failure must still name the exception and say Odoo's message.
TEST(TemplateOdoo, RpcErrorsKeepOdoosNameAndMessagePastItsTraceback) {
  auto c = parse(with_crm(odoo_block()), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto n = core::PhoneNumber::parse("+15551230000", "US");
  adapters::Step s = adapter_of(*c).lookup_step(n, {});
  std::string traceback = "Traceback (most recent call last):\n";
  while (traceback.size() < 3000)
    traceback += "  File \"/usr/lib/python3/dist-packages/odoo/x.py\"\n";
  const json answer = {{"jsonrpc", "2.0"},
                       {"id", 1},
                       {"error",
                        {{"code", 200},
                         {"message", "Odoo Server Error"},
                         {"data",
                          {{"name", "odoo.exceptions.AccessDenied"},
                           {"debug", traceback},
                           {"message", "Access Denied"},
                           {"arguments", {"Access Denied"}},
                           {"context", json::object()}}}}}};
  const std::vector<adapters::Exchange> so_far{{s.request, {200, {}, answer.dump()}}};
  s = adapter_of(*c).lookup_step(n, so_far);
  ASSERT_TRUE(s.is(adapters::Step::Kind::Fail));
  EXPECT_NE(s.reason.find(R"("name":"odoo.exceptions.AccessDenied")"), std::string::npos)
      << s.reason;
  EXPECT_NE(s.reason.find(R"("message":"Access Denied")"), std::string::npos) << s.reason;
  EXPECT_LT(s.reason.size(), 500u);
}

struct OdooRow {
  core::Disposition disposition;
  core::Direction direction;
  const char* outcome;
};
const OdooRow kOdoo[] = {
    {core::Disposition::Answered, core::Direction::Inbound, "answered"},
    {core::Disposition::Missed, core::Direction::Inbound, "missed"},
    {core::Disposition::Busy, core::Direction::Outbound, "busy"},
    {core::Disposition::Failed, core::Direction::Outbound, "failed"},
    {core::Disposition::Abandoned, core::Direction::Inbound, "abandoned (caller hung up waiting)"},
    {core::Disposition::Voicemail, core::Direction::Inbound, "caller left a voicemail"},
    {core::Disposition::Voicemail, core::Direction::Outbound, "we left a voicemail"},
};

TEST(TemplateOdoo, ChatterNoteOnThePartnerForEveryDisposition) {
  auto c = parse(with_crm(odoo_block()), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& a = adapter_of(*c);
  adapters::Contact contact;
  contact.id = "7";
  for (const OdooRow& row : kOdoo) {
    SCOPED_TRACE(row.outcome);
    const auto req = a.log_call(record(row.direction, row.disposition), contact);
    ASSERT_TRUE(req);
    const json body = json::parse(req->body);
    const json& args = body.at("params").at("args");
    ASSERT_EQ(args.size(), 7u);
    EXPECT_EQ(args[3], "res.partner");
    EXPECT_EQ(args[4], "message_post");
    EXPECT_EQ(args[5], json::parse("[[7]]"));
    const json& kw = args[6];
    EXPECT_EQ(kw.at("message_type"), "comment");
    EXPECT_EQ(kw.at("subtype_xmlid"), "mail.mt_note");
    EXPECT_EQ(kw.at("body_is_html"), true);
    const std::string html = kw.at("body").get<std::string>();
    EXPECT_NE(html.find(std::string(": ") + row.outcome + "</p>"), std::string::npos) << html;
    EXPECT_NE(html.find("started: 2026-11-28 15:13:29 UTC"), std::string::npos) << html;
    EXPECT_NE(html.find("cti_call_id: c-42"), std::string::npos);
  }
}

TEST(TemplateOdoo, HtmlInCallerDataIsEscaped) {
  auto c = parse(with_crm(odoo_block()), env());
  ASSERT_TRUE(c) << c.error().to_string();
  adapters::Contact contact;
  contact.id = "7";
  core::CallRecord r = record(core::Direction::Inbound, core::Disposition::Answered);
  r.queue = "<script>alert(1)</script>";
  const auto req = adapter_of(*c).log_call(r, contact);
  const std::string html = json::parse(req->body)["params"]["args"][6]["body"].get<std::string>();
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
}

TEST(TemplateOdoo, NoPartnerNoNoteUnlessCreatingThenNoteOnTheNewPartner) {
  json block = odoo_block();
  auto c = parse(with_crm(block), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto r = record(core::Direction::Inbound, core::Disposition::Missed);
  const core::HttpResponse none{200, {}, R"({"jsonrpc":"2.0","id":1,"result":[]})"};
  adapters::Step s = adapter_of(*c).log_step(r, {}, 1);
  std::vector<adapters::Exchange> so_far{{s.request, none}};
  s = adapter_of(*c).log_step(r, so_far, 1);
  ASSERT_TRUE(s.is(adapters::Step::Kind::Done));  // "when": "contact_found"
  EXPECT_NE(s.reason.find("skipped"), std::string::npos);

  block["create_unknown_contacts"] = true;
  c = parse(with_crm(block), env());
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& a = adapter_of(*c);
  s = a.log_step(r, so_far, 1);
  ASSERT_TRUE(s.is(adapters::Step::Kind::Send));
  EXPECT_EQ(
      json::parse(s.request.body)["params"]["args"],
      json({"acme", 2, "espo-Secret-Key", "res.partner", "create",
            json::array({{{"name", "Unknown caller +34912345678"}, {"phone", "+34912345678"}}})}));
  so_far.push_back({s.request, {200, {}, R"({"jsonrpc":"2.0","id":1,"result":42})"}});
  s = a.log_step(r, so_far, 1);
  ASSERT_TRUE(s.is(adapters::Step::Kind::Send));
  EXPECT_EQ(json::parse(s.request.body)["params"]["args"][5], json::parse("[[42]]"));
}

}  // namespace
}  // namespace cti::config
