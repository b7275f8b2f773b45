#pragma once
// A CRM on loopback that answers the part of EspoCRM's REST API (/api/v1)
// the shipped template config/adapters/espocrm.json uses: list searches with
// one where[0] clause, creating Leads and Calls. It keeps what it is sent, so
// a later search finds it as the real CRM would (the retry's find_logged
// depends on that), checks the API key like an API user's, and records every
// request for the test to read.
#include <httplib.h>

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cti::e2e {

class LocalEspoCrm {
 public:
  struct Request {
    std::string method, path;
    httplib::Params params;
    std::string api_key;  // the X-Api-Key header
    nlohmann::json body;
  };
  // What the next POST /api/v1/Call does instead of storing and answering 200.
  enum class NextCallLog {
    Store,
    RefuseWith503,    // an overloaded CRM: nothing stored
    StoreAndLose503,  // stored, but the answer says 503 (a proxy timed out)
  };

  // `contacts`: the Contact records there are, e.g. {"id", "name",
  // "accountName", "phoneNumber", "modifiedAt"}.
  LocalEspoCrm(std::string api_key, nlohmann::json contacts)
      : api_key_(std::move(api_key)), contacts_(std::move(contacts)) {
    for (const char* entity : {"Contact", "Lead", "Call"}) {
      const std::string path = std::string("/api/v1/") + entity;
      server_.Get(path, [this, entity](const auto& req, auto& res) { search(entity, req, res); });
    }
    server_.Post("/api/v1/Lead", [this](const auto& req, auto& res) { create(leads_, req, res); });
    server_.Post("/api/v1/Call", [this](const auto& req, auto& res) { create_call(req, res); });
    port_ = static_cast<unsigned short>(server_.bind_to_any_port("127.0.0.1"));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalEspoCrm() {
    server_.stop();
    thread_.join();
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void set_contacts(nlohmann::json contacts) {
    std::lock_guard lk(mu_);
    contacts_ = std::move(contacts);
  }
  void set_next_call_log(NextCallLog next) {
    std::lock_guard lk(mu_);
    next_call_log_ = next;
  }
  std::vector<Request> requests(const std::string& method, const std::string& path) const {
    std::lock_guard lk(mu_);
    std::vector<Request> out;
    for (const auto& r : requests_)
      if (r.method == method && r.path == path) out.push_back(r);
    return out;
  }
  std::vector<Request> requests() const {
    std::lock_guard lk(mu_);
    return requests_;
  }
  nlohmann::json calls() const {
    std::lock_guard lk(mu_);
    return calls_;
  }
  nlohmann::json leads() const {
    std::lock_guard lk(mu_);
    return leads_;
  }

 private:
  // Records the request; false (and a 401 like EspoCRM's) on a wrong key.
  bool admit(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lk(mu_);
    requests_.push_back({req.method, req.path, req.params, req.get_header_value("X-Api-Key"),
                         nlohmann::json::parse(req.body, nullptr, false)});
    if (req.get_header_value("X-Api-Key") == api_key_) return true;
    res.status = 401;
    return false;
  }

  static std::string param(const httplib::Request& req, const std::string& key) {
    return req.has_param(key) ? req.get_param_value(key) : std::string{};
  }

  // GET /api/v1/<Entity>?where[0][type]=equals|contains&where[0][attribute]=
  // &where[0][value]=&maxSize=: {"total": n, "list": [...]}.
  void search(const std::string& entity, const httplib::Request& req, httplib::Response& res) {
    if (!admit(req, res)) return;
    const std::string type = param(req, "where[0][type]");
    const std::string attribute = param(req, "where[0][attribute]");
    const std::string value = param(req, "where[0][value]");
    if ((type != "equals" && type != "contains") || attribute.empty()) {
      // A search the template should not send: refuse it like a bad request.
      res.status = 400;
      return;
    }
    std::lock_guard lk(mu_);
    const nlohmann::json& records = entity == "Contact" ? contacts_
                                    : entity == "Lead"  ? leads_
                                                        : calls_;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : records) {
      const auto it = r.find(attribute);
      const std::string field = it != r.end() && it->is_string() ? it->get<std::string>() : "";
      if (type == "equals" ? field == value : field.find(value) != std::string::npos)
        list.push_back(r);
    }
    const std::size_t total = list.size();
    if (const std::string max = param(req, "maxSize"); !max.empty())
      while (list.size() > std::stoul(max)) list.erase(list.end() - 1);
    res.set_content(nlohmann::json{{"total", total}, {"list", list}}.dump(), "application/json");
  }

  void create(nlohmann::json& into, const httplib::Request& req, httplib::Response& res) {
    if (!admit(req, res)) return;
    std::lock_guard lk(mu_);
    res.set_content(store(into, req).dump(), "application/json");
  }

  void create_call(const httplib::Request& req, httplib::Response& res) {
    if (!admit(req, res)) return;
    std::lock_guard lk(mu_);
    const NextCallLog now = next_call_log_;
    next_call_log_ = NextCallLog::Store;
    if (now != NextCallLog::RefuseWith503) {
      const nlohmann::json record = store(calls_, req);
      if (now == NextCallLog::Store) {
        res.set_content(record.dump(), "application/json");
        return;
      }
    }
    res.status = 503;
  }

  // EspoCRM answers a create with the new record and its 17-character id.
  nlohmann::json store(nlohmann::json& into, const httplib::Request& req) {
    nlohmann::json record = nlohmann::json::parse(req.body, nullptr, false);
    if (!record.is_object()) record = nlohmann::json::object();
    char id[18];
    std::snprintf(id, sizeof id, "6a%015zx", ++created_);
    record["id"] = id;
    into.push_back(record);
    return record;
  }

  const std::string api_key_;
  httplib::Server server_;
  unsigned short port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  nlohmann::json contacts_, leads_ = nlohmann::json::array(), calls_ = nlohmann::json::array();
  std::vector<Request> requests_;
  NextCallLog next_call_log_ = NextCallLog::Store;
  std::size_t created_ = 0;
};

}  // namespace cti::e2e
