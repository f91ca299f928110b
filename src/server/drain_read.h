// src/server/drain_read.h: a receive buffer whose short reads tell Asio's reactor that the
// socket is drained, so that the next read waits for epoll instead of trying recv() first.
//
// Why: Asio's epoll reactor registers sockets edge-triggered and, after any completed read,
// starts the next read with a speculative recv(). On a keep-alive webhook connection that recv
// nearly always fails with EAGAIN (the next request comes later), one wasted system call per
// request. Asio marks a socket "exhausted" only on EOF; a read that returned fewer bytes than
// asked for has, on a stream socket, also emptied the receive queue, which is what nginx relies
// on (ngx_unix_recv clears rev->ready on a short read). Any byte that arrives later raises a new
// edge, and the reactor then performs the queued read.
//
// The one thing a short read cannot tell is an end of stream (FIN, or RST) that arrived together
// with the bytes: its edge has been consumed, and recv() would report it only when called again.
// Callers therefore use this buffer only where the next read may wait for the peer (the
// connection is idle between requests); mid-request they read once more directly
// (Connection loop in server.cc). What remains is a peer that half-closes right after a complete
// request without TLS close_notify and waits for us to close: it waits for the idle timeout.
//
// Asio hook: a full specialization of detail::reactive_socket_recv_op_base for this buffer type
// (Boost 1.81 layout: socket, state, buffers, flags; perform returns done_and_exhausted to clear
// the descriptor's try_speculative_ flag). Include this header before any Asio receive on a
// DrainReportingBuffer is instantiated.
#ifndef CELGATE_SERVER_DRAIN_READ_H_
#define CELGATE_SERVER_DRAIN_READ_H_

#include <boost/asio/buffer.hpp>
#include <boost/asio/detail/reactive_socket_recv_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/version.hpp>

#if BOOST_VERSION / 100 != 1081
#error "drain_read.h hooks Boost 1.81's reactive_socket_recv_op_base; check its layout"
#endif

namespace celgate::server {

// A one-element mutable buffer sequence (same shape as asio::mutable_buffers_1) of its own
// type, so that only receives made with it get the specialization below.
class DrainReportingBuffer {
 public:
  using value_type = boost::asio::mutable_buffer;
  using const_iterator = const boost::asio::mutable_buffer*;

  DrainReportingBuffer(void* data, size_t size) : buffer_(data, size) {}

  const_iterator begin() const { return &buffer_; }
  const_iterator end() const { return &buffer_ + 1; }
  const boost::asio::mutable_buffer& buffer() const { return buffer_; }

 private:
  boost::asio::mutable_buffer buffer_;
};

}  // namespace celgate::server

namespace boost::asio::detail {

template <>
class reactive_socket_recv_op_base<celgate::server::DrainReportingBuffer> : public reactor_op {
 public:
  reactive_socket_recv_op_base(const boost::system::error_code& success_ec, socket_type socket,
                               socket_ops::state_type state,
                               const celgate::server::DrainReportingBuffer& buffers,
                               socket_base::message_flags flags, func_type complete_func)
      : reactor_op(success_ec, &reactive_socket_recv_op_base::do_perform, complete_func),
        socket_(socket),
        state_(state),
        buffer_(buffers.buffer()),
        flags_(flags) {}

  static status do_perform(reactor_op* base) {
    auto* o = static_cast<reactive_socket_recv_op_base*>(base);
    if (!socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(),
                                        o->flags_, (o->state_ & socket_ops::stream_oriented) != 0,
                                        o->ec_, o->bytes_transferred_)) {
      return not_done;  // EAGAIN: queued until the next edge
    }
    // A short read emptied the receive queue; so did an end of stream or an error (0 bytes),
    // which Asio itself reports as exhausted.
    if ((o->state_ & socket_ops::stream_oriented) != 0 &&
        o->bytes_transferred_ < o->buffer_.size()) {
      return done_and_exhausted;
    }
    return done;
  }

 private:
  socket_type socket_;
  socket_ops::state_type state_;
  boost::asio::mutable_buffer buffer_;
  socket_base::message_flags flags_;
};

}  // namespace boost::asio::detail

#endif  // CELGATE_SERVER_DRAIN_READ_H_
