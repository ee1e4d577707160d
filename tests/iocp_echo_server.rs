//! The IOCP echo server, as Windows servers are written: a pool of worker threads on one
//! completion port, `AcceptEx` posted ahead of the connections (with the first data read
//! by the accept), `WSARecv` and `WSASend` chained through the port per connection, and
//! clients in other threads connecting with `ConnectEx` and its first send. The last
//! connection's close makes a worker post one shutdown packet per worker
//! (`PostQueuedCompletionStatus`). Every wait is bounded: the workers' INFINITE waits by
//! the network's stall rules, the clients' blocking calls too. Run 100 times; no byte is
//! lost or misrouted.

mod common;
mod iocp_support;

use std::ffi::c_void;
use std::mem::size_of;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::env;
use iocp_support::*;
use winsock_emu::sys::*;

/// The server's port.
const SERVER: &str = "127.0.0.1:5150";
const WORKERS: usize = 4;
const CLIENTS: usize = 8;
const ROUNDS: usize = 5;
/// `AcceptEx` operations posted before any client connects.
const AHEAD: usize = 3;
const BUFFER: usize = 512;
/// Each `AcceptEx` address area: `sizeof(SOCKADDR_IN) + 16`.
const ADDRESS_AREA: usize = size_of::<SOCKADDR_IN>() + 16;
/// The key of the shutdown packets.
const SHUTDOWN: usize = usize::MAX;
/// The listener's key.
const LISTENER: usize = 1;

/// What a context's operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Accept,
    Recv,
    Send,
}

/// The per-I/O context: the `OVERLAPPED` first, so the pointer a packet carries is the
/// context's (`CONTAINING_RECORD`).
#[repr(C)]
struct Context {
    ov: OVERLAPPED,
    op: Op,
    socket: SOCKET,
    /// The bytes of `buf` to send.
    len: usize,
    buf: [u8; BUFFER],
}

impl Context {
    fn new(op: Op, socket: SOCKET) -> *mut Context {
        Box::into_raw(Box::new(Context {
            ov: OVERLAPPED::default(),
            op,
            socket,
            len: 0,
            buf: [0; BUFFER],
        }))
    }
}

/// The server's shared state.
struct Server {
    port: HANDLE,
    listener: SOCKET,
    accepts_posted: AtomicUsize,
    accepted: AtomicUsize,
    closed: AtomicUsize,
    echoed: AtomicUsize,
}

// SAFETY: the port is a handle value, used from every worker as Windows allows.
unsafe impl Sync for Server {}
// SAFETY: as above.
unsafe impl Send for Server {}

impl Server {
    /// Posts one `AcceptEx` with a fresh accept socket, while fewer than `CLIENTS` were.
    fn post_accept(&self) {
        if self.accepts_posted.fetch_add(1, Ordering::SeqCst) >= CLIENTS {
            return;
        }
        let accept_socket = tcp_socket();
        let ctx = Context::new(Op::Accept, accept_socket);
        let accept = accept_ex(self.listener);
        let mut received = 0u32;
        // SAFETY: the context lives until its packet is handled.
        let ok = unsafe {
            accept(
                self.listener,
                accept_socket,
                (*ctx).buf.as_mut_ptr().cast::<c_void>(),
                (BUFFER - 2 * ADDRESS_AREA) as u32,
                ADDRESS_AREA as u32,
                ADDRESS_AREA as u32,
                &mut received,
                ctx.cast::<OVERLAPPED>(),
            )
        };
        assert_eq!(ok, FALSE);
        assert_eq!(unsafe { WSAGetLastError() }, WSA_IO_PENDING);
    }

    /// Sends `ctx`'s bytes back.
    ///
    /// # Safety
    /// `ctx` is a live context this worker owns.
    unsafe fn send(&self, ctx: *mut Context) {
        // SAFETY: as the caller promises.
        let c = unsafe { &mut *ctx };
        c.op = Op::Send;
        c.ov = OVERLAPPED::default();
        let wsabuf = WSABUF {
            len: c.len as u32,
            buf: c.buf.as_mut_ptr(),
        };
        let rc = unsafe { WSASend(c.socket, &wsabuf, 1, ptr::null_mut(), 0, ctx.cast(), None) };
        if rc == SOCKET_ERROR && unsafe { WSAGetLastError() } != WSA_IO_PENDING {
            // SAFETY: no operation of the context is pending.
            unsafe { self.close(ctx) };
        }
    }

    /// Posts a receive into `ctx`.
    ///
    /// # Safety
    /// As [`Server::send`].
    unsafe fn receive(&self, ctx: *mut Context) {
        // SAFETY: as the caller promises.
        let c = unsafe { &mut *ctx };
        c.op = Op::Recv;
        c.ov = OVERLAPPED::default();
        let wsabuf = WSABUF {
            len: BUFFER as u32,
            buf: c.buf.as_mut_ptr(),
        };
        let mut flags = 0u32;
        let rc = unsafe {
            WSARecv(
                c.socket,
                &wsabuf,
                1,
                ptr::null_mut(),
                &mut flags,
                ctx.cast(),
                None,
            )
        };
        if rc == SOCKET_ERROR && unsafe { WSAGetLastError() } != WSA_IO_PENDING {
            // SAFETY: no operation of the context is pending.
            unsafe { self.close(ctx) };
        }
    }

    /// Closes a connection and frees its context; the last one shuts the workers down.
    ///
    /// # Safety
    /// `ctx` is a live context with no pending operation.
    unsafe fn close(&self, ctx: *mut Context) {
        // SAFETY: as the caller promises: the context is ours alone now.
        let c = unsafe { Box::from_raw(ctx) };
        assert_eq!(unsafe { closesocket(c.socket) }, 0);
        if self.closed.fetch_add(1, Ordering::SeqCst) + 1 == CLIENTS {
            for _ in 0..WORKERS {
                let ok = unsafe { PostQueuedCompletionStatus(self.port, 0, SHUTDOWN, ptr::null()) };
                assert_eq!(ok, TRUE);
            }
        }
    }

    /// A completed `AcceptEx`: the connection is taken over, its first data echoed.
    ///
    /// # Safety
    /// As [`Server::close`].
    unsafe fn accepted(&self, ctx: *mut Context, bytes: u32) {
        self.accepted.fetch_add(1, Ordering::SeqCst);
        self.post_accept();
        // SAFETY: as the caller promises.
        let c = unsafe { &mut *ctx };
        let decode =
            extension::<LPFN_GETACCEPTEXSOCKADDRS>(self.listener, WSAID_GETACCEPTEXSOCKADDRS)
                .expect("GetAcceptExSockaddrs");
        let (mut local, mut remote) = (ptr::null_mut::<SOCKADDR>(), ptr::null_mut::<SOCKADDR>());
        let (mut local_len, mut remote_len) = (0i32, 0i32);
        unsafe {
            decode(
                c.buf.as_ptr().cast(),
                (BUFFER - 2 * ADDRESS_AREA) as u32,
                ADDRESS_AREA as u32,
                ADDRESS_AREA as u32,
                &mut local,
                &mut local_len,
                &mut remote,
                &mut remote_len,
            );
        }
        assert_eq!((local_len, remote_len), (16, 16));
        // SAFETY: both point into the buffer, at SOCKADDR_INs.
        let (local, remote) = unsafe {
            (
                ptr::read_unaligned(local.cast::<SOCKADDR_IN>()),
                ptr::read_unaligned(remote.cast::<SOCKADDR_IN>()),
            )
        };
        assert_eq!(u16::from_be(local.sin_port), 5150);
        assert_eq!(remote.sin_family, AF_INET);
        assert_ne!(u16::from_be(remote.sin_port), 0);
        let listener = self.listener;
        let rc = unsafe {
            setsockopt(
                c.socket,
                SOL_SOCKET,
                SO_UPDATE_ACCEPT_CONTEXT,
                ptr::from_ref(&listener).cast(),
                size_of::<SOCKET>() as i32,
            )
        };
        assert_eq!(rc, 0);
        associate(c.socket, self.port, c.socket);
        c.len = bytes as usize;
        if bytes == 0 {
            // SAFETY: nothing pends on the context.
            unsafe { self.close(ctx) };
        } else {
            // SAFETY: as above.
            unsafe { self.send(ctx) };
        }
    }

    /// A worker: dequeues packets until its shutdown packet.
    fn work(&self) -> Result<(), String> {
        loop {
            let packet = dequeue(self.port, WSA_INFINITE);
            if packet.overlapped.is_null() {
                if packet.ok && packet.key == SHUTDOWN {
                    return Ok(());
                }
                return Err(format!("GetQueuedCompletionStatus failed: {packet:?}"));
            }
            let ctx = packet.overlapped.cast::<Context>();
            // SAFETY: every OVERLAPPED the server posts is a context's first field.
            let op = unsafe { (*ctx).op };
            match op {
                Op::Accept => {
                    if !packet.ok || packet.key != LISTENER {
                        return Err(format!("AcceptEx failed: {packet:?}"));
                    }
                    // SAFETY: the completed context is this worker's.
                    unsafe { self.accepted(ctx, packet.bytes) };
                }
                Op::Send => {
                    // SAFETY: as above.
                    let len = unsafe { (*ctx).len };
                    if !packet.ok || packet.bytes as usize != len {
                        return Err(format!("WSASend: {packet:?}, {len} bytes asked"));
                    }
                    self.echoed.fetch_add(len, Ordering::SeqCst);
                    // SAFETY: as above.
                    unsafe { self.receive(ctx) };
                }
                Op::Recv => {
                    if packet.ok && packet.bytes > 0 {
                        // SAFETY: as above.
                        unsafe {
                            (*ctx).len = packet.bytes as usize;
                            self.send(ctx);
                        }
                    } else {
                        // The client closed (0 bytes) or the connection failed.
                        // SAFETY: as above.
                        unsafe { self.close(ctx) };
                    }
                }
            }
        }
    }
}

/// One client's message for one round.
fn message(client: usize, round: usize) -> Vec<u8> {
    format!("client {client} round {round};")
        .repeat(1 + (client + round) % 7)
        .into_bytes()
}

/// A client: `ConnectEx` with the first message, then the rounds, each echo checked.
fn client(index: usize) -> Result<usize, String> {
    let s = tcp_socket();
    bind_to(s, "127.0.0.1:0");
    let connect = connect_ex(s);
    let event = unsafe { WSACreateEvent() };
    let mut ov = OVERLAPPED {
        hEvent: event as HANDLE,
        ..OVERLAPPED::default()
    };
    let server = sockaddr_in(SERVER.parse().unwrap());
    let first = message(index, 0);
    let mut sent = 0u32;
    let ok = unsafe {
        connect(
            s,
            ptr::from_ref(&server).cast(),
            size_of::<SOCKADDR_IN>() as i32,
            first.as_ptr().cast(),
            first.len() as u32,
            &mut sent,
            &mut ov,
        )
    };
    if ok != FALSE || unsafe { WSAGetLastError() } != WSA_IO_PENDING {
        return Err(format!("ConnectEx: {ok}, {}", unsafe { WSAGetLastError() }));
    }
    let (mut bytes, mut flags) = (0u32, 0u32);
    let done = unsafe { WSAGetOverlappedResult(s, &ov, &mut bytes, TRUE, &mut flags) };
    if done != TRUE || bytes as usize != first.len() {
        return Err(format!(
            "ConnectEx completion: {done}, {bytes}, {}",
            unsafe { WSAGetLastError() }
        ));
    }
    let rc = unsafe { setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, ptr::null(), 0) };
    assert_eq!(rc, 0);
    let mut total = 0;
    for round in 0..ROUNDS {
        let expected = message(index, round);
        let mut got = vec![0u8; expected.len()];
        let mut filled = 0;
        while filled < got.len() {
            let n = unsafe {
                recv(
                    s,
                    got[filled..].as_mut_ptr(),
                    (got.len() - filled) as i32,
                    0,
                )
            };
            if n <= 0 {
                return Err(format!("recv: {n}, {}", unsafe { WSAGetLastError() }));
            }
            filled += n as usize;
        }
        if got != expected {
            return Err(format!("client {index} round {round}: wrong echo"));
        }
        total += got.len();
        if round + 1 < ROUNDS {
            let next = message(index, round + 1);
            let n = unsafe { send(s, next.as_ptr(), next.len() as i32, 0) };
            if n != next.len() as i32 {
                return Err(format!("send: {n}"));
            }
        }
    }
    assert_eq!(unsafe { closesocket(s) }, 0);
    assert_eq!(unsafe { WSACloseEvent(event) }, TRUE);
    Ok(total)
}

#[test]
fn an_iocp_echo_server_with_accept_ex_and_connect_ex_clients_loses_no_byte() {
    // 100 repetitions; one under Miri, which runs the same code some thousand times slower.
    let repetitions = if cfg!(miri) { 1 } else { 100 };
    for _ in 0..repetitions {
        let env = env();
        let port = new_port();
        let listener = listener(SERVER);
        associate(listener, port, LISTENER);
        let server = Arc::new(Server {
            port,
            listener,
            accepts_posted: AtomicUsize::new(0),
            accepted: AtomicUsize::new(0),
            closed: AtomicUsize::new(0),
            echoed: AtomicUsize::new(0),
        });
        for _ in 0..AHEAD {
            server.post_accept();
        }
        let workers: Vec<_> = (0..WORKERS)
            .map(|_| {
                let server = Arc::clone(&server);
                env.net.spawn(move || server.work())
            })
            .collect();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|index| env.net.spawn(move || client(index)))
            .collect();
        let mut expected = 0;
        for (index, handle) in clients.into_iter().enumerate() {
            let total = handle
                .join()
                .unwrap()
                .unwrap_or_else(|e| panic!("{e} {:#?}", env.net.snapshot()));
            expected += (0..ROUNDS)
                .map(|round| message(index, round).len())
                .sum::<usize>();
            assert_eq!(
                total,
                (0..ROUNDS).map(|round| message(index, round).len()).sum()
            );
        }
        for worker in workers {
            worker.join().unwrap().unwrap();
        }
        assert_eq!(server.accepted.load(Ordering::SeqCst), CLIENTS);
        assert_eq!(server.closed.load(Ordering::SeqCst), CLIENTS);
        assert_eq!(server.echoed.load(Ordering::SeqCst), expected);
        // Nothing is left on the port.
        assert_eq!(dequeue(port, 0).error, WAIT_TIMEOUT);
        assert_eq!(unsafe { closesocket(listener) }, 0);
        assert_eq!(unsafe { CloseHandle(port) }, TRUE);
        assert!(env.net.stalls().is_empty());
    }
}
