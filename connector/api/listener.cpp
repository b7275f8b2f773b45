#include "connector/api/listener.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "connector/api/request_metrics.h"
#include "connector/api/session.h"

namespace cti::api {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, std::shared_ptr<const SessionContext> ctx)
    : ioc_(ioc),
      ctx_(std::move(ctx)),
      acceptor_(net::make_strand(ioc)),
      retry_(acceptor_.get_executor()) {}

std::expected<std::uint16_t, std::string> Listener::open(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  const auto fail = [&](std::string_view what) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return std::unexpected("api: " + std::string(what) + " " + endpoint.address().to_string() +
                           ":" + std::to_string(endpoint.port()) + ": " + ec.message());
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) return fail("configure");
  if (acceptor_.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen on");
  const auto local = acceptor_.local_endpoint(ec);
  if (ec) return fail("read the bound address of");
  return local.port();
}

void Listener::run() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_.cancel();
  });
  for (const auto& session : ctx_->connections->stop()) session->close();
}

void Listener::do_accept() {
  if (!acceptor_.is_open()) return;
  // Each connection gets its own strand so handlers of one connection never
  // run concurrently, whatever the number of io_context threads.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // E.g. out of file descriptors: back off briefly instead of spinning.
    spdlog::warn("api: accept failed: {}", ec.message());
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  auto session = std::make_shared<HttpSession>(std::move(socket), ctx_);
  if (const auto id = ctx_->connections->add(session)) {
    session->run(*id);
  } else {
    record_connection_rejected();
    spdlog::warn("api: connection refused: connection limit reached or server stopping");
    // Dropping the session closes the socket.
  }
  do_accept();
}

}  // namespace cti::api
