// The fake AMI server as a real child process on a real loopback socket.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/tools/tool_test_support.h"
#include "tools/support/child_process.h"

namespace cti::tools::test {
namespace {

const std::string kCaptureA = std::string(CTI_FIXTURES) + "/ami/a_inbound_answered.ami";
const std::string kCaptureH = std::string(CTI_FIXTURES) + "/ami/h_click_to_call.ami";
const std::string kSecret = "replay-secret";
// The CTI_CALL_ID the recording of capture h set with its Originate (VarSet).
const std::string kRecordedCallId = "c2c-h-0001";

// Capture h's events as the server should play them for an Originate carrying
// CTI_CALL_ID `call_id` (empty: unchanged) and ActionID `action_id`.
std::vector<Frame> expected_click_to_call(const std::string& call_id,
                                          const std::string& action_id) {
  std::vector<Frame> out;
  for (const auto& f : capture_event_frames(kCaptureH)) {
    std::string raw = f.raw;
    if (!call_id.empty())
      for (auto pos = raw.find(kRecordedCallId); pos != std::string::npos;
           pos = raw.find(kRecordedCallId, pos + call_id.size()))
        raw.replace(pos, kRecordedCallId.size(), call_id);
    if (f.get("Event") == "OriginateResponse") {
      const std::string line = "ActionID: " + f.get("ActionID") + "\r\n";
      raw.replace(raw.find(line), line.size(), "ActionID: " + action_id + "\r\n");
    }
    out.push_back(make_frame(std::move(raw)));
  }
  return out;
}

// Whether `got` is `a` and `b` interleaved, each in its own order.
bool is_interleaving(const std::vector<Frame>& got, const std::vector<Frame>& a,
                     const std::vector<Frame>& b) {
  if (got.size() != a.size() + b.size()) return false;
  // ok[j]: got[0, i + j) can be a[0, i) merged with b[0, j), for the current i.
  std::vector<char> ok(b.size() + 1, 0);
  for (std::size_t i = 0; i <= a.size(); ++i)
    for (std::size_t j = 0; j <= b.size(); ++j) {
      if (i == 0 && j == 0) {
        ok[0] = 1;
        continue;
      }
      const std::string& g = got[i + j - 1].raw;
      ok[j] = (i > 0 && ok[j] && a[i - 1].raw == g) || (j > 0 && ok[j - 1] && b[j - 1].raw == g);
    }
  return ok[b.size()];
}

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

  // `n` frames, or fewer when the connection ended or timed out.
  static std::vector<Frame> read_frames(AmiClient& c, std::size_t n) {
    std::vector<Frame> out;
    while (out.size() < n)
      if (auto f = c.read_frame())
        out.push_back(std::move(*f));
      else
        break;
    return out;
  }

  // Events on, checking the response (no capture to stream before it).
  static void events_on(AmiClient& c, const std::string& action_id) {
    c.send("Action: Events\r\nActionID: " + action_id + "\r\nEventMask: on\r\n\r\n");
    auto r = c.read_until("ActionID", action_id);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->get("Events"), "On");
  }

  // A Ping whose Pong is the very next frame: nothing else was queued before it.
  static void expect_pong_next(AmiClient& c, const std::string& action_id) {
    c.send("Action: Ping\r\nActionID: " + action_id + "\r\n\r\n");
    auto pong = c.read_frame();
    ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->get("ActionID"), action_id) << pong->raw;
    EXPECT_EQ(pong->get("Ping"), "Pong");
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

// --originate-capture: the Originate is answered, then capture h plays with
// our CTI_CALL_ID and ActionID in place of the recorded ones. Capture h goes on
// after its last Hangup (device and queue state), so the whole capture is
// expected, then nothing more.
TEST_F(AmiReplayServerTest, OriginateCapturePlaysClickToCallWithTheOriginatesCallId) {
  const auto recorded = capture_event_frames(kCaptureH);
  auto recorded_response = std::find_if(recorded.begin(), recorded.end(), [](const Frame& f) {
    return f.get("Event") == "OriginateResponse";
  });
  ASSERT_NE(recorded_response, recorded.end());
  ASSERT_EQ(recorded_response->get("ActionID"), "h-003") << "capture h changed";
  ASSERT_NE(read_file(kCaptureH).find("Value: " + kRecordedCallId + "\r\n"), std::string::npos);

  ASSERT_NO_FATAL_FAILURE(start({"--originate-capture", kCaptureH, "--speed", "0"}));
  AmiClient c(port_);
  ASSERT_TRUE(login_plain(c));
  ASSERT_NO_FATAL_FAILURE(events_on(c, "e-1"));
  c.send(
      "Action: Originate\r\nActionID: o-1\r\nChannel: Local/1001@agents\r\n"
      "Context: from-internal\r\nExten: 600111222\r\nPriority: 1\r\n"
      "CallerID: +34910000001\r\nAsync: true\r\nVariable: CTI_CALL_ID=c2c-test-42\r\n"
      "Variable: CTI_ORIGIN=crm,CTI_AGENT=1001\r\n\r\n");
  auto queued = c.read_frame();
  ASSERT_TRUE(queued.has_value());
  EXPECT_EQ(queued->get("Response"), "Success");
  EXPECT_EQ(queued->get("ActionID"), "o-1");
  EXPECT_EQ(queued->get("Message"), "Originate successfully queued");

  const auto expected = expected_click_to_call("c2c-test-42", "o-1");
  const auto got = read_frames(c, expected.size());
  ASSERT_EQ(got.size(), expected.size());
  std::size_t call_id_sets = 0, last_hangup = expected.size();
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].raw, expected[i].raw) << "frame " << i;
    EXPECT_EQ(got[i].raw.find(kRecordedCallId), std::string::npos) << got[i].raw;
    if (got[i].get("Variable") == "CTI_CALL_ID") {
      ++call_id_sets;
      EXPECT_EQ(got[i].get("Value"), "c2c-test-42");
    }
    if (got[i].get("Event") == "OriginateResponse") {
      EXPECT_EQ(got[i].get("ActionID"), "o-1");
      EXPECT_EQ(got[i].get("Response"), "Success");
    }
    if (got[i].get("Event") == "Hangup") last_hangup = i;
  }
  EXPECT_EQ(call_id_sets, 2u);  // VarSet on both halves of the Local channel
  ASSERT_LT(last_hangup, got.size());
  EXPECT_EQ(got[last_hangup].raw, recorded[last_hangup].raw);  // no call id in a Hangup
  ASSERT_NO_FATAL_FAILURE(expect_pong_next(c, "p-1"));
}

// Nothing of the originate capture is sent on login or Events: only our
// responses arrive up to the Pong, and one Originate later yields exactly one
// playback (a playback started early would show up in between or as extra
// frames before the last Pong). Without CTI_CALL_ID the capture plays with its
// recorded call id.
TEST_F(AmiReplayServerTest, OriginateCaptureSendsNothingUntilAnOriginate) {
  ASSERT_NO_FATAL_FAILURE(start({"--originate-capture", kCaptureH, "--speed", "0"}));
  AmiClient c(port_);
  ASSERT_TRUE(login_plain(c));
  c.send("Action: Events\r\nActionID: e-1\r\nEventMask: on\r\n\r\n");
  c.send("Action: Ping\r\nActionID: p-1\r\n\r\n");
  auto events = c.read_frame();
  ASSERT_TRUE(events.has_value());
  EXPECT_EQ(events->get("ActionID"), "e-1") << events->raw;
  EXPECT_EQ(events->get("Events"), "On");
  auto pong = c.read_frame();
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ(pong->get("ActionID"), "p-1") << pong->raw;
  ASSERT_NO_FATAL_FAILURE(expect_pong_next(c, "p-2"));

  c.send(
      "Action: Originate\r\nActionID: o-2\r\nChannel: Local/1001@agents\r\n"
      "Variable: CTI_ORIGIN=crm\r\n\r\n");
  auto queued = c.read_frame();
  ASSERT_TRUE(queued.has_value());
  EXPECT_EQ(queued->get("ActionID"), "o-2") << queued->raw;
  const auto expected = expected_click_to_call("", "o-2");
  const auto got = read_frames(c, expected.size());
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].raw, expected[i].raw) << i;
  ASSERT_NO_FATAL_FAILURE(expect_pong_next(c, "p-3"));
}

TEST_F(AmiReplayServerTest, OriginateCaptureLogsTheOriginateAction) {
  ASSERT_NO_FATAL_FAILURE(start({"--originate-capture", kCaptureH, "--speed", "0"}));
  AmiClient c(port_);
  ASSERT_TRUE(login_plain(c));
  const std::string originate =
      "Action: Originate\r\nActionID: o-3\r\nChannel: Local/1001@agents\r\n"
      "Context: from-internal\r\nExten: 600111222\r\nVariable: CTI_CALL_ID=c2c-log-1\r\n\r\n";
  EXPECT_EQ(read_file(dir_.path() / "actions.log").find("Action: Originate"), std::string::npos);
  c.send(originate);
  auto queued = c.read_until("ActionID", "o-3");
  ASSERT_TRUE(queued.has_value());
  // The server appends the action before it answers it.
  EXPECT_NE(read_file(dir_.path() / "actions.log").find(originate), std::string::npos);
}

// A second Originate during a playback is played after it, each with its own
// call id (here set in a comma-separated Variable list) and ActionID.
TEST_F(AmiReplayServerTest, OriginateCaptureQueuesASecondOriginate) {
  ASSERT_NO_FATAL_FAILURE(start({"--originate-capture", kCaptureH, "--speed", "0"}));
  AmiClient c(port_);
  ASSERT_TRUE(login_plain(c));
  ASSERT_NO_FATAL_FAILURE(events_on(c, "e-1"));
  c.send(
      "Action: Originate\r\nActionID: o-1\r\nChannel: Local/1001@agents\r\n"
      "Variable: CTI_CALL_ID=c2c-one\r\n\r\n"
      "Action: Originate\r\nActionID: o-2\r\nChannel: Local/1001@agents\r\n"
      "Variable: CTI_ORIGIN=crm,CTI_CALL_ID=c2c-two,CTI_AGENT=1001\r\n\r\n");
  auto first = expected_click_to_call("c2c-one", "o-1");
  const auto second = expected_click_to_call("c2c-two", "o-2");
  const auto got = read_frames(c, first.size() + second.size() + 2);
  ASSERT_EQ(got.size(), first.size() + second.size() + 2);
  // The responses may fall anywhere before their playback; the events are
  // the two playbacks one after the other.
  std::vector<Frame> played;
  std::vector<std::size_t> response_at;
  for (const auto& f : got) {
    if (f.first_key() == "Response") {
      EXPECT_EQ(f.get("ActionID"), response_at.empty() ? "o-1" : "o-2") << f.raw;
      response_at.push_back(played.size());
    } else {
      played.push_back(f);
    }
  }
  ASSERT_EQ(response_at.size(), 2u);
  EXPECT_EQ(response_at[0], 0u);
  EXPECT_LE(response_at[1], first.size());
  ASSERT_EQ(played.size(), first.size() + second.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(played[i].raw, first[i].raw) << i;
  // The second playback is a new call, as on a real PBX: same frames, but
  // uniqueids "E.S" become "E.(S+100000)" and channel counters move by
  // 0x100000 ("Local/1001@agents-00000000;1" -> "...-00100000;1").
  std::size_t renumbered = 0;
  for (std::size_t i = 0; i < second.size(); ++i) {
    const Frame& got_frame = played[first.size() + i];
    const Frame& want = second[i];
    ASSERT_EQ(got_frame.headers.size(), want.headers.size()) << i;
    for (std::size_t k = 0; k < want.headers.size(); ++k) {
      const auto& [name, value] = want.headers[k];
      const std::string& got_value = got_frame.headers[k].second;
      EXPECT_EQ(got_frame.headers[k].first, name);
      const bool id = name.ends_with("Uniqueid") || name.ends_with("Linkedid");
      const auto dot = value.find('.');
      if (id && dot != std::string::npos) {
        EXPECT_EQ(got_value, value.substr(0, dot + 1) +
                                 std::to_string(std::stoul(value.substr(dot + 1)) + 100000))
            << i << " " << name;
        ++renumbered;
      } else if (name.ends_with("Channel") && value.find("-0000000") != std::string::npos) {
        std::string moved = value;
        moved.replace(moved.find("-0000000") + 1, 3, "001");
        EXPECT_EQ(got_value, moved) << i << " " << name;
        ++renumbered;
      } else {
        EXPECT_EQ(got_value, value) << i << " " << name;
      }
    }
  }
  EXPECT_GT(renumbered, 50u);
  ASSERT_NO_FATAL_FAILURE(expect_pong_next(c, "p-1"));
}

// With a positional capture streaming at the same time (both paced by
// --speed), every frame arrives whole through the one writer: the events are
// capture a and the click-to-call interleaved, each complete and in order.
TEST_F(AmiReplayServerTest, OriginateCaptureSharesTheConnectionWithTheStreamer) {
  ASSERT_NO_FATAL_FAILURE(
      start({"--originate-capture", kCaptureH, "--speed", "8", "--split-seed", "5", kCaptureA}));
  AmiClient c(port_);
  ASSERT_TRUE(login_plain(c));
  c.send(
      "Action: Events\r\nActionID: e-1\r\nEventMask: on\r\n\r\n"
      "Action: Originate\r\nActionID: o-1\r\nChannel: Local/1001@agents\r\n"
      "Variable: CTI_CALL_ID=c2c-both\r\n\r\n");
  const auto streamed = capture_event_frames(kCaptureA);
  const auto played = expected_click_to_call("c2c-both", "o-1");
  const auto got = read_frames(c, streamed.size() + played.size() + 2);
  ASSERT_EQ(got.size(), streamed.size() + played.size() + 2);
  std::vector<Frame> events;
  std::vector<std::string> responses;
  for (const auto& f : got) {
    if (f.first_key() == "Response")
      responses.push_back(f.get("ActionID"));
    else
      events.push_back(f);
  }
  EXPECT_EQ(responses, (std::vector<std::string>{"e-1", "o-1"}));
  EXPECT_TRUE(is_interleaving(events, streamed, played));
  ASSERT_NO_FATAL_FAILURE(expect_pong_next(c, "p-1"));
}

TEST_F(AmiReplayServerTest, WithoutCapturesOrOriginateCaptureItRefusesToStart) {
  auto child = ChildProcess::spawn({std::string(CTI_BINARY_DIR) + "/ami-replay-server", "--secret",
                                    kSecret, "--listen", "127.0.0.1:0"},
                                   dir_ / "out", dir_ / "err");
  ASSERT_TRUE(child.has_value()) << child.error();
  auto status = child->wait_for_exit(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_NE(WEXITSTATUS(*status), 0);
  EXPECT_NE(read_file(dir_.path() / "err").find("--originate-capture"), std::string::npos)
      << read_file(dir_.path() / "err");
}

}  // namespace
}  // namespace cti::tools::test
