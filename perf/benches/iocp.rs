//! The IOCP echo server on the emulator with 1, 2 and 4 worker threads against the same
//! echo workload on this OS's kernel loopback (`std::net`, a thread per connection), in
//! one run: `cargo bench --bench iocp`. Each prints round trips per second (the best of
//! three runs of `CLIENTS` clients doing `ROUNDS` round trips of `MESSAGE` bytes).
//! The emulator runs twice: a packet for every completion, and with the sockets in
//! `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` mode (an operation that completes at once is
//! carried on by the worker without a trip through the port), as high-throughput servers
//! run. Figures: `docs/performance.md`, comparison 9.
use std::ffi::c_void;
use std::io::{Read, Write};
use std::mem::size_of;
use std::net::{TcpListener, TcpStream};
use std::ptr;
use std::time::{Duration, Instant};

use winsock_emu::sys::*;
use winsock_emu::Network;

const CLIENTS: usize = 4;
const ROUNDS: usize = 2_000;
const MESSAGE: usize = 64;
const AREA: u32 = (size_of::<SOCKADDR_IN>() + 16) as u32;
const SHUTDOWN: usize = usize::MAX;

/// A per-I/O context, the `OVERLAPPED` first.
#[repr(C)]
struct Context {
    ov: OVERLAPPED,
    receiving: bool,
    socket: SOCKET,
    len: u32,
    buf: [u8; 256],
}

fn tcp() -> SOCKET {
    unsafe {
        WSASocketW(
            AF_INET.into(),
            SOCK_STREAM,
            IPPROTO_TCP,
            ptr::null(),
            0,
            WSA_FLAG_OVERLAPPED,
        )
    }
}

fn addr(port: u16) -> SOCKADDR_IN {
    SOCKADDR_IN {
        sin_family: AF_INET,
        sin_port: port.to_be(),
        sin_addr: IN_ADDR {
            S_un: IN_ADDR_0 {
                S_addr: u32::from_be_bytes([127, 0, 0, 1]).to_be(),
            },
        },
        sin_zero: [0; 8],
    }
}

fn extension<T: Copy>(s: SOCKET, guid: GUID) -> T {
    let mut function = std::mem::MaybeUninit::<T>::zeroed();
    let mut bytes = 0u32;
    let rc = unsafe {
        WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            ptr::from_ref(&guid).cast(),
            size_of::<GUID>() as u32,
            function.as_mut_ptr().cast(),
            size_of::<T>() as u32,
            &mut bytes,
            ptr::null_mut(),
            None,
        )
    };
    assert_eq!(rc, 0);
    unsafe { function.assume_init() }
}

/// Posts a receive (or, with `len`, a send) of `ctx` on its socket: the bytes when it
/// completed at once.
unsafe fn start(ctx: *mut Context, receiving: bool, len: u32) -> Option<u32> {
    let c = unsafe { &mut *ctx };
    c.receiving = receiving;
    c.len = len;
    c.ov = OVERLAPPED::default();
    let wsabuf = WSABUF {
        len: if receiving { 256 } else { len },
        buf: c.buf.as_mut_ptr(),
    };
    let (mut flags, mut done) = (0u32, 0u32);
    let rc = unsafe {
        if receiving {
            WSARecv(
                c.socket,
                &wsabuf,
                1,
                &mut done,
                &mut flags,
                ctx.cast(),
                None,
            )
        } else {
            WSASend(c.socket, &wsabuf, 1, &mut done, 0, ctx.cast(), None)
        }
    };
    assert!(rc == 0 || unsafe { WSAGetLastError() } == WSA_IO_PENDING);
    (rc == 0).then_some(done)
}

/// Carries `ctx` on from a completion (`receiving`, `ok`, `bytes`): the echo's send after a
/// receive, the next receive after a send. With `skip` (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)
/// an operation that completes at once queues no packet, so it is carried on here.
unsafe fn carry_on(
    ctx: *mut Context,
    mut receiving: bool,
    mut ok: bool,
    mut bytes: u32,
    skip: bool,
) {
    loop {
        if receiving && (!ok || bytes == 0) {
            let c = unsafe { Box::from_raw(ctx) };
            unsafe { closesocket(c.socket) };
            return;
        }
        let next = if receiving {
            unsafe { start(ctx, false, bytes) }
        } else {
            unsafe { start(ctx, true, 0) }
        };
        match next {
            Some(done) if skip => (receiving, ok, bytes) = (!receiving, true, done),
            _ => return,
        }
    }
}

/// A worker: echoes until its shutdown packet.
fn work(port: usize, skip: bool) {
    loop {
        let (mut bytes, mut key, mut ov) = (0u32, 0usize, ptr::null_mut::<OVERLAPPED>());
        let ok = unsafe {
            GetQueuedCompletionStatus(port as HANDLE, &mut bytes, &mut key, &mut ov, WSA_INFINITE)
        };
        if ov.is_null() {
            assert!(ok == TRUE && key == SHUTDOWN, "the port failed");
            return;
        }
        let ctx = ov.cast::<Context>();
        let receiving = unsafe { (*ctx).receiving };
        unsafe { carry_on(ctx, receiving, ok == TRUE, bytes, skip) };
    }
}

/// One emulated run with `workers` workers (`skip`: the sockets in
/// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS mode): the seconds the clients took.
fn emulated(workers: usize, skip: bool) -> Duration {
    let net = Network::new();
    let _enter = net.enter();
    let _startup = net.startup().unwrap();
    let port = unsafe { CreateIoCompletionPort(INVALID_HANDLE_VALUE, ptr::null_mut(), 0, 0) };
    let listener = tcp();
    let at = addr(9000);
    unsafe {
        assert_eq!(bind(listener, ptr::from_ref(&at).cast(), 16), 0);
        assert_eq!(listen(listener, 200), 0);
    }
    assert_eq!(
        unsafe { CreateIoCompletionPort(listener as HANDLE, port, 1, 0) },
        port
    );
    let accept_ex = extension::<LPFN_ACCEPTEX>(listener, WSAID_ACCEPTEX).unwrap();
    let mut accepts = Vec::new();
    for _ in 0..CLIENTS {
        let ctx = Box::into_raw(Box::new(Context {
            ov: OVERLAPPED::default(),
            receiving: false,
            socket: tcp(),
            len: 0,
            buf: [0; 256],
        }));
        let mut got = 0u32;
        let ok = unsafe {
            accept_ex(
                listener,
                (*ctx).socket,
                (*ctx).buf.as_mut_ptr().cast::<c_void>(),
                0,
                AREA,
                AREA,
                &mut got,
                ctx.cast(),
            )
        };
        assert_eq!((ok, unsafe { WSAGetLastError() }), (FALSE, WSA_IO_PENDING));
        accepts.push(ctx as usize);
    }
    let port_value = port as usize;
    // The accepts complete as the clients connect: the main thread takes those packets,
    // associates each socket and starts its first receive, then the workers run.
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            net.spawn(move || {
                let s = tcp();
                let any = addr(0);
                unsafe { bind(s, ptr::from_ref(&any).cast(), 16) };
                let server = addr(9000);
                unsafe { connect(s, ptr::from_ref(&server).cast(), 16) };
                s
            })
        })
        .collect();
    let clients: Vec<SOCKET> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    for _ in 0..CLIENTS {
        let (mut bytes, mut key, mut ov) = (0u32, 0usize, ptr::null_mut::<OVERLAPPED>());
        let ok = unsafe { GetQueuedCompletionStatus(port, &mut bytes, &mut key, &mut ov, 10_000) };
        assert_eq!(ok, TRUE);
        let ctx = ov.cast::<Context>();
        let s = unsafe { (*ctx).socket };
        assert_eq!(
            unsafe { CreateIoCompletionPort(s as HANDLE, port, s, 0) },
            port
        );
        if skip {
            assert_eq!(
                unsafe { SetFileCompletionNotificationModes(s as HANDLE, 1) },
                TRUE
            );
        }
        // Nothing was sent yet: the first receive pends.
        assert_eq!(unsafe { start(ctx, true, 0) }, None);
    }
    let pool: Vec<_> = (0..workers)
        .map(|_| net.spawn(move || work(port_value, skip)))
        .collect();
    let started = Instant::now();
    let clients: Vec<_> = clients
        .into_iter()
        .map(|s| {
            net.spawn(move || {
                let message = [7u8; MESSAGE];
                let mut back = [0u8; MESSAGE];
                for _ in 0..ROUNDS {
                    assert_eq!(
                        unsafe { send(s, message.as_ptr(), MESSAGE as i32, 0) },
                        MESSAGE as i32
                    );
                    let mut filled = 0;
                    while filled < MESSAGE {
                        let n = unsafe {
                            recv(s, back[filled..].as_mut_ptr(), (MESSAGE - filled) as i32, 0)
                        };
                        assert!(n > 0);
                        filled += n as usize;
                    }
                }
                unsafe { closesocket(s) };
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    let elapsed = started.elapsed();
    for _ in 0..workers {
        unsafe { PostQueuedCompletionStatus(port, 0, SHUTDOWN, ptr::null()) };
    }
    for worker in pool {
        worker.join().unwrap();
    }
    unsafe {
        closesocket(listener);
        CloseHandle(port);
    }
    drop(accepts);
    elapsed
}

/// One kernel run: a thread per connection echoing, as many clients.
fn kernel() -> Duration {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let at = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let mut echoes = Vec::new();
        for _ in 0..CLIENTS {
            let (mut stream, _) = listener.accept().unwrap();
            echoes.push(std::thread::spawn(move || {
                let mut buf = [0u8; 256];
                loop {
                    let n = stream.read(&mut buf).unwrap();
                    if n == 0 {
                        return;
                    }
                    stream.write_all(&buf[..n]).unwrap();
                }
            }));
        }
        for echo in echoes {
            echo.join().unwrap();
        }
    });
    let streams: Vec<TcpStream> = (0..CLIENTS)
        .map(|_| {
            let stream = TcpStream::connect(at).unwrap();
            stream.set_nodelay(true).unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    let clients: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            std::thread::spawn(move || {
                let message = [7u8; MESSAGE];
                let mut back = [0u8; MESSAGE];
                for _ in 0..ROUNDS {
                    stream.write_all(&message).unwrap();
                    stream.read_exact(&mut back).unwrap();
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    let elapsed = started.elapsed();
    server.join().unwrap();
    elapsed
}

/// Round trips per second of the best of three runs.
fn rate(run: impl Fn() -> Duration) -> f64 {
    let best = (0..3).map(|_| run()).min().unwrap();
    (CLIENTS * ROUNDS) as f64 / best.as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs nothing.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let kernel_rate = rate(kernel);
    println!("iocp echo, {CLIENTS} clients x {ROUNDS} round trips of {MESSAGE} bytes");
    println!(
        "kernel loopback (std::net, thread per connection): {kernel_rate:>10.0} round trips/s"
    );
    for skip in [false, true] {
        for workers in [1, 2, 4] {
            let emulated_rate = rate(|| emulated(workers, skip));
            let mode = if skip { ", skip on success" } else { "" };
            println!(
                "emulator IOCP, {workers} worker(s){mode}: {emulated_rate:.0} round trips/s ({:.2}x the kernel)",
                emulated_rate / kernel_rate
            );
        }
    }
}
