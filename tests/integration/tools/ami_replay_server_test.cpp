// The fake AMI server as a real child process on a real loopback socket.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/tools/tool_test_support.h"
#include "tools/support/child_process.h"

namespace cti::tools::test {
namespace {

const std::string kCaptureA = std::string(CTI_FIXTURES) + "/ami/a_inbound_answered.ami";
const std::string kSecret = "replay-secret";

std::string md5_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr);
  std::string out;
  char hex[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", md[i]);
    out += hex;
  }
  return out;
}

class AmiReplayServerTest : public ::testing::Test {
 protected:
  // Starts the server on an ephemeral port; returns false (with a test
  // failure) when it does not come up.
  void start(std::vector<std::string> extra_args) {
    std::vector<std::string> argv = {std::string(CTI_BINARY_DIR) + "/ami-replay-server",
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--secret",
                                     kSecret,
                                     "--port-file",
                                     dir_ / "port",
                                     "--log-actions",
                                     dir_ / "actions.log"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    auto child = ChildProcess::spawn(argv);
    ASSERT_TRUE(child.has_value()) << child.error();
    server_.emplace(std::move(*child));
    auto port = wait_for_port_file(dir_ / "port", *server_);
    ASSERT_TRUE(port.has_value()) << "ami-replay-server did not start";
    port_ = *port;
  }

  void TearDown() override { server_.reset(); }  // stops the child

  // Banner, MD5 challenge, Login; returns the Login response.
  static std::optional<Frame> login_md5(AmiClient& c, const std::string& secret) {
    auto banner = c.read_line();
    EXPECT_EQ(banner.value_or("<none>"), "Asterisk Call Manager/11.0.0");
    c.send("Action: Challenge\r\nActionID: t-1\r\nAuthType: MD5\r\n\r\n");
    auto challenge = c.read_frame();
    if (!challenge) return std::nullopt;
    EXPECT_EQ(challenge->get("Response"), "Success");
    EXPECT_EQ(challenge->get("ActionID"), "t-1");
    EXPECT_FALSE(challenge->get("Challenge").empty());
    c.send("Action: Login\r\nActionID: t-2\r\nAuthType: MD5\r\nUsername: cti\r\nKey: " +
           md5_hex(challenge->get("Challenge") + secret) + "\r\n\r\n");
    return c.read_frame();
  }

  static bool login_plain(AmiClient& c) {
    if (!c.read_line()) return false;
    c.send("Action: Login\r\nActionID: p-1\r\nUsername: cti\r\nSecret: " + kSecret + "\r\n\r\n");
    auto r = c.read_frame();
    return r && r->get("Response") == "Success";
  }

  TempDir dir_;
  std::optional<ChildProcess> server_;
  unsigned short port_ = 0;
};

TEST_F(AmiReplayServerTest, Md5LoginThenStreamsCaptureWithoutRecordedResponses) {
  ASSERT_NO_FATAL_FAILURE(start({"--md5-only", "--speed", "0", kCaptureA}));
  AmiClient c(port_);
  ASSERT_TRUE(c.connected());
  auto login = login_md5(c, kSecret);
  ASSERT_TRUE(login.has_value());
  EXPECT_EQ(login->get("Response"), "Success");
  EXPECT_EQ(login->get("ActionID"), "t-2");

  c.send("Action: Events\r\nActionID: t-3\r\nEventMask: on\r\n\r\n");
  std::vector<Frame> before;
  auto first_newchannel = c.read_until("Event", "Newchannel", &before);
  ASSERT_TRUE(first_newchannel.has_value());

  auto expected = capture_event_frames(kCaptureA);
  auto it = std::find_if(expected.begin(), expected.end(),
                         [](const Frame& f) { return f.get("Event") == "Newchannel"; });
  ASSERT_NE(it, expected.end());
  EXPECT_EQ(first_newchannel->raw, it->raw);
  EXPECT_EQ(first_newchannel->get("Channel"), it->get("Channel"));

  // Before it: our Events response and the recorded events, never a response
  // to the recording client's actions (ActionID a-00N).
  for (const auto& f : before) {
    if (f.first_key() == "Response") {
      EXPECT_EQ(f.get("ActionID"), "t-3") << f.raw;
    }
  }

  c.send("Action: CoreShowChannels\r\nActionID: t-4\r\n\r\n");
  auto list_response = c.read_until("ActionID", "t-4");
  ASSERT_TRUE(list_response.has_value());
  EXPECT_EQ(list_response->get("EventList"), "start");

  auto actions = read_file(dir_.path() / "actions.log");
  EXPECT_NE(actions.find("Action: Login\r\n"), std::string::npos);
  EXPECT_NE(actions.find("Action: Events\r\n"), std::string::npos);
}

TEST_F(AmiReplayServerTest, WrongKeyAndPlainSecretUnderMd5OnlyAreRejected) {
  ASSERT_NO_FATAL_FAILURE(start({"--md5-only", "--speed", "0", kCaptureA}));
  {
    AmiClient c(port_);
    auto login = login_md5(c, "not-the-secret");
    ASSERT_TRUE(login.has_value());
    EXPECT_EQ(login->get("Response"), "Error");
    EXPECT_EQ(login->get("Message"), "Authentication failed");
    EXPECT_FALSE(c.read_frame().has_value());
    EXPECT_TRUE(c.eof_seen());
  }
  {
    AmiClient c(port_);
    ASSERT_FALSE(login_plain(c));
    EXPECT_FALSE(c.read_frame().has_value());
    EXPECT_TRUE(c.eof_seen());
  }
}

TEST_F(AmiReplayServerTest, AnswersActionsWithTheirActionIdAndLogoffCloses) {
  ASSERT_NO_FATAL_FAILURE(start({"--speed", "0", kCaptureA}));
  AmiClient c(port_);
  ASSERT_TRUE(login_plain(c));
  // Events stay off: only responses arrive, in order.
  c.send("Action: Ping\r\nActionID: x-1\r\n\r\n");
  c.send("Action: Originate\r\nActionID: x-2\r\nChannel: Local/1001@agents\r\n\r\n");
  c.send("Action: NoSuchThing\r\nActionID: x-3\r\n\r\n");
  c.send("Action: Logoff\r\nActionID: x-4\r\n\r\n");
  auto ping = c.read_frame();
  ASSERT_TRUE(ping.has_value());
  EXPECT_EQ(ping->get("ActionID"), "x-1");
  EXPECT_EQ(ping->get("Ping"), "Pong");
  EXPECT_FALSE(ping->get("Timestamp").empty());
  auto originate = c.read_frame();
  ASSERT_TRUE(originate.has_value());
  EXPECT_EQ(originate->get("ActionID"), "x-2");
  EXPECT_EQ(originate->get("Message"), "Originate successfully queued");
  auto unknown = c.read_frame();
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->get("ActionID"), "x-3");
  EXPECT_EQ(unknown->get("Response"), "Error");
  EXPECT_EQ(unknown->get("Message"), "Invalid/unknown command");
  auto bye = c.read_frame();
  ASSERT_TRUE(bye.has_value());
  EXPECT_EQ(bye->get("ActionID"), "x-4");
  EXPECT_EQ(bye->get("Response"), "Goodbye");
  EXPECT_FALSE(c.read_frame().has_value());
  EXPECT_TRUE(c.eof_seen());
}

// The connection drops right after the first BridgeEnter of capture a (the
// call is up); the next connection resumes after it, and CoreShowChannels
// lists exactly the channels a reader of the capture finds live at that point.
TEST_F(AmiReplayServerTest, DropAfterBytesResumesOnNextConnectionWithLiveChannels) {
  auto expected = capture_event_frames(kCaptureA);
  std::size_t cut = 0, bytes = 0;
  for (; cut < expected.size(); ++cut) {
    bytes += expected[cut].raw.size();
    if (expected[cut].get("Event") == "BridgeEnter") break;
  }
  ASSERT_LT(cut + 1, expected.size());
  ASSERT_NO_FATAL_FAILURE(start({"--speed", "0", "--split-seed", "7", "--drop-after-bytes",
                                 std::to_string(bytes), kCaptureA}));

  std::vector<Frame> events;
  {
    AmiClient c(port_);
    ASSERT_TRUE(login_plain(c));
    c.send("Action: Events\r\nActionID: e-1\r\nEventMask: on\r\n\r\n");
    while (auto f = c.read_frame())
      if (f->first_key() == "Event") events.push_back(std::move(*f));
    EXPECT_TRUE(c.eof_seen()) << "expected the server to drop the connection";
  }
  ASSERT_EQ(events.size(), cut + 1);
  for (std::size_t i = 0; i <= cut; ++i) EXPECT_EQ(events[i].raw, expected[i].raw) << i;

  std::set<std::string> live;
  for (std::size_t i = 0; i <= cut; ++i) {
    if (expected[i].get("Event") == "Newchannel") live.insert(expected[i].get("Uniqueid"));
    if (expected[i].get("Event") == "Hangup") live.erase(expected[i].get("Uniqueid"));
  }
  ASSERT_FALSE(live.empty());
  const std::string bridged = expected[cut].get("Uniqueid");

  AmiClient c(port_);
  ASSERT_TRUE(login_plain(c));
  c.send("Action: CoreShowChannels\r\nActionID: csc-1\r\n\r\n");
  auto start_frame = c.read_frame();
  ASSERT_TRUE(start_frame.has_value());
  EXPECT_EQ(start_frame->get("Response"), "Success");
  EXPECT_EQ(start_frame->get("ActionID"), "csc-1");
  EXPECT_EQ(start_frame->get("EventList"), "start");
  std::set<std::string> listed;
  std::optional<Frame> complete;
  while (auto f = c.read_frame()) {
    EXPECT_EQ(f->get("ActionID"), "csc-1") << f->raw;
    if (f->get("Event") == "CoreShowChannelsComplete") {
      complete = std::move(f);
      break;
    }
    ASSERT_EQ(f->get("Event"), "CoreShowChannel");
    listed.insert(f->get("Uniqueid"));
    EXPECT_FALSE(f->get("Channel").empty());
    EXPECT_FALSE(f->get("Linkedid").empty());
    if (f->get("Uniqueid") == bridged) {
      EXPECT_EQ(f->get("BridgeId"), expected[cut].get("BridgeUniqueid"));
    }
  }
  ASSERT_TRUE(complete.has_value());
  EXPECT_EQ(complete->get("EventList"), "Complete");
  EXPECT_EQ(complete->get("ListItems"), std::to_string(live.size()));
  EXPECT_EQ(listed, live);

  c.send("Action: Events\r\nActionID: e-2\r\nEventMask: on\r\n\r\n");
  auto next = c.read_until("Event", expected[cut + 1].get("Event"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->raw, expected[cut + 1].raw);
}

// With --speed 1 the recorded gap between the first streamed event
// (FullyBooted, t=0.000678) and the first Newchannel (t=0.201605) in
// a_inbound_answered.json's rx_chunks is honoured. Streaming starts after the
// Events action, so measuring from before it gives a lower bound that load
// cannot break.
TEST_F(AmiReplayServerTest, SpeedOneHonoursRecordedTiming) {
  ASSERT_NO_FATAL_FAILURE(start({"--speed", "1", kCaptureA}));
  AmiClient c(port_);
  ASSERT_TRUE(login_plain(c));
  auto t0 = std::chrono::steady_clock::now();
  c.send("Action: Events\r\nActionID: s-1\r\nEventMask: on\r\n\r\n");
  ASSERT_TRUE(c.read_until("Event", "Newchannel").has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(190));
}

}  // namespace
}  // namespace cti::tools::test
