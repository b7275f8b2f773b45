#include "connector/api/server.h"

#include <spdlog/spdlog.h>

#include "connector/api/auth.h"
#include "connector/api/listen_address.h"
#include "connector/api/listener.h"
#include "connector/api/router.h"

namespace cti::api {

Server::Server(boost::asio::io_context& ioc, ServerOptions options,
               std::shared_ptr<Backend> backend)
    : ioc_(ioc), options_(std::move(options)), backend_(std::move(backend)) {}

Server::~Server() { stop(); }

std::expected<std::uint16_t, std::string> Server::start() {
  if (listener_) return std::unexpected("api: server already started");
  if (!backend_) return std::unexpected("api: no backend");
  const auto endpoint = parse_listen_address(options_.listen);
  if (!endpoint) return std::unexpected("api: " + endpoint.error());
  auto tokens = TokenVerifier::from_hashes(options_.token_hashes);
  if (!tokens) return std::unexpected("api: " + tokens.error());
  if (options_.max_connections == 0) return std::unexpected("api: max_connections must be >= 1");
  if (tokens->size() == 0)
    spdlog::warn("api: no API tokens configured; every route but /v1/health will answer 401");

  auto ctx = std::make_shared<const SessionContext>(
      SessionContext{Router(backend_, std::move(*tokens), options_.token_agents,
                            PanelOptions{options_.frame_ancestors}),
                     options_.max_body_bytes, options_.max_header_bytes, options_.idle_timeout,
                     std::make_shared<ConnectionRegistry>(options_.max_connections), options_.hub,
                     options_.ws_limits});
  auto listener = std::make_shared<Listener>(ioc_, std::move(ctx));
  const auto port = listener->open(*endpoint);
  if (!port) return std::unexpected(port.error());
  listener_ = std::move(listener);
  listener_->run();
  spdlog::info("api: listening on {}:{}", endpoint->address().to_string(), *port);
  return *port;
}

void Server::stop() {
  if (listener_) listener_->stop();
  if (options_.hub) options_.hub->close_all();
}

}  // namespace cti::api
