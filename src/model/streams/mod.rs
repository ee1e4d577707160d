//! Streams: moving bytes between connected sockets (`data.rs`: `send`, `recv`, `shutdown`,
//! and the receive side of datagrams), flow control and the timeouts the blocking calls
//! read (`flow.rs`), taking connections from a backlog (`accepting.rs`), a received
//! payload's bytes (`payload.rs`), and `TransmitFile`/`TransmitPackets` (`transmit.rs`).
#![forbid(unsafe_code)]

pub(super) mod accepting;
pub(super) mod conditional;
pub(super) mod data;
pub(super) mod disconnect;
pub(super) mod flow;
pub(super) mod payload;
pub(super) mod transmit;
