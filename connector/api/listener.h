#pragma once
// Accepts connections and gives each its own strand and HttpSession.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <expected>
#include <memory>
#include <string>

#include "connector/api/session_context.h"

namespace cti::api {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, std::shared_ptr<const SessionContext> ctx);
  // Opens, binds and listens synchronously; returns the bound port.
  std::expected<std::uint16_t, std::string> open(const boost::asio::ip::tcp::endpoint& endpoint);
  void run();   // starts accepting
  void stop();  // thread-safe: closes the acceptor and every open connection

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  std::shared_ptr<const SessionContext> ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
};

}  // namespace cti::api
