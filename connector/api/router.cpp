#include "connector/api/router.h"

#include <spdlog/spdlog.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "connector/api/delivery_json.h"
#include "connector/api/dial_json.h"
#include "connector/api/panel_page.h"
#include "connector/api/params.h"
#include "connector/api/problem.h"
#include "connector/api/target.h"
#include "connector/api/ws_auth.h"
#include "connector/json/call_json.h"

namespace cti::api {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

enum class Handler {
  Health,
  ListCalls,
  GetCall,
  Dial,
  Check,
  AddDnc,
  RemoveDnc,
  Consent,
  Audit,
  DialPage,
  Me,
  WsWithoutUpgrade,
  CreateContact,
  Panel,
  PanelFile,
  ListDeliveries,
  Replay,
  Metrics
};

struct Route {
  std::string_view pattern;  // segments; "{name}" matches one non-empty segment
  http::verb method;
  Handler handler;
  bool agent_may = false;  // an agent token may use it (integration tokens may use all)
};

constexpr std::array routes{
    Route{"/v1/health", http::verb::get, Handler::Health, true},
    Route{"/v1/calls", http::verb::get, Handler::ListCalls, true},
    Route{"/v1/calls", http::verb::post, Handler::Dial, true},
    Route{"/v1/calls/{call_id}", http::verb::get, Handler::GetCall, true},
    Route{"/v1/policy/check", http::verb::post, Handler::Check, true},
    // An agent may record a customer's "do not call me again"; only an
    // integration (compliance) may take a number off the list again.
    Route{"/v1/dnc", http::verb::post, Handler::AddDnc, true},
    Route{"/v1/dnc/{number}", http::verb::delete_, Handler::RemoveDnc},
    Route{"/v1/consents", http::verb::post, Handler::Consent},
    Route{"/v1/audit", http::verb::get, Handler::Audit},
    Route{"/dial", http::verb::get, Handler::DialPage, true},
    Route{"/v1/me", http::verb::get, Handler::Me, true},
    Route{"/v1/contacts", http::verb::post, Handler::CreateContact, true},
    // Upgrades are taken by the session before routing; a plain GET lands here.
    Route{"/v1/ws", http::verb::get, Handler::WsWithoutUpgrade, true},
    Route{"/", http::verb::get, Handler::Panel, true},
    Route{"/panel/{file}", http::verb::get, Handler::PanelFile, true},
    Route{"/v1/deliveries", http::verb::get, Handler::ListDeliveries},
    Route{"/v1/deliveries/{id}/replay", http::verb::post, Handler::Replay},
    Route{"/metrics", http::verb::get, Handler::Metrics},
};

// Served without a token: health for probes, the /dial page (static, no
// data) because a tel: link cannot carry one, and the agent panel (static
// too) where the agent types it; their scripts then call the API with it.
bool is_public(std::string_view path) {
  return path == "/v1/health" || path == "/dial" || path == "/" || path.starts_with("/panel/");
}

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
  const Principal& by;
  const PanelOptions& panel;
};

Response bad_request(const Call& c, std::string_view detail) {
  return make_problem(Problem::BadRequest, detail, c.path, c.req.version());
}

// POST bodies must be declared JSON: a form post from another site (which
// a browser sends without a preflight) is refused before anything happens.
std::optional<Response> need_json(const Call& c) {
  const auto it = c.req.find(http::field::content_type);
  const std::string_view type = it == c.req.end()
                                    ? std::string_view{}
                                    : std::string_view(it->value().data(), it->value().size());
  if (type.substr(0, type.find(';')) == "application/json") return std::nullopt;
  return make_problem(Problem::UnsupportedMediaType,
                      "send the body as JSON with Content-Type: application/json", c.path,
                      c.req.version());
}

Response body_problem(const Call& c, const BodyError& e) {
  return make_problem(e.malformed_json ? Problem::BadRequest : Problem::Unprocessable, e.detail,
                      c.path, c.req.version());
}

Response dial(const Call& c, bool dry_run) {
  const unsigned v = c.req.version();
  if (!c.backend.dialing_enabled())
    return make_problem(Problem::NotFound, "click-to-call is not configured (no PBX)", c.path, v);
  if (auto r = need_json(c)) return std::move(*r);
  auto cmd = parse_dial_body(c.req.body(), c.by);
  if (!cmd) return body_problem(c, cmd.error());
  if (!c.by.agent.empty() && cmd->agent != c.by.agent)
    return make_problem(Problem::Forbidden,
                        "this token belongs to agent \"" + c.by.agent +
                            "\" and cannot place calls for another agent",
                        c.path, v);
  cmd->dry_run = dry_run;
  const DialOutcome out = c.backend.dial(*cmd);
  if (!out.unknown_agent.empty())
    return make_problem(Problem::Unprocessable, out.unknown_agent, c.path, v);
  json decision = to_json(out.decision);
  if (dry_run) return json_response(http::status::ok, {{"decision", std::move(decision)}}, v);
  if (out.decision.invalid_number || !out.decision.allowed) {
    std::string detail;
    for (const auto& r : out.decision.reasons) detail += (detail.empty() ? "" : "; ") + r.message;
    const json ext = {{"reasons", decision["reasons"]}, {"decision", decision}};
    return make_problem(out.decision.invalid_number ? Problem::InvalidNumber : Problem::CallDenied,
                        detail, c.path, v, ext);
  }
  if (!out.unavailable.empty()) {
    auto res =
        make_problem(Problem::PbxUnavailable, out.unavailable, c.path, v, {{"decision", decision}});
    res.set(http::field::retry_after, "5");
    return res;
  }
  return json_response(http::status::accepted,
                       {{"call_id", out.call_id},
                        {"caller_id_presented", out.decision.caller_id->number},
                        {"decision", std::move(decision)}},
                       v);
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

    case Handler::Dial:
      return dial(c, false);
    case Handler::Check:
      return dial(c, true);

    case Handler::AddDnc: {
      if (auto r = need_json(c)) return std::move(*r);
      const auto body = parse_dnc_body(c.req.body());
      if (!body) return body_problem(c, body.error());
      const auto added = c.backend.add_dnc(c.by, body->number, body->reason);
      if (!added) return make_problem(Problem::InvalidNumber, added.error().detail, c.path, v);
      return json_response(http::status::created, *added, v);
    }
    case Handler::RemoveDnc: {
      const auto removed = c.backend.remove_dnc(c.by, c.captures.at(0));
      if (!removed) return make_problem(Problem::InvalidNumber, removed.error().detail, c.path, v);
      if (!*removed)
        return make_problem(Problem::NotFound, "that number is not on the internal opt-out list",
                            c.path, v);
      Response res{http::status::no_content, v};
      add_common_headers(res);
      res.prepare_payload();
      return res;
    }
    case Handler::Consent: {
      if (auto r = need_json(c)) return std::move(*r);
      const auto body = parse_consent_body(c.req.body(), c.by, core::SystemClock{}.now());
      if (!body) return body_problem(c, body.error());
      const auto saved = c.backend.add_consent(*body);
      if (!saved) return make_problem(Problem::InvalidNumber, saved.error().detail, c.path, v);
      return json_response(http::status::created, *saved, v);
    }
    case Handler::Audit: {
      const auto q = need_query();
      if (!q) return bad_request(c, "malformed query: " + q.error());
      AuditFilter f;
      const auto since = parse_since(q->get("since"));
      if (!since) return bad_request(c, since.error());
      f.since = *since;
      const auto limit = parse_limit(q->get("limit"));
      if (!limit) return bad_request(c, limit.error());
      f.limit = *limit;
      f.agent = std::string(q->get("agent").value_or(""));
      f.number = std::string(q->get("number").value_or(""));
      f.action = std::string(q->get("action").value_or(""));
      if (const auto a = q->get("allowed")) {
        if (*a != "true" && *a != "false") return bad_request(c, "allowed: expected true or false");
        f.allowed = *a == "true";
      }
      json entries = c.backend.list_audit(f);
      const auto count = entries.size();
      return json_response(http::status::ok, {{"entries", std::move(entries)}, {"count", count}},
                           v);
    }
    case Handler::DialPage:
      // Never framed, whatever api.frame_ancestors allows the panel: a page
      // that places calls with a remembered token must not be clickjacked.
      if (auto res = panel_response(dial_page, PanelOptions{}, v)) return std::move(*res);
      return make_problem(Problem::Internal, "the dial page is missing from the build", c.path, v);
    case Handler::Panel:
    case Handler::PanelFile: {
      const std::string_view file = h == Handler::Panel ? panel_index : c.captures.at(0);
      if (auto res = panel_response(file, c.panel, v)) return std::move(*res);
      return make_problem(Problem::NotFound, "no such resource", c.path, v);
    }

    case Handler::Me: {
      json me = {{"click_to_call", c.backend.dialing_enabled()}};
      if (c.by.agent.empty()) {
        me["integration"] = true;
        return json_response(http::status::ok, me, v);
      }
      const auto agent = c.backend.find_agent(c.by.agent);
      if (!agent)
        return make_problem(Problem::NotFound, "this token's agent is not configured", c.path, v);
      me["agent"] = agent->id;
      me["extension"] = agent->extension;
      me["name"] = agent->name;
      return json_response(http::status::ok, me, v);
    }

    case Handler::CreateContact: {
      if (auto r = need_json(c)) return std::move(*r);
      const auto body = parse_contact_body(c.req.body());
      if (!body) return body_problem(c, body.error());
      const auto created = c.backend.create_contact(c.by, body->number, body->crm);
      if (created) return json_response(http::status::created, *created, v);
      using K = ContactError::Kind;
      const Problem p = created.error().kind == K::InvalidNumber  ? Problem::InvalidNumber
                        : created.error().kind == K::UnknownCrm   ? Problem::NotFound
                        : created.error().kind == K::CannotCreate ? Problem::Unprocessable
                                                                  : Problem::CrmError;
      return make_problem(p, created.error().detail, c.path, v);
    }

    case Handler::WsWithoutUpgrade:
      return bad_request(c, "this resource is a WebSocket: send an Upgrade request");

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

std::vector<std::string> route_signatures() {
  std::vector<std::string> out;
  for (const auto& r : routes)
    out.push_back(std::string(http::to_string(r.method)) + " " + std::string(r.pattern));
  return out;
}

Router::Router(std::shared_ptr<Backend> backend, TokenVerifier tokens,
               std::vector<std::string> token_agents, PanelOptions panel)
    : backend_(std::move(backend)),
      tokens_(std::move(tokens)),
      token_agents_(std::move(token_agents)),
      panel_(std::move(panel)) {}

Router::Result Router::handle(const Request& req) const {
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target_path(target);
  const unsigned v = req.version();

  Principal by;
  if (!is_public(path)) {
    const auto auth = req.find(http::field::authorization);
    std::optional<std::size_t> which;
    if (auth != req.end())
      if (const auto token =
              bearer_token(std::string_view(auth->value().data(), auth->value().size())))
        which = tokens_.match(*token);
    if (which) {
      const std::string agent = *which < token_agents_.size() ? token_agents_[*which] : "";
      by = agent.empty() ? Principal{"integration:" + std::to_string(*which), ""}
                         : Principal{"agent:" + agent, agent};
    }
    if (!which) {
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
    if (!by.agent.empty() && !r.agent_may)
      return {make_problem(Problem::Forbidden,
                           "an agent token cannot use this resource; use an integration token",
                           path, v),
              r.pattern};
    const Call call{req, path, *captures, *backend_, by, panel_};
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

std::expected<Router::WsGrant, Response> Router::authorize_ws(const Request& req) const {
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target_path(target);
  const unsigned v = req.version();
  const auto fail = [&](Problem p, std::string_view detail) {
    return std::unexpected(make_problem(p, detail, path, v));
  };
  if (path != "/v1/ws") return fail(Problem::NotFound, "no such resource");

  WsGrant grant;
  std::optional<std::string> token;
  if (const auto protocols = req.find(http::field::sec_websocket_protocol);
      protocols != req.end()) {
    const WsOffer offer =
        parse_ws_protocols(std::string_view(protocols->value().data(), protocols->value().size()));
    grant.cti_protocol = offer.cti;
    token = offer.token;
  }
  if (const auto auth = req.find(http::field::authorization); !token && auth != req.end())
    if (const auto t = bearer_token(std::string_view(auth->value().data(), auth->value().size())))
      token = std::string(*t);
  if (!token) return fail(Problem::Unauthorized, "missing bearer token");
  const auto which = tokens_.match(*token);
  if (!which) return fail(Problem::Unauthorized, "invalid bearer token");
  const std::string own = *which < token_agents_.size() ? token_agents_[*which] : "";

  const auto query = parse_query(target);
  if (!query) return fail(Problem::BadRequest, "malformed query: " + query.error());
  const auto asked = query->get("agent");
  if (!own.empty() && asked && *asked != own)
    return fail(Problem::Forbidden, "an agent token can only watch its own agent");
  const std::string id = own.empty() ? std::string(asked.value_or("")) : own;
  if (id.empty())
    return fail(Problem::BadRequest, "an integration token must name the agent: ?agent=<id>");
  auto agent = backend_->find_agent(id);
  if (!agent) return fail(Problem::NotFound, "no agent \"" + id + "\" is configured");
  grant.agent = std::move(*agent);
  return grant;
}

}  // namespace cti::api
