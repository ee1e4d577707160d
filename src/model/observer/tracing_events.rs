//! The `tracing` feature: one `tracing` event per emulated call, emitted from the observer
//! (the one place every call passes, through either face), so that a user's subscriber and
//! its `RUST_LOG`-style filters show what the code under test did.
//!
//! Each event has the target `winsock_emu`, the level `DEBUG`, and the fields `call` (the
//! Windows function, as [`crate::testing::Call::name`] gives it), `socket` (the handle, 0
//! for none), `address` (the address the call named, empty for none), `args` (the other
//! arguments, decoded), `code` (0 on success, else the Winsock error code) and `result`
//! (the value's description, or the error's name). With no subscriber interested, a call
//! costs the check of `tracing`'s cached interest and nothing is formatted.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::Result;
use crate::model::observer::Outcome;
use crate::testing::Call;

/// Whether a subscriber wants the events.
#[inline]
pub(in crate::model) fn enabled() -> bool {
    tracing::enabled!(target: "winsock_emu", tracing::Level::DEBUG)
}

/// Emits the event of one finished call, if a subscriber wants it.
#[inline]
pub(in crate::model) fn emit<R: Outcome>(
    call: Call,
    socket: Option<SOCKET>,
    peer: Option<SocketAddr>,
    args: impl FnOnce() -> String,
    result: &Result<R>,
) {
    if enabled() {
        emit_now(call, socket, peer, args(), result);
    }
}

#[cold]
fn emit_now<R: Outcome>(
    call: Call,
    socket: Option<SOCKET>,
    peer: Option<SocketAddr>,
    args: String,
    result: &Result<R>,
) {
    let (code, described) = match result {
        Ok(value) => (0, value.describe()),
        Err(error) => (error.code(), error.name().to_owned()),
    };
    tracing::event!(
        target: "winsock_emu",
        tracing::Level::DEBUG,
        call = call.name(),
        socket = socket.unwrap_or(0),
        address = %peer.map_or_else(String::new, |peer| peer.to_string()),
        args = %args,
        code,
        result = %described,
        "{call} -> {described}"
    );
}
