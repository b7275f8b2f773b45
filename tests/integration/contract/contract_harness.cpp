#include "tests/integration/contract/contract_harness.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "webhooks/crm_job.h"

namespace cti::contract {
namespace {

using nlohmann::json;

// Prism reads a large description for seconds (5-8 s each on a loaded
// 2-core machine, more under sanitizers with other tests running).
std::chrono::seconds start_timeout() {
  if (const char* s = std::getenv("CTI_PRISM_START_TIMEOUT_S")) {
    if (const int v = std::atoi(s); v > 0) return std::chrono::seconds(v);
  }
  return std::chrono::seconds(120);
}

constexpr std::chrono::seconds kRequestTimeout{30};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The path prefix owns `path` when it is followed by a path or query
// boundary: "/crm/v3/objects/calls" owns "/crm/v3/objects/calls/search" but
// not "/crm/v3/objects/callsX".
bool owns(const std::string& prefix, const std::string& path) {
  if (!path.starts_with(prefix)) return false;
  if (path.size() == prefix.size() || prefix.ends_with('/')) return true;
  const char next = path[prefix.size()];
  return next == '/' || next == '?';
}

}  // namespace

std::string PrismVerdict::describe() const {
  std::string out;
  if (!error.empty()) return "harness error: " + error + "\n";
  out += "Prism answered " + std::to_string(status) + "\n";
  for (const auto& v : request_violations) out += "  request violation: " + v + "\n";
  if (request_violations.empty() && (status < 200 || status >= 300)) {
    // No machine-readable reason: show what Prism answered (often a canned
    // vendor example, but a 404 here means no route in the description).
    out += "  body: " + response.body.substr(0, 600) + "\n";
  }
  return out;
}

void read_violations(const std::string& header, PrismVerdict& verdict) {
  const json list = json::parse(header, nullptr, /*allow_exceptions=*/false);
  if (!list.is_array()) {
    verdict.request_violations.push_back("unreadable sl-violations header: " + header);
    return;
  }
  for (const json& v : list) {
    std::string where;
    bool about_request = false;
    if (const auto loc = v.find("location"); loc != v.end() && loc->is_array()) {
      for (std::size_t i = 0; i < loc->size(); ++i) {
        const json& part = (*loc)[i];
        const std::string s = part.is_string() ? part.get<std::string>() : part.dump();
        if (i == 0) about_request = s == "request";
        where += (i ? "." : "") + s;
      }
    }
    std::string text = where + ": " + v.value("message", std::string("?"));
    if (const auto code = v.find("code"); code != v.end())
      text += " [" + (code->is_string() ? code->get<std::string>() : code->dump()) + "]";
    if (const auto sev = v.find("severity"); sev != v.end() && sev->is_string())
      text += " (" + sev->get<std::string>() + ")";
    (about_request ? verdict.request_violations : verdict.other_violations)
        .push_back(std::move(text));
  }
}

void read_prism_error(const std::string& body, PrismVerdict& verdict) {
  const json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return;
  const std::string type = doc.value("type", std::string());
  if (!type.starts_with("https://stoplight.io/prism/errors#")) return;  // the spec's own answer
  const std::string code = type.substr(type.find('#') + 1);
  const auto list = doc.find("validation");
  if (list == doc.end() || !list->is_array() || list->empty()) {
    // 401 and friends: no list, the title is the reason.
    verdict.request_violations.push_back("request: " + doc.value("title", std::string("?")) + " [" +
                                         code + "]");
    return;
  }
  // Same entries as the header, but located from the request's parts.
  json entries = *list;
  for (json& e : entries) {
    if (auto loc = e.find("location"); loc != e.end() && loc->is_array())
      loc->insert(loc->begin(), "request");
  }
  read_violations(entries.dump(), verdict);
}

std::expected<std::unique_ptr<ContractServers>, std::string> ContractServers::start(
    const CrmContract& contract) {
  auto tool = PrismTool::find();
  if (!tool) return std::unexpected(tool.error());
  std::vector<std::filesystem::path> specs;
  for (const SpecMount& m : contract.mounts)
    specs.push_back(std::filesystem::path(CTI_FIXTURES) / m.spec);
  auto servers = PrismServer::start_all(*tool, specs, start_timeout());
  if (!servers) return std::unexpected(contract.crm + ": " + servers.error());
  std::unique_ptr<ContractServers> out(new ContractServers());
  out->mounts_ = contract.mounts;
  out->servers_ = std::move(*servers);
  out->sender_ = webhooks::make_httplib_sender();
  return out;
}

PrismVerdict ContractServers::send(const core::HttpRequest& request) {
  PrismVerdict verdict;
  const std::string base = kContractBaseUrl;
  if (!request.url.starts_with(base + "/")) {
    verdict.error = "the request is not under the adapter's base_url " + base + ": " + request.url;
    return verdict;
  }
  std::string path = request.url.substr(base.size());
  std::size_t best = mounts_.size();
  for (std::size_t i = 0; i < mounts_.size(); ++i) {
    if (owns(mounts_[i].path_prefix, path) &&
        (best == mounts_.size() ||
         mounts_[i].path_prefix.size() > mounts_[best].path_prefix.size()))
      best = i;
  }
  if (best == mounts_.size()) {
    verdict.error = "no API description mounted for " + path;
    return verdict;
  }
  const SpecMount& mount = mounts_[best];
  if (!mount.strip_prefix.empty()) {
    if (!owns(mount.strip_prefix, path)) {
      verdict.error =
          path + " lacks the server base path " + mount.strip_prefix + " of " + mount.spec;
      return verdict;
    }
    path.erase(0, mount.strip_prefix.size());
  }
  core::HttpRequest wire = webhooks::prepare_crm_request(request);
  wire.url = servers_[best]->origin() + path;
  const core::HttpResponse response = sender_->send(wire, kRequestTimeout);
  if (response.status == 0) {
    verdict.error = "no answer from Prism (" + mount.spec + "): " + response.body +
                    "\nPrism's output:\n" + servers_[best]->output_tail();
    return verdict;
  }
  verdict.status = response.status;
  for (const auto& [k, v] : response.headers)
    if (iequals(k, "sl-violations")) read_violations(v, verdict);
  if (verdict.request_violations.empty()) read_prism_error(response.body, verdict);
  verdict.response = response;
  return verdict;
}

core::HttpRequest with_json_body(core::HttpRequest request,
                                 const std::function<void(nlohmann::json&)>& change) {
  json body = json::parse(request.body);
  change(body);
  request.body = body.dump();
  return request;
}

core::HttpRequest without_header(core::HttpRequest request, const std::string& name) {
  std::erase_if(request.headers, [&](const auto& h) { return iequals(h.first, name); });
  return request;
}

}  // namespace cti::contract
