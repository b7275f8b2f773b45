#include "adapters/template/template_config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "adapters/template/template_adapter.h"
#include "connector/config/crm_common.h"
#include "connector/config/json_path.h"
#include "connector/config/validators.h"

namespace cti::adapters {
namespace {

using config::Node;
using config::ObjectReader;
using nlohmann::json;

// Which placeholder groups a text may use: a screen-pop lookup has no call
// yet, a contact page URL only has the contact.
enum Scope : unsigned {
  kCrm = 1,
  kVars = 2,
  kNumber = 4,
  kCall = 8,
  kAgent = 16,
  kContact = 32,
};

constexpr std::string_view kCallFields[] = {
    "call_id", "direction", "from",   "to",         "did",         "caller_id_presented",
    "agent",   "queue",     "pbx",    "started_at", "answered_at", "ended_at",
    "ring_s",  "talk_s",    "wait_s", "duration_s", "disposition", "outcome"};
constexpr std::string_view kDispositions[] = {"answered", "missed",    "busy",
                                              "failed",   "abandoned", "voicemail"};

// How a text is used: output filters need to know.
enum class Use { Plain, BodyValue, Header };

struct Checker {
  std::set<std::string, std::less<>> vars;
  tmpl::Maps maps;
  bool uses_token = false;

  std::vector<std::pair<std::string, unsigned>> names() const {
    std::vector<std::pair<std::string, unsigned>> out{
        {"crm.name", kCrm},         {"crm.base_url", kCrm},       {"crm.token", kCrm},
        {"number.e164", kNumber},   {"number.national", kNumber}, {"number.digits", kNumber},
        {"number.raw", kNumber},    {"agent.id", kAgent},         {"agent.crm_user", kAgent},
        {"contact.id", kContact},   {"contact.name", kContact},   {"contact.company", kContact},
        {"contact.kind", kContact}, {"contact.url", kContact}};
    for (std::string_view f : kCallFields) out.emplace_back("call." + std::string(f), kCall);
    for (const std::string& v : vars) out.emplace_back("vars." + v, kVars);
    return out;
  }

  void check_map_covers(const Node& at, const tmpl::Placeholder& p, const tmpl::Filter& f,
                        const tmpl::Map& map) const {
    std::vector<std::string> needed;
    if (p.name == "call.direction") {
      needed = {"inbound", "outbound"};
    } else if (p.name == "call.disposition" || p.name == "call.outcome") {
      needed.assign(std::begin(kDispositions), std::end(kDispositions));
    }
    for (const std::string& key : needed) {
      const bool covered =
          map.contains(key) || (p.name == "call.outcome" && map.contains(key + ".inbound") &&
                                map.contains(key + ".outbound"));
      if (!covered) {
        at.fail("map \"" + (f.arg.empty() ? std::string("disposition_map") : f.arg) +
                "\" has no entry for \"" + key + "\" (used by {{" + p.name +
                "|map}}; add it, or end the placeholder with |default:<text>)");
      }
    }
  }

  void check(const Node& at, const tmpl::Placeholder& p, unsigned scope, std::string_view where,
             Use use, bool whole) {
    const auto all = names();
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const auto& n) { return n.first == p.name; });
    if (it == all.end())
      at.fail("unknown placeholder {{" + p.name + "}}" + suggestion(p.name, all));
    if (!(it->second & scope)) {
      at.fail("{{" + p.name + "}} is not available " + std::string(where) +
              " (available here: " + groups(scope) + ")");
    }
    if (p.name == "crm.token") uses_token = true;
    for (std::size_t i = 0; i < p.filters.size(); ++i) {
      const tmpl::Filter& f = p.filters[i];
      if (f.kind == tmpl::FilterKind::Map) {
        const auto m = maps.find(f.arg.empty() ? tmpl::kDefaultMap : std::string_view(f.arg));
        if (m == maps.end()) {
          at.fail(f.arg.empty() ? "{{" + p.name + "|map}} needs a \"disposition_map\""
                                : "unknown map \"" + f.arg + "\" in {{" + p.name +
                                      "}} (define it in \"maps\")");
        }
        const bool defaulted =
            std::any_of(p.filters.begin() + static_cast<std::ptrdiff_t>(i), p.filters.end(),
                        [](const tmpl::Filter& g) { return g.kind == tmpl::FilterKind::Default; });
        if (!defaulted) check_map_covers(at, p, f, m->second);
      }
      if (f.kind == tmpl::FilterKind::Number && !(use == Use::BodyValue && whole))
        at.fail(
            "|number works only on a JSON body value that is one placeholder, e.g. "
            "\"{{contact.id|number}}\"");
      if (f.kind == tmpl::FilterKind::OmitEmpty && !(use != Use::Plain && whole))
        at.fail(
            "|omit_empty works only on a JSON body value or a header value that is one "
            "placeholder, e.g. \"{{agent.crm_user|omit_empty}}\"");
    }
  }

  tmpl::Text text(const Node& n, unsigned scope, std::string_view where, Use use = Use::Plain) {
    auto t = tmpl::Text::parse(n.text());
    if (!t) n.fail(t.error());
    for (const auto& piece : t->pieces())
      if (piece.is_placeholder)
        check(n, piece.placeholder, scope, where, use, t->whole() != nullptr);
    return std::move(*t);
  }

  static std::string groups(unsigned scope) {
    std::string out;
    const std::pair<unsigned, const char*> g[] = {{kCrm, "crm.*"},       {kVars, "vars.*"},
                                                  {kNumber, "number.*"}, {kCall, "call.*"},
                                                  {kAgent, "agent.*"},   {kContact, "contact.*"}};
    for (const auto& [bit, name] : g)
      if (scope & bit) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
  }

  static std::size_t distance(std::string_view a, std::string_view b) {
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

  static std::string suggestion(std::string_view name,
                                const std::vector<std::pair<std::string, unsigned>>& all) {
    std::string best;
    std::size_t best_d = 3;
    for (const auto& [n, unused] : all) {
      if (const std::size_t d = distance(name, n); d < best_d) {
        best_d = d;
        best = n;
      }
    }
    if (!best.empty()) return " (did you mean {{" + best + "}}?)";
    return " (placeholders: crm.*, vars.*, number.*, call.*, agent.*, contact.*; see "
           "docs/adapters/template.md)";
  }
};

std::string pointer_of(const Node& n) {
  std::string p = n.text();
  try {
    (void)json::json_pointer(p);
  } catch (const json::exception&) {
    n.fail("expected a JSON pointer such as \"/list\" or \"/result/0/id\" (RFC 6901), got " +
           n.describe());
  }
  return p;
}

std::vector<tmpl::Condition> conditions_of(const Node& n) {
  std::vector<Node> items;
  if (n.json().is_array()) {
    items = n.elements();
  } else {
    items.push_back(n);
  }
  std::vector<tmpl::Condition> out;
  for (const Node& item : items) {
    auto c = tmpl::Condition::parse(item.text());
    if (!c) item.fail(c.error());
    out.push_back(std::move(*c));
  }
  return out;
}

tmpl::BodyTemplate body_of(const Node& n, unsigned scope, std::string_view where, Checker& ck) {
  tmpl::BodyTemplate b;
  if (n.json().is_string()) {
    b.kind = tmpl::BodyTemplate::Kind::Text;
    b.text = ck.text(n, scope, where, Use::BodyValue);
  } else if (n.json().is_object()) {
    b.kind = tmpl::BodyTemplate::Kind::Object;
    for (auto& [key, child] : n.members()) {
      b.items.push_back(body_of(child, scope, where, ck));
      b.items.back().key = key;
    }
  } else if (n.json().is_array()) {
    b.kind = tmpl::BodyTemplate::Kind::Array;
    for (const Node& child : n.elements()) b.items.push_back(body_of(child, scope, where, ck));
  } else {
    b.literal = n.json();  // numbers, true/false, null: as written
  }
  return b;
}

// The request part every step shares.
tmpl::RequestTemplate request_of(const ObjectReader& r, unsigned scope, std::string_view where,
                                 Checker& ck, std::string_view default_when) {
  tmpl::RequestTemplate t;
  const auto body = r.optional("body");
  t.method = body ? "POST" : "GET";
  if (auto m = r.optional("method")) {
    t.method = m->non_empty_text();
    std::transform(t.method.begin(), t.method.end(), t.method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    static constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    if (std::find(std::begin(kMethods), std::end(kMethods), t.method) == std::end(kMethods))
      m->fail("expected GET, POST, PUT, PATCH or DELETE, got " + m->describe());
  }
  const Node url = r.required("url");
  t.url = ck.text(url, scope, where);
  const auto& first = t.url.pieces().front();
  const bool from_base = first.is_placeholder && first.placeholder.name == "crm.base_url";
  if (!from_base && !first.literal.starts_with("http://") && !first.literal.starts_with("https://"))
    url.fail("a request URL starts with {{crm.base_url}} or http(s)://, got " + url.describe());
  if (auto h = r.optional("headers")) {
    for (auto& [name, value] : h->members())
      t.headers.push_back({name, ck.text(value, scope, where, Use::Header)});
  }
  if (body) {
    if (t.method == "GET") body->fail("a GET request has no body (use \"method\": \"POST\")");
    if (body->json().is_string()) {
      t.text_body = ck.text(*body, scope, where);
    } else {
      t.json_body = body_of(*body, scope, where, ck);
    }
  }
  r.read("content_type", t.content_type);
  if (auto w = r.optional("when")) {
    t.when = conditions_of(*w);
  } else if (!default_when.empty()) {
    t.when.push_back(*tmpl::Condition::parse(default_when));
  }
  return t;
}

tmpl::LookupTemplate lookup_of(const Node& n, Checker& ck) {
  const ObjectReader r =
      n.object({"method", "url", "headers", "body", "content_type", "kind", "results", "id", "name",
                "company", "updated_at", "total", "record_url", "no_match_status", "error"});
  tmpl::LookupTemplate l;
  l.request =
      request_of(r, kCrm | kVars | kNumber,
                 "in a lookup (the screen-pop looks up before there is a call record)", ck, "");
  r.read("kind", l.kind);
  if (auto p = r.optional("results")) l.results = pointer_of(*p);
  if (auto p = r.optional("id")) l.id = pointer_of(*p);
  if (auto p = r.optional("name")) {
    if (p->json().is_array()) {
      for (const Node& e : p->elements()) l.name.push_back(pointer_of(e));
    } else {
      l.name.push_back(pointer_of(*p));
    }
  }
  if (auto p = r.optional("company")) l.company = pointer_of(*p);
  if (auto p = r.optional("updated_at")) l.updated_at = pointer_of(*p);
  if (auto p = r.optional("total")) l.total = pointer_of(*p);
  if (auto p = r.optional("error")) l.error = pointer_of(*p);
  if (auto u = r.optional("record_url"))
    l.url = ck.text(*u, kCrm | kVars | kContact, "in a record_url (it only knows the contact)");
  if (auto s = r.optional("no_match_status")) {
    l.no_match_status.clear();
    for (const Node& e : s->elements())
      l.no_match_status.push_back(static_cast<int>(e.integer(100, 599)));
  }
  return l;
}

std::string read_file(const Node& at, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) at.fail("cannot read template file \"" + path + "\": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Top-level keys: the crm block's and the template file's.
ObjectReader top_level(const Node& n, bool in_file) {
  if (in_file && n.json().is_object() && n.json().contains("file"))
    Node(n.json()["file"], config::key_path(n.path(), "file"), n.env())
        .fail("a template file cannot name another file");
  return n.object({"type", "name", "base_url", "token", "users", "file", "vars", "default_region",
                   "headers", "maps", "disposition_map", "lookup", "create_contact",
                   "create_unknown_contacts", "log", "find_logged", "description"});
}

std::string var_text(const Node& n) {
  if (n.json().is_null())
    n.fail("this variable has no value: set it in the crm block, e.g. \"vars\": {\"" +
           n.path().substr(n.path().rfind('.') + 1) + "\": \"...\"}");
  if (n.json().is_number_integer()) return std::to_string(n.json().get<long long>());
  if (n.json().is_number()) return n.json().dump();
  return n.text();
}

tmpl::Map map_of(const Node& n) {
  tmpl::Map m;
  for (auto& [key, value] : n.members()) m[key] = value.text();
  return m;
}

}  // namespace

std::string parse_template_crm(const Node& block, config::Config& out) {
  const ObjectReader br = top_level(block, false);
  json file_doc;
  std::optional<ObjectReader> fr;
  if (auto f = br.optional("file")) {
    // Relative to the config file, like the directory adapter's CSV.
    std::filesystem::path file = f->non_empty_text();
    if (file.is_relative() && !out.config_dir.empty()) file = out.config_dir / file;
    const std::string path = file.string();
    file_doc = json::parse(read_file(*f, path), nullptr, /*allow_exceptions=*/false);
    if (!file_doc.is_object())
      f->fail("template file \"" + path + "\" is not a JSON object (check its syntax)");
    fr.emplace(top_level(Node(file_doc, path + ":$", block.env()), true));
  }
  // A key of the block replaces the file's; null removes it.
  auto pick = [&](std::string_view key) -> std::optional<Node> {
    std::optional<Node> n = br.optional(key);
    if (!n && fr) n = fr->optional(key);
    if (n && n->json().is_null()) return std::nullopt;
    return n;
  };

  json common = json::object();
  for (const char* key : {"name", "base_url", "token", "users"})
    if (auto n = pick(key)) common[key] = n->json();
  const config::CrmCommon c = config::read_crm_common(
      ObjectReader(Node(common, block.path(), block.env())), out, "", /*token_required=*/false);

  TemplateOptions o;
  o.name = c.name;
  o.base_url = c.base_url;
  o.token = c.token;
  o.users = c.users;  // keyed by agent id and extension (read_crm_common)
  Checker ck;

  // vars: the file's, then the block's over them.
  std::map<std::string, Node> vars;
  const ObjectReader* file_reader = fr ? &*fr : nullptr;
  for (const ObjectReader* reader : {file_reader, &br}) {
    if (!reader) continue;
    if (auto v = reader->optional("vars"))
      for (auto& [key, value] : v->members()) vars.insert_or_assign(key, value);
  }
  for (const auto& [key, value] : vars) {
    o.vars[key] = var_text(value);
    ck.vars.insert(key);
  }

  if (auto m = pick("maps"))
    for (auto& [name, value] : m->members()) ck.maps[name] = map_of(value);
  if (auto d = pick("disposition_map")) {
    if (ck.maps.contains(tmpl::kDefaultMap)) d->fail("maps.disposition is defined too: keep one");
    ck.maps[std::string(tmpl::kDefaultMap)] = map_of(*d);
  }

  o.default_region = out.numbers.default_region;
  if (auto region = pick("default_region")) {
    o.default_region = region->text();
    if (!config::is_region_code(o.default_region))
      region->fail("expected an ISO 3166 region code such as \"ES\", got " + region->describe());
  }
  if (auto h = pick("headers"))
    for (auto& [name, value] : h->members())
      o.headers.push_back(
          {name, ck.text(value, kCrm | kVars, "in the shared headers (they go on every request)",
                         Use::Header)});

  if (auto l = pick("lookup")) {
    if (l->json().is_array()) {
      for (const Node& e : l->elements()) o.lookups.push_back(lookup_of(e, ck));
      if (o.lookups.empty()) l->fail("expected at least one lookup request");
    } else {
      o.lookups.push_back(lookup_of(*l, ck));
    }
  }
  constexpr unsigned kCallScope = kCrm | kVars | kNumber | kCall | kAgent;
  if (auto n = pick("create_contact")) {
    const ObjectReader r = n->object(
        {"method", "url", "headers", "body", "content_type", "when", "id", "kind", "error"});
    tmpl::CreateTemplate t;
    t.request = request_of(r, kCallScope, "in create_contact", ck, "no_contact");
    if (auto p = r.optional("id")) t.id = pointer_of(*p);
    if (auto p = r.optional("error")) t.error = pointer_of(*p);
    r.read("kind", t.kind);
    o.create_contact = std::move(t);
  }
  if (auto n = pick("create_unknown_contacts")) o.create_unknown_contacts = n->boolean();
  if (auto n = pick("log")) {
    const ObjectReader r =
        n->object({"method", "url", "headers", "body", "content_type", "when", "error"});
    tmpl::LogTemplate t;
    t.request = request_of(r, kCallScope | kContact, "in log", ck, "");
    if (auto p = r.optional("error")) t.error = pointer_of(*p);
    o.log = std::move(t);
  }
  if (auto n = pick("find_logged")) {
    const ObjectReader r =
        n->object({"method", "url", "headers", "body", "content_type", "found", "error"});
    tmpl::FindLoggedTemplate t;
    t.request = request_of(r, kCallScope, "in find_logged", ck, "");
    t.found = pointer_of(r.required("found"));
    if (auto p = r.optional("error")) t.error = pointer_of(*p);
    o.find_logged = std::move(t);
  }
  if (o.lookups.empty() && !o.log)
    block.fail("a template needs \"lookup\", \"log\" or both (\"file\" can bring them)");
  if (ck.uses_token && o.token.empty()) {
    throw config::ConfigFailure{
        config::ConfigError{config::key_path(block.path(), "token"),
                            "missing required key (the template uses {{crm.token}})"}};
  }
  o.maps = std::move(ck.maps);
  const std::string name = o.name;
  config::add_crm_adapter(out, "template", std::make_shared<TemplateAdapter>(std::move(o)));
  return name;
}

}  // namespace cti::adapters
