#pragma once
// The API's routes as a pure function of the request: no sockets, no
// threads. The session feeds it parsed requests; tests can call it directly.
//
//   GET  /v1/health                      no auth
//   GET  /dial?to=                       no auth (static page; its script uses a token)
//   GET  /, /panel/{file}                no auth (the agent panel; its script signs in)
//   GET  /v1/calls?since=&limit=         bearer
//   POST /v1/calls                       bearer: click-to-call through the policy gate
//   GET  /v1/calls/{call_id}             bearer
//   POST /v1/policy/check                bearer: the same decision, nothing dialled
//   POST /v1/dnc, DELETE /v1/dnc/{number} bearer (delete: integration tokens only)
//   POST /v1/consents, GET /v1/audit     integration tokens only
//   GET  /v1/deliveries?state=&limit=    bearer
//   POST /v1/deliveries/{id}/replay      bearer
//   GET  /metrics                        bearer
//   GET  /v1/me                          bearer: who the token is (the panel)
//   POST /v1/contacts                    bearer: create an unknown caller in a CRM
//   GET  /v1/ws                          bearer: WebSocket upgrade (ws_session.h)
//
// Order of checks: authentication (everything but /v1/health, so anonymous
// clients learn nothing about other paths), then path (404), method (405 with
// Allow), parameters (400), handler. A handler exception becomes a 500 problem.
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connector/api/auth.h"
#include "connector/api/backend.h"
#include "connector/api/http_types.h"
#include "connector/api/panel_page.h"

namespace cti::api {

// Route label used when no route template matched (metrics, logs).
inline constexpr std::string_view unmatched_route = "unmatched";

// Every route as "METHOD /pattern" ("GET /v1/calls/{call_id}"), in table
// order: a test holds docs/openapi.yaml to exactly these.
std::vector<std::string> route_signatures();

class Router {
 public:
  // token_agents[i] names the agent whose token is hash i ("" or missing:
  // an integration token, which may act for any agent).
  Router(std::shared_ptr<Backend> backend, TokenVerifier tokens,
         std::vector<std::string> token_agents = {}, PanelOptions panel = {});

  struct Result {
    Response response;       // complete except keep-alive, which the session sets
    std::string_view route;  // route template ("/v1/calls/{call_id}") or unmatched_route
  };
  Result handle(const Request& req) const;

  // A WebSocket upgrade to /v1/ws: who may watch which agent. The token comes
  // from Authorization or the "bearer.<base64url>" subprotocol (ws_auth.h).
  // An agent token watches its own agent; an integration token names one with
  // ?agent=. Otherwise the problem response to send instead of upgrading.
  struct WsGrant {
    AgentView agent;
    bool cti_protocol = false;  // the client offered "cti.v1": echo it
  };
  std::expected<WsGrant, Response> authorize_ws(const Request& req) const;

 private:
  std::shared_ptr<Backend> backend_;
  TokenVerifier tokens_;
  std::vector<std::string> token_agents_;
  PanelOptions panel_;
};

}  // namespace cti::api
