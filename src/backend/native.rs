//! [`Native`]: the [`Backend`] of the real Winsock, on Windows.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::{Backend, BackendKind, Buffer, CallResult};
use crate::native::{address, ioctl, last_error, peer_name, socket, startup, WINDOWS};

/// The real Winsock of the running Windows as a [`Backend`]: `ws2_32.dll` and
/// `fwpuclnt.dll`, called through windows-sys.
///
/// Winsock is one per process: every `Native` shares the process's `WSAStartup` count and
/// sockets. The conformance suite therefore runs native cases one at a time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Native;

impl Native {
    /// The real Winsock of this process.
    pub const fn new() -> Self {
        Native
    }
}

impl Backend for Native {
    fn kind(&self) -> BackendKind {
        BackendKind::Windows
    }

    fn startup(&self, version: u16) -> CallResult<u16> {
        startup::startup(&WINDOWS, version)
    }

    fn cleanup(&self) -> CallResult {
        startup::cleanup(&WINDOWS)
    }

    fn last_error(&self) -> i32 {
        last_error::get(&WINDOWS)
    }

    fn set_last_error(&self, code: i32) {
        last_error::set(&WINDOWS, code)
    }

    fn socket(&self, af: u16, socket_type: i32, protocol: i32) -> CallResult<SOCKET> {
        socket::socket(&WINDOWS, af, socket_type, protocol)
    }

    fn wsa_socket(
        &self,
        af: u16,
        socket_type: i32,
        protocol: i32,
        flags: u32,
    ) -> CallResult<SOCKET> {
        socket::wsa_socket(&WINDOWS, af, socket_type, protocol, flags)
    }

    fn close(&self, s: SOCKET) -> CallResult {
        socket::close(&WINDOWS, s)
    }

    fn bind(&self, s: SOCKET, addr: SocketAddr) -> CallResult {
        address::bind(&WINDOWS, s, addr)
    }

    fn local_addr(&self, s: SOCKET) -> CallResult<SocketAddr> {
        address::local_addr(s)
    }

    fn listen(&self, s: SOCKET, backlog: i32) -> CallResult {
        address::listen(&WINDOWS, s, backlog)
    }

    fn connect(&self, s: SOCKET, addr: SocketAddr) -> CallResult {
        address::connect(&WINDOWS, s, addr)
    }

    fn accept(&self, s: SOCKET) -> CallResult<SOCKET> {
        address::accept(&WINDOWS, s)
    }

    fn set_peer_target_name(&self, s: SOCKET, name: Buffer<'_>) -> CallResult {
        peer_name::set(&WINDOWS, s, name)
    }

    fn set_peer_target_name_with_overlapped(&self, s: SOCKET, name: Buffer<'_>) -> CallResult {
        peer_name::set_with_overlapped(&WINDOWS, s, name)
    }

    fn delete_peer_target_name(&self, s: SOCKET, addr: Buffer<'_>) -> CallResult {
        peer_name::delete(&WINDOWS, s, addr)
    }

    fn ioctl(&self, s: SOCKET, code: u32, input: Buffer<'_>) -> CallResult<u32> {
        ioctl::ioctl(&WINDOWS, s, code, input)
    }
}
