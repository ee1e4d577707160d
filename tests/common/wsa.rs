//! Raw `WSASend`, `WSARecv` and `WSARecvFrom` calls with sentinel out-parameters and
//! buffers preset to a fill byte, so that a test sees exactly what a call wrote.

use std::ptr;

use winsock_emu::sys::{self, SOCKET, WSABUF};
use winsock_emu::{Domain, Socket, Type};

use super::Env;

/// An accepted stream connection on `at`: (client, server), both non-blocking, as the
/// tests that use them poll (an empty receive is `WSAEWOULDBLOCK`).
pub fn stream_pair(env: &Env, at: &str) -> (Socket, Socket) {
    let (listener, client) = super::connected_stream(&env.net, at);
    let (server, _) = listener.accept().unwrap();
    polled(client, server)
}

/// A datagram socket bound at `at`, and a datagram socket connected to it: (client,
/// server), both non-blocking.
pub fn datagram_pair(env: &Env, at: &str) -> (Socket, Socket) {
    let at = at.parse().unwrap();
    let server = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    server.bind(at).unwrap();
    let client = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    client.connect(at).unwrap();
    polled(client, server)
}

/// Both sockets non-blocking.
fn polled(client: Socket, server: Socket) -> (Socket, Socket) {
    client.set_nonblocking(true).unwrap();
    server.set_nonblocking(true).unwrap();
    (client, server)
}

/// What an out-parameter holds until a call writes it.
pub const SENTINEL: u32 = 0xdead_beef;

/// What a receive buffer holds until a call writes it.
pub const FILL: u8 = 0xAA;

/// What a raw call reported: 0 or the last error, `*lpNumberOfBytes...` and `*lpFlags`
/// (the sentinel, or the flags passed in, where the call did not write them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported {
    pub result: Result<(), i32>,
    pub count: u32,
    pub flags: u32,
}

impl Reported {
    /// A call that succeeded, moving `count` bytes, with `*lpFlags` 0 (receives) or untouched.
    pub fn ok(count: u32, flags: u32) -> Reported {
        Reported {
            result: Ok(()),
            count,
            flags,
        }
    }

    /// A call that failed with `code` and wrote neither out-parameter.
    pub fn failed(code: i32, flags: u32) -> Reported {
        Reported {
            result: Err(code),
            count: SENTINEL,
            flags,
        }
    }
}

/// Runs `call` with a sentinel count and `flags` as its out-parameters.
fn with_out_params(flags: u32, call: impl FnOnce(&mut u32, &mut u32) -> i32) -> Reported {
    let (mut count, mut flags) = (SENTINEL, flags);
    let rc = call(&mut count, &mut flags);
    Reported {
        result: super::outcome(rc),
        count,
        flags,
    }
}

/// `WSABUF`s over `parts`, for a send (the emulator never writes through them).
pub fn send_bufs(parts: &[&[u8]]) -> Vec<WSABUF> {
    parts
        .iter()
        .map(|part| WSABUF {
            len: part.len() as u32,
            buf: part.as_ptr().cast_mut(),
        })
        .collect()
}

/// `WSABUF`s over `buffers`, for a receive.
pub fn recv_bufs(buffers: &mut [Vec<u8>]) -> Vec<WSABUF> {
    buffers
        .iter_mut()
        .map(|buffer| WSABUF {
            len: buffer.len() as u32,
            buf: buffer.as_mut_ptr(),
        })
        .collect()
}

/// Buffers of the given sizes, each filled with [`FILL`].
pub fn filled(sizes: &[usize]) -> Vec<Vec<u8>> {
    sizes.iter().map(|&size| vec![FILL; size]).collect()
}

/// `WSASend(s, bufs, n, &count, flags, NULL, NULL)` with `count` preset to the sentinel.
pub fn wsa_send(s: SOCKET, bufs: &[WSABUF], flags: u32) -> Reported {
    let (array, n) = (bufs.as_ptr(), bufs.len() as u32);
    with_out_params(flags, |count, _| unsafe {
        sys::WSASend(s, array, n, count, flags, ptr::null_mut(), None)
    })
}

/// `WSARecv(s, bufs, n, &count, &flags, NULL, NULL)` with `count` preset to the sentinel.
pub fn wsa_recv(s: SOCKET, bufs: &[WSABUF], flags: u32) -> Reported {
    let (array, n) = (bufs.as_ptr(), bufs.len() as u32);
    with_out_params(flags, |count, flags| unsafe {
        sys::WSARecv(s, array, n, count, flags, ptr::null_mut(), None)
    })
}

/// Receives through `WSARecv` into fresh buffers of `sizes`; returns what it reported and
/// the buffers.
pub fn recv_into(s: SOCKET, sizes: &[usize], flags: u32) -> (Reported, Vec<Vec<u8>>) {
    let mut buffers = filled(sizes);
    let bufs = recv_bufs(&mut buffers);
    let reported = wsa_recv(s, &bufs, flags);
    (reported, buffers)
}

/// The sender `WSARecvFrom` reported: its `SOCKADDR` bytes (preset to 0x5A) and
/// `*lpFromlen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sender {
    pub addr: [u8; 28],
    pub len: i32,
}

impl Sender {
    /// Room for an address, `len` bytes declared.
    pub fn room(len: i32) -> Sender {
        Sender {
            addr: [0x5A; 28],
            len,
        }
    }

    /// The bytes written: the first `*lpFromlen` of them (compare with
    /// [`super::sockaddr`]).
    pub fn written(&self) -> &[u8] {
        &self.addr[..self.len.clamp(0, 28) as usize]
    }
}

/// `WSARecvFrom` into fresh buffers of `sizes`, with `from` as the sender's room (None:
/// NULL `lpFrom` and `lpFromlen`).
pub fn recv_from_into(
    s: SOCKET,
    sizes: &[usize],
    flags: u32,
    from: Option<&mut Sender>,
) -> (Reported, Vec<Vec<u8>>) {
    let mut buffers = filled(sizes);
    let bufs = recv_bufs(&mut buffers);
    let (addr, len) = match from {
        Some(from) => (from.addr.as_mut_ptr(), &mut from.len as *mut i32),
        None => (ptr::null_mut(), ptr::null_mut()),
    };
    let (array, n) = (bufs.as_ptr(), bufs.len() as u32);
    let reported = with_out_params(flags, |count, flags| unsafe {
        sys::WSARecvFrom(
            s,
            array,
            n,
            count,
            flags,
            addr.cast(),
            len,
            ptr::null_mut(),
            None,
        )
    });
    (reported, buffers)
}
