#include "connector/api/router.h"

#include <spdlog/spdlog.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "connector/api/delivery_json.h"
#include "connector/api/params.h"
#include "connector/api/problem.h"
#include "connector/api/target.h"
#include "connector/json/call_json.h"

namespace cti::api {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

enum class Handler { Health, ListCalls, GetCall, ListDeliveries, Replay, Metrics };

struct Route {
  std::string_view pattern;  // segments; "{name}" matches one non-empty segment
  http::verb method;
  Handler handler;
};

constexpr std::array routes{
    Route{"/v1/health", http::verb::get, Handler::Health},
    Route{"/v1/calls", http::verb::get, Handler::ListCalls},
    Route{"/v1/calls/{call_id}", http::verb::get, Handler::GetCall},
    Route{"/v1/deliveries", http::verb::get, Handler::ListDeliveries},
    Route{"/v1/deliveries/{id}/replay", http::verb::post, Handler::Replay},
    Route{"/metrics", http::verb::get, Handler::Metrics},
};

constexpr std::string_view health_path = "/v1/health";

// Captured path parameters in pattern order, or nullopt when the path differs.
std::optional<std::vector<std::string>> match(std::string_view pattern,
                                              const std::vector<std::string>& segments) {
  std::vector<std::string> captures;
  std::size_t i = 0;
  std::string_view rest = pattern.substr(1);
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (i >= segments.size()) return std::nullopt;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      if (segments[i].empty()) return std::nullopt;
      captures.push_back(segments[i]);
    } else if (part != segments[i]) {
      return std::nullopt;
    }
    ++i;
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  if (i != segments.size()) return std::nullopt;
  return captures;
}

Response json_response(http::status status, const json& body, unsigned version) {
  Response res{status, version};
  res.set(http::field::content_type, "application/json");
  add_common_headers(res);
  res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

Response text_response(std::string body, std::string_view content_type, unsigned version) {
  Response res{http::status::ok, version};
  res.set(http::field::content_type, std::string(content_type));
  add_common_headers(res);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

struct Call {
  const Request& req;
  std::string_view path;  // raw path, the problem "instance"
  const std::vector<std::string>& captures;
  Backend& backend;
};

Response bad_request(const Call& c, std::string_view detail) {
  return make_problem(Problem::BadRequest, detail, c.path, c.req.version());
}

Response run(Handler h, const Call& c) {
  const unsigned v = c.req.version();
  const auto need_query = [&]() -> std::expected<Query, std::string> {
    return parse_query(std::string_view(c.req.target().data(), c.req.target().size()));
  };
  switch (h) {
    case Handler::Health:
      return json_response(http::status::ok, c.backend.health(), v);

    case Handler::ListCalls: {
      const auto q = need_query();
      if (!q) return bad_request(c, "malformed query: " + q.error());
      const auto since = parse_since(q->get("since"));
      if (!since) return bad_request(c, since.error());
      const auto limit = parse_limit(q->get("limit"));
      if (!limit) return bad_request(c, limit.error());
      json calls = json::array();
      for (const auto& r : c.backend.list_calls(*since, *limit))
        calls.push_back(cti::json::to_json(r));
      const auto count = calls.size();
      return json_response(http::status::ok, {{"calls", std::move(calls)}, {"count", count}}, v);
    }

    case Handler::GetCall: {
      const std::string& id = c.captures.at(0);
      if (auto r = c.backend.get_call(id))
        return json_response(http::status::ok, cti::json::to_json(*r), v);
      return make_problem(Problem::NotFound, "no call with id '" + id + "'", c.path, v);
    }

    case Handler::ListDeliveries: {
      const auto q = need_query();
      if (!q) return bad_request(c, "malformed query: " + q.error());
      const auto state = parse_delivery_state(q->get("state"));
      if (!state) return bad_request(c, state.error());
      const auto limit = parse_limit(q->get("limit"));
      if (!limit) return bad_request(c, limit.error());
      json items = json::array();
      for (const auto& d : c.backend.list_deliveries(*state, *limit)) items.push_back(to_json(d));
      const auto count = items.size();
      return json_response(http::status::ok, {{"deliveries", std::move(items)}, {"count", count}},
                           v);
    }

    case Handler::Replay: {
      const auto id = parse_delivery_id(c.captures.at(0));
      if (!id) return bad_request(c, id.error());
      const auto done = c.backend.replay_delivery(*id);
      if (done)
        return json_response(http::status::accepted, {{"id", *id}, {"state", "pending"}}, v);
      if (done.error() == "not found")
        return make_problem(Problem::NotFound, "no delivery with id " + std::to_string(*id), c.path,
                            v);
      if (done.error() == "not dead")
        return make_problem(Problem::Conflict,
                            "delivery " + std::to_string(*id) +
                                " is not a dead letter; only dead letters can be replayed",
                            c.path, v);
      // Unknown backend failure: details go to the log, not to the client.
      spdlog::error("api: replay of delivery {} failed: {}", *id, done.error());
      return make_problem(Problem::Internal, "the delivery could not be replayed", c.path, v);
    }

    case Handler::Metrics:
      return text_response(c.backend.metrics_text(), "text/plain; version=0.0.4", v);
  }
  return make_problem(Problem::Internal, "unhandled route", c.path, v);
}

std::string allow_header(const std::vector<http::verb>& methods) {
  std::string out;
  for (auto m : methods) {
    if (!out.empty()) out += ", ";
    out += std::string(http::to_string(m));
  }
  return out;
}

}  // namespace

Router::Router(std::shared_ptr<Backend> backend, TokenVerifier tokens)
    : backend_(std::move(backend)), tokens_(std::move(tokens)) {}

Router::Result Router::handle(const Request& req) const {
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target_path(target);
  const unsigned v = req.version();

  if (path != health_path) {
    const auto auth = req.find(http::field::authorization);
    const bool ok = auth != req.end() && tokens_.verify_authorization(std::string_view(
                                             auth->value().data(), auth->value().size()));
    if (!ok) {
      // Label by route when the path is known so metrics show what was probed.
      std::string_view route = unmatched_route;
      if (const auto segs = path_segments(path))
        for (const Route& r : routes)
          if (match(r.pattern, *segs)) route = r.pattern;
      return {make_problem(Problem::Unauthorized,
                           auth == req.end() ? "missing bearer token" : "invalid bearer token",
                           path, v),
              route};
    }
  }

  const auto segments = path_segments(path);
  if (!segments)
    return {make_problem(Problem::BadRequest, "malformed path: " + segments.error(), path, v),
            unmatched_route};

  std::vector<http::verb> allowed;
  std::string_view matched_pattern;
  for (const Route& r : routes) {
    auto captures = match(r.pattern, *segments);
    if (!captures) continue;
    matched_pattern = r.pattern;
    if (r.method != req.method()) {
      allowed.push_back(r.method);
      continue;
    }
    const Call call{req, path, *captures, *backend_};
    try {
      return {run(r.handler, call), r.pattern};
    } catch (const std::exception& e) {
      spdlog::error("api: {} {} failed: {}", std::string(http::to_string(req.method())), r.pattern,
                    e.what());
    } catch (...) {
      spdlog::error("api: {} {} failed with a non-standard exception",
                    std::string(http::to_string(req.method())), r.pattern);
    }
    return {make_problem(Problem::Internal, "the request could not be completed", path, v),
            r.pattern};
  }
  if (!allowed.empty()) {
    auto res = make_problem(Problem::MethodNotAllowed, "allowed methods: " + allow_header(allowed),
                            path, v);
    res.set(http::field::allow, allow_header(allowed));
    return {std::move(res), matched_pattern};
  }
  return {make_problem(Problem::NotFound, "no such resource", path, v), unmatched_route};
}

}  // namespace cti::api
