// Point-to-point traffic through core::Comm: typed and byte messages around a ring, the
// manager pattern (messages of unknown size from any rank, matched by a probe),
// non-blocking requests, and a barrier polled without blocking.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/comm.hpp"

using namespace mspipe::core;

namespace {
Comm world() { return Comm(MPI_COMM_WORLD); }  // tests stand in for the driver
int right(const Comm& c) { return (c.rank() + 1) % c.size(); }
int left(const Comm& c) { return (c.rank() + c.size() - 1) % c.size(); }

// The bytes rank r sends in the manager test: 3r + 1 of them, each (r + i) mod 256.
std::vector<std::byte> payload(int r) {
  std::vector<std::byte> b(static_cast<std::size_t>(3 * r + 1));
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = std::byte((r + i) % 256);
  return b;
}
}  // namespace

TEST(CommPointToPoint, TypedRingExchangeDeliversTheLeftNeighboursValues) {
  Comm w = world();
  std::vector<double> out = {w.rank() + 0.25, w.rank() + 0.5, w.rank() + 0.75};
  std::vector<double> in(3, -1.0);
  Status st;
  // Even ranks send first, odd ranks receive first: no reliance on eager buffering.
  if (w.rank() % 2 == 0) {
    w.send(out, right(w), 11);
    st = w.recv(std::span<double>(in), left(w), 11);
  } else {
    st = w.recv(std::span<double>(in), left(w), 11);
    w.send(out, right(w), 11);
  }
  EXPECT_EQ(st.source, left(w));
  EXPECT_EQ(st.tag, 11);
  EXPECT_EQ(st.count, 3u);
  EXPECT_EQ(in, (std::vector<double>{left(w) + 0.25, left(w) + 0.5, left(w) + 0.75}));
}

TEST(CommPointToPoint, ByteRingExchangeReportsTheReceivedLengthInALargerBuffer) {
  Comm w = world();
  const auto out = payload(w.rank());
  std::vector<std::byte> in(64, std::byte{0xff});
  Status st;
  if (w.rank() % 2 == 0) {
    w.send(out, right(w), 12);
    st = w.recv(std::span<std::byte>(in), Comm::any_source, Comm::any_tag);
  } else {
    st = w.recv(std::span<std::byte>(in), Comm::any_source, Comm::any_tag);
    w.send(out, right(w), 12);
  }
  const auto want = payload(left(w));
  EXPECT_EQ(st.source, left(w));
  EXPECT_EQ(st.tag, 12);
  ASSERT_EQ(st.count, want.size());
  EXPECT_TRUE(std::equal(want.begin(), want.end(), in.begin()));
  EXPECT_EQ(in[want.size()], std::byte{0xff});  // nothing written past the message
}

TEST(CommPointToPoint, ManagerReceivesMessagesOfUnknownSizeFromEveryRank) {
  Comm w = world();
  // Every worker sends bytes (tag 100 + r) and then ints (tag 200); the manager takes
  // them in whatever order they come, sizing each buffer from the matched message.
  if (w.rank() != 0) {
    w.send(payload(w.rank()), 0, 100 + w.rank());
    w.send(std::vector<int>(static_cast<std::size_t>(w.rank()), w.rank()), 0, 200);
  } else {
    std::multiset<int> bytes_from, ints_from;
    for (int k = 0; k < 2 * (w.size() - 1); ++k) {
      Message m = w.probe(Comm::any_source, Comm::any_tag);
      const int r = m.source();
      if (m.tag() == 200) {
        EXPECT_EQ(m.count<int>(), std::size_t(r));
        EXPECT_EQ(m.recv<int>(), std::vector<int>(static_cast<std::size_t>(r), r));
        ints_from.insert(r);
      } else {
        EXPECT_EQ(m.tag(), 100 + r);
        EXPECT_EQ(m.count<std::byte>(), payload(r).size());
        EXPECT_EQ(m.recv_bytes(), payload(r));
        bytes_from.insert(r);
      }
      EXPECT_TRUE(m.received());
    }
    std::multiset<int> workers;
    for (int r = 1; r < w.size(); ++r) workers.insert(r);
    EXPECT_EQ(bytes_from, workers);
    EXPECT_EQ(ints_from, workers);
    EXPECT_FALSE(w.iprobe(Comm::any_source, 300).has_value());  // nothing sent with tag 300 yet
  }
  w.barrier();
  // Polled: iprobe answers std::nullopt until a message is there.
  if (w.rank() != 0) {
    w.send(std::vector<double>{0.5 * w.rank()}, 0, 300);
  } else {
    std::set<int> polled;
    while (polled.size() < std::size_t(w.size() - 1)) {
      auto m = w.iprobe(Comm::any_source, 300);
      if (!m) continue;
      EXPECT_EQ(m->recv<double>(), std::vector<double>{0.5 * m->source()});
      polled.insert(m->source());
    }
  }
  w.barrier();
}

TEST(CommPointToPoint, MessageThatIsNotAWholeNumberOfElementsIsRefusedAndCanBeReadAsBytes) {
  Comm w = world();
  if (w.rank() == 1) w.send(std::vector<std::byte>(12), 0, 5);
  if (w.rank() == 0) {
    Message m = w.probe(1, 5);
    EXPECT_EQ(m.count<int>(), 3u);
    try {
      (void)m.count<double>();
      ADD_FAILURE() << "12 bytes counted as doubles";
    } catch (const std::length_error& e) {
      EXPECT_NE(std::string(e.what()).find("12 bytes from rank 1"), std::string::npos) << e.what();
    }
    EXPECT_EQ(m.recv_bytes().size(), 12u);
  }
  w.barrier();
}

TEST(CommPointToPoint, UnreceivedMessageIsDroppedNotLeftForTheNextReceive) {
  Comm w = world();
  if (w.rank() == 1) {
    w.send(std::vector<int>{1, 2, 3}, 0, 6);
    w.send(std::vector<int>{4}, 0, 6);
  }
  if (w.rank() == 0) {
    { Message first = w.probe(1, 6); }  // destroyed unreceived
    int v = 0;
    const auto st = w.recv(std::span<int>(&v, 1), 1, 6);
    EXPECT_EQ(st.count, 1u);
    EXPECT_EQ(v, 4);
  }
  w.barrier();
}

TEST(CommPointToPoint, NonBlockingRingCompletesThroughTestAndWait) {
  Comm w = world();
  std::vector<long long> out(5), in(5, -1);
  for (int i = 0; i < 5; ++i) out[i] = 1000LL * w.rank() + i;
  Request recv = w.irecv(std::span<long long>(in), left(w), 21);
  Request send = w.isend(std::span<const long long>(out), right(w), 21);
  EXPECT_TRUE(recv.active());
  std::optional<Status> st;
  while (!(st = recv.test())) {
  }
  EXPECT_FALSE(recv.active());
  EXPECT_EQ(st->source, left(w));
  EXPECT_EQ(st->tag, 21);
  EXPECT_EQ(st->count, 5u);
  send.wait();
  EXPECT_FALSE(send.active());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(in[i], 1000LL * left(w) + i);
  // A moved-from request is inactive and waits for nothing.
  Request moved = std::move(send);
  EXPECT_EQ(send.wait().count, 0u);
}

TEST(CommPointToPoint, WaitAllCompletesEveryRequest) {
  Comm w = world();
  std::vector<int> from_left(1, -1), from_right(1, -1);
  const int mine = w.rank();
  std::vector<Request> reqs;
  reqs.push_back(w.irecv(std::span<int>(from_left), left(w), 31));
  reqs.push_back(w.irecv(std::span<int>(from_right), right(w), 32));
  reqs.push_back(w.isend(std::span<const int>(&mine, 1), right(w), 31));
  reqs.push_back(w.isend(std::span<const int>(&mine, 1), left(w), 32));
  Request::wait_all(reqs);
  for (const auto& r : reqs) EXPECT_FALSE(r.active());
  EXPECT_EQ(from_left[0], left(w));
  EXPECT_EQ(from_right[0], right(w));
}

TEST(CommPointToPoint, PendingReceiveDestroyedUnmatchedIsCancelledAndTakesNothing) {
  Comm w = world();
  int sink = -1;
  { Request never = w.irecv(std::span<int>(&sink, 1), w.rank(), 41); }  // must not block
  const int value = 7 + w.rank();
  Request s = w.isend(std::span<const int>(&value, 1), w.rank(), 41);
  int got = -1;
  w.recv(std::span<int>(&got, 1), w.rank(), 41);
  s.wait();
  EXPECT_EQ(got, value);
  EXPECT_EQ(sink, -1);
}

TEST(CommPointToPoint, IbarrierIsNotDoneUntilTheLastRankEnters) {
  Comm w = world();
  // Rank 0 enters only after every other rank has seen the barrier still open.
  if (w.rank() != 0) {
    Request b = w.ibarrier();
    const bool open = !b.test();
    EXPECT_TRUE(open);
    const int flag = open ? 1 : 0;
    w.send(std::span<const int>(&flag, 1), 0, 51);
    while (!b.test()) {
    }
  } else {
    for (int k = 1; k < w.size(); ++k) {
      int flag = 0;
      w.recv(std::span<int>(&flag, 1), Comm::any_source, 51);
      EXPECT_EQ(flag, 1);
    }
    Request b = w.ibarrier();
    b.wait();
    EXPECT_FALSE(b.active());
  }
}
