#pragma once
// An Odoo 17/18 on loopback that answers the part of the external JSON-RPC
// API (POST /jsonrpc, service "object", execute_kw) the shipped template
// config/adapters/odoo.json uses: res.partner search_read by
// phone_mobile_search, create and message_post, and mail.message
// search_count (the retry's find_logged). As Odoo, it answers errors with
// HTTP 200 and a JSON-RPC "error" object, checks db, uid and API key on
// every call, keeps what it is sent (a later search finds it), refuses what
// it does not know (so a template that asks wrongly fails the test instead
// of getting an empty answer) and records every call for the test to read.
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <expected>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace cti::e2e {

class LocalOdoo {
 public:
  using json = nlohmann::json;
  struct Request {
    json id;                       // the JSON-RPC id, echoed in the answer
    std::string model, method;     // execute_kw's args[3], args[4]
    std::string api_key;           // args[2]
    json args = json::array();     // args[5]: the method's positional arguments
    json kwargs = json::object();  // args[6]
  };
  // What the next res.partner message_post does instead of posting and
  // answering with the message id.
  enum class NextNote {
    Post,
    RefuseWith503,   // an overloaded server or proxy: nothing posted
    PostAndLose503,  // posted, but the answer says 503 (a proxy timed out)
    RpcError,        // HTTP 200 with a JSON-RPC error (a failed constraint): nothing posted
  };

  // `partners`: res.partner records, e.g. {"id": 7, "name", "phone",
  // "mobile", "commercial_company_name", "write_date"}; absent = false.
  LocalOdoo(std::string db, int uid, std::string api_key, json partners)
      : db_(std::move(db)), uid_(uid), api_key_(std::move(api_key)) {
    set_partners(std::move(partners));
    server_.Post("/jsonrpc", [this](const auto& req, auto& res) { handle(req, res); });
    // cpp-httplib closes idle connections after 5 s, about the gap between a
    // capture's screen-pop lookup and its call log: the pooled connection can
    // break as the log reuses it (CI saw it once with the EspoCRM test), and
    // a POST is (rightly) never sent again. Odoo is usually behind nginx,
    // whose default is 75 s.
    server_.set_keep_alive_timeout(75);
    port_ = static_cast<unsigned short>(server_.bind_to_any_port("127.0.0.1"));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalOdoo() {
    server_.stop();
    thread_.join();
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void set_partners(json partners) {
    std::lock_guard lk(mu_);
    partners_ = json::array();
    for (auto& p : partners) {
      for (const char* f : kPartnerFields)
        if (!p.contains(f)) p[f] = false;
      partners_.push_back(std::move(p));
    }
  }
  void set_next_note(NextNote next) {
    std::lock_guard lk(mu_);
    next_note_ = next;
  }
  std::vector<Request> requests() const {
    std::lock_guard lk(mu_);
    return requests_;
  }
  std::vector<Request> requests(const std::string& model, const std::string& method) const {
    std::vector<Request> out;
    for (auto& r : requests())
      if (r.model == model && r.method == method) out.push_back(std::move(r));
    return out;
  }
  json partners() const {
    std::lock_guard lk(mu_);
    return partners_;
  }
  // mail.message records: {"id", "model", "res_id", "body", "message_type",
  // "subtype_xmlid"}.
  json messages() const {
    std::lock_guard lk(mu_);
    return messages_;
  }

 private:
  // An Odoo exception as JSON-RPC carries it: "name" is its Python class,
  // "message" what the user would read.
  struct Failure {
    std::string name, message;
  };
  using Result = std::expected<json, Failure>;

  static constexpr const char* kPartnerFields[] = {
      "id", "name", "phone", "mobile", "email", "commercial_company_name", "write_date"};
  static bool is_partner_field(const std::string& f) {
    return std::ranges::find(kPartnerFields, f) != std::end(kPartnerFields);
  }
  static Failure value_error(std::string message) {
    return {"builtins.ValueError", std::move(message)};
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    const json doc = json::parse(req.body, nullptr, false);
    std::lock_guard lk(mu_);
    Request r;
    const json* params = nullptr;
    if (doc.is_object()) {
      r.id = doc.value("id", json());
      if (const auto p = doc.find("params"); p != doc.end() && p->is_object()) params = &*p;
    }
    const json args = params ? params->value("args", json()) : json();
    if (args.is_array()) {
      const auto text = [&](std::size_t i) {
        return args.size() > i && args[i].is_string() ? args[i].get<std::string>() : "";
      };
      r.api_key = text(2);
      r.model = text(3);
      r.method = text(4);
      if (args.size() > 5) r.args = args[5];
      if (args.size() > 6) r.kwargs = args[6];
    }
    requests_.push_back(r);

    Result result = json();
    if (!params || doc.value("jsonrpc", "") != "2.0" || doc.value("method", "") != "call")
      result = std::unexpected(Failure{"werkzeug.exceptions.BadRequest", "not a JSON-RPC call"});
    else if (params->value("service", "") != "object" ||
             params->value("method", "") != "execute_kw")
      result = std::unexpected(Failure{"builtins.NameError", "the local Odoo serves execute_kw"});
    else if (!args.is_array() || args.size() < 6 || args.size() > 7 || !r.args.is_array() ||
             !r.kwargs.is_object())
      result =
          std::unexpected(value_error("execute_kw takes db, uid, key, model, method, "
                                      "args and optional kwargs"));
    else if (args[0] != db_)
      result = std::unexpected(
          Failure{"psycopg2.OperationalError",
                  "FATAL:  database \"" +
                      (args[0].is_string() ? args[0].get<std::string>() : args[0].dump()) +
                      "\" does not exist"});
    // The uid must be the JSON number (Odoo compares it with an integer).
    else if (!args[1].is_number_integer() || args[1] != uid_ || r.api_key != api_key_)
      result = std::unexpected(Failure{"odoo.exceptions.AccessDenied", "Access Denied"});
    else
      result = call(r, res);
    if (res.status == 503) return;  // a proxy's answer, not Odoo's
    json answer = {{"jsonrpc", "2.0"}, {"id", r.id}};
    if (result) {
      answer["result"] = *result;
    } else {
      answer["error"] = {{"code", 200},
                         {"message", "Odoo Server Error"},
                         {"data",
                          {{"name", result.error().name},
                           // Odoo sends the server's traceback along.
                           {"debug",
                            "Traceback (most recent call last):\n  File \"/usr/lib/"
                            "python3/dist-packages/odoo/http.py\", line 1764, in "
                            "_serve_db\n    return service_model.retrying(...)\n" +
                                result.error().name + ": " + result.error().message + "\n"},
                           {"message", result.error().message},
                           {"arguments", {result.error().message}},
                           {"context", json::object()}}}};
    }
    res.set_content(answer.dump(), "application/json");
  }

  Result call(const Request& r, httplib::Response& res) {
    if (r.model == "res.partner" && r.method == "search_read") return search_read(r);
    if (r.model == "res.partner" && r.method == "create") return create(r);
    if (r.model == "res.partner" && r.method == "message_post") return message_post(r, res);
    if (r.model == "mail.message" && r.method == "search_count") return search_count(r);
    if (r.model != "res.partner" && r.model != "mail.message")
      return std::unexpected(Failure{"builtins.KeyError", "'" + r.model + "'"});
    return std::unexpected(
        Failure{"builtins.AttributeError",
                "The method '" + r.method + "' does not exist on the model '" + r.model + "'"});
  }

  // Odoo's phone_mobile_search (phone_validation, mail.thread.phone): the
  // stored phone and mobile lose spaces and . / ( ) -, and a "+" or "00"
  // prefix in the value matches either prefix stored.
  static std::string stripped(const std::string& s) {
    std::string out;
    for (char c : s)
      if (!std::isspace(static_cast<unsigned char>(c)) && !std::strchr("\\./()-", c))
        out.push_back(c);
    return out;
  }
  static bool phone_matches(const json& partner, const std::string& value) {
    std::set<std::string> wanted;
    if (value.starts_with("+") || value.starts_with("00")) {
      const std::string term = stripped(value.substr(value.starts_with("+") ? 1 : 2));
      wanted = {"+" + term, "00" + term};
    } else {
      wanted = {stripped(value)};
    }
    for (const char* f : {"phone", "mobile"})
      if (partner[f].is_string() && wanted.contains(stripped(partner[f].get<std::string>())))
        return true;
    return false;
  }

  // search_read([[["phone_mobile_search", "=", X]]], fields=, limit=, order=)
  Result search_read(const Request& r) {
    for (const auto& [key, _] : r.kwargs.items())
      if (key != "fields" && key != "limit" && key != "order" && key != "offset")
        return std::unexpected(
            Failure{"builtins.TypeError",
                    "search_read() got an unexpected keyword argument '" + key + "'"});
    if (r.args.size() != 1 || !r.args[0].is_array() || r.args[0].size() != 1)
      return std::unexpected(value_error("the local Odoo searches partners with one leaf"));
    const json& leaf = r.args[0][0];
    if (!leaf.is_array() || leaf.size() != 3 || leaf[0] != "phone_mobile_search" ||
        leaf[1] != "=" || !leaf[2].is_string())
      return std::unexpected(value_error(
          "the local Odoo searches partners by phone_mobile_search = only, got " + leaf.dump()));
    const std::string value = leaf[2];
    if (value.size() < 3)
      return std::unexpected(
          Failure{"odoo.exceptions.UserError",
                  "Please enter at least 3 characters when searching a Phone/Mobile number."});
    json fields = r.kwargs.value("fields", json::array());
    for (const auto& f : fields)
      if (!f.is_string() || !is_partner_field(f.get<std::string>()))
        return std::unexpected(value_error("Invalid field " + f.dump() + " on model res.partner"));
    json found = json::array();
    for (const auto& p : partners_)
      if (phone_matches(p, value)) found.push_back(p);
    if (const std::string order = r.kwargs.value("order", ""); !order.empty()) {
      const auto space = order.find(' ');
      const std::string field = order.substr(0, space);
      const std::string dir = space == std::string::npos ? "asc" : order.substr(space + 1);
      if (!is_partner_field(field) || (dir != "asc" && dir != "desc"))
        return std::unexpected(value_error("Invalid \"order\" specified (" + order + ")"));
      std::stable_sort(found.begin(), found.end(), [&](const json& a, const json& b) {
        return dir == "desc" ? a[field].dump() > b[field].dump()
                             : a[field].dump() < b[field].dump();
      });
    }
    if (const auto limit = r.kwargs.find("limit"); limit != r.kwargs.end() && limit->is_number())
      if (const auto n = limit->get<std::size_t>(); found.size() > n)
        found.erase(found.begin() + static_cast<long>(n), found.end());
    if (fields.empty())
      for (const char* f : kPartnerFields) fields.push_back(f);
    json out = json::array();
    for (const auto& p : found) {
      json row = {{"id", p["id"]}};
      for (const auto& f : fields) row[f.get<std::string>()] = p[f.get<std::string>()];
      out.push_back(row);
    }
    return out;
  }

  // create([{vals}]) -> the new id.
  Result create(const Request& r) {
    if (r.args.size() != 1 || !r.args[0].is_object() || !r.kwargs.empty())
      return std::unexpected(value_error("the local Odoo creates one partner: create([{vals}])"));
    json partner = {{"id", next_partner_id_++}, {"write_date", utc_now()}};
    for (const auto& [key, value] : r.args[0].items()) {
      if (!is_partner_field(key) || key == "id" || key == "write_date" ||
          key == "commercial_company_name")
        return std::unexpected(value_error("Invalid field '" + key + "' on model 'res.partner'"));
      partner[key] = value;
    }
    if (!partner.value("name", json(false)).is_string() || partner["name"] == "")
      return std::unexpected(Failure{"odoo.exceptions.ValidationError", "Contacts require a name"});
    for (const char* f : kPartnerFields)
      if (!partner.contains(f)) partner[f] = false;
    partners_.push_back(partner);
    return partner["id"];
  }

  // message_post([[id]], body=, message_type=, subtype_xmlid=, body_is_html=)
  Result message_post(const Request& r, httplib::Response& res) {
    if (r.args.size() != 1 || !r.args[0].is_array() || r.args[0].size() != 1 ||
        !r.args[0][0].is_number_integer())
      return std::unexpected(value_error("Expected singleton: res.partner(" + r.args.dump() + ")"));
    const json id = r.args[0][0];
    if (std::ranges::none_of(partners_, [&](const json& p) { return p["id"] == id; }))
      return std::unexpected(
          Failure{"odoo.exceptions.MissingError", "Record does not exist or has been deleted."});
    for (const auto& [key, _] : r.kwargs.items())
      if (key != "body" && key != "message_type" && key != "subtype_xmlid" &&
          key != "body_is_html" && key != "subject")
        return std::unexpected(
            Failure{"builtins.TypeError",
                    "message_post() got an unexpected keyword argument '" + key + "'"});
    const NextNote now = next_note_;
    next_note_ = NextNote::Post;
    if (now == NextNote::RefuseWith503) {
      res.status = 503;
      return json();
    }
    if (now == NextNote::RpcError)
      return std::unexpected(Failure{"odoo.exceptions.ValidationError",
                                     "The operation cannot be completed: note refused"});
    std::string body = r.kwargs.value("body", "");
    // Odoo 17+ escapes a str body sent over RPC unless body_is_html.
    if (r.kwargs.value("body_is_html", false) != true) body = html_escape(body);
    const json message = {{"id", next_message_id_++},
                          {"model", "res.partner"},
                          {"res_id", id},
                          {"body", body},
                          {"message_type", r.kwargs.value("message_type", "notification")},
                          {"subtype_xmlid", r.kwargs.value("subtype_xmlid", json(false))}};
    messages_.push_back(message);
    if (now == NextNote::PostAndLose503) res.status = 503;
    return message["id"];
  }

  // search_count([[leaf, ...]]): leaves on model, res_id, body with = or
  // ilike (SQL ILIKE '%value%': case-insensitive, "_" matches any character).
  Result search_count(const Request& r) {
    if (r.args.size() != 1 || !r.args[0].is_array() || !r.kwargs.empty())
      return std::unexpected(value_error("search_count([domain])"));
    for (const auto& leaf : r.args[0])
      if (!leaf.is_array() || leaf.size() != 3 || !leaf[0].is_string() ||
          (leaf[0] != "model" && leaf[0] != "res_id" && leaf[0] != "body") ||
          (leaf[1] != "=" && leaf[1] != "ilike"))
        return std::unexpected(
            value_error("the local Odoo cannot search mail.message by " + leaf.dump()));
    int n = 0;
    for (const auto& m : messages_) {
      bool all = true;
      for (const auto& leaf : r.args[0]) {
        const json& v = m[leaf[0].get<std::string>()];
        all = all && (leaf[1] == "=" ? v == leaf[2]
                                     : v.is_string() && leaf[2].is_string() &&
                                           ilike(v.get<std::string>(), leaf[2].get<std::string>()));
      }
      n += all;
    }
    return n;
  }

  static bool ilike(const std::string& text, const std::string& value) {
    const auto eq = [](char a, char p) {
      return p == '_' || std::tolower(static_cast<unsigned char>(a)) ==
                             std::tolower(static_cast<unsigned char>(p));
    };
    for (std::size_t at = 0; at + value.size() <= text.size(); ++at)
      if (std::equal(value.begin(), value.end(), text.begin() + static_cast<long>(at),
                     [&](char p, char a) { return eq(a, p); }))
        return true;
    return false;
  }

  static std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          out.push_back(c);
      }
    }
    return out;
  }

  static std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
  }

  const std::string db_;
  const int uid_;
  const std::string api_key_;
  httplib::Server server_;
  unsigned short port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  json partners_, messages_ = json::array();
  std::vector<Request> requests_;
  NextNote next_note_ = NextNote::Post;
  int next_partner_id_ = 100, next_message_id_ = 5000;
};

}  // namespace cti::e2e
