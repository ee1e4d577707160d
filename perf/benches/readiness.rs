//! `select` and `WSAPoll` over 1, 64 and 1,024 connected sockets with one ready, against
//! this OS's `poll(2)` over as many loopback TCP sockets in the same run:
//! `cargo bench --bench readiness`. Figures: `docs/performance.md`, comparison 7.
use std::hint::black_box;

use divan::Bencher;
use winsock_emu::sys::{self, FD_SET, SOCKET, TIMEVAL, WSAPOLLFD};
use winsock_emu::{Domain, EnterGuard, Network, Socket, Startup, Type};

fn main() {
    divan::main();
}

/// The set sizes measured.
const SIZES: [usize; 3] = [1, 64, 1024];

/// A caller-allocated set of up to 1,024 handles, as Windows code builds one.
#[repr(C)]
#[derive(Clone, Copy)]
struct BigSet {
    fd_count: u32,
    fd_array: [SOCKET; 1024],
}

/// `n` accepted connections on one network; the last one has a byte waiting.
struct Connections {
    _sockets: Vec<Socket>,
    servers: Vec<SOCKET>,
    _enter: EnterGuard,
    _startup: Startup,
    _net: Network,
}

impl Connections {
    fn new(n: usize) -> Connections {
        let net = Network::new();
        let enter = net.enter();
        let startup = net.startup().unwrap();
        let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
        let at = listener.bind("127.0.0.1:80".parse().unwrap()).unwrap();
        listener.listen(200).unwrap();
        let mut sockets = Vec::new();
        let mut servers = Vec::new();
        let mut last_client = None;
        for _ in 0..n {
            let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
            client.connect(at).unwrap();
            let (server, _) = listener.accept().unwrap();
            servers.push(server.as_raw());
            sockets.push(server);
            last_client = Some(client.as_raw());
            sockets.push(client);
        }
        let last = sockets
            .iter()
            .find(|s| Some(s.as_raw()) == last_client)
            .unwrap();
        last.send(b"x").unwrap();
        sockets.push(listener);
        Connections {
            _sockets: sockets,
            servers,
            _enter: enter,
            _startup: startup,
            _net: net,
        }
    }
}

#[divan::bench(args = SIZES)]
fn select_emulated(bencher: Bencher, n: usize) {
    let connections = Connections::new(n);
    let mut template = BigSet {
        fd_count: n as u32,
        fd_array: [0; 1024],
    };
    template.fd_array[..n].copy_from_slice(&connections.servers);
    let zero = TIMEVAL::default();
    let mut set = template;
    bencher.bench_local(|| {
        // What FD_ZERO and FD_SET leave: the count and the handles, not the whole array.
        set.fd_count = n as u32;
        set.fd_array[..n].copy_from_slice(&template.fd_array[..n]);
        let ready = unsafe {
            sys::select(
                0,
                (&mut set as *mut BigSet).cast::<FD_SET>(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &zero,
            )
        };
        assert_eq!(ready, 1);
        black_box(set.fd_count)
    });
}

#[divan::bench(args = SIZES)]
fn wsapoll_emulated(bencher: Bencher, n: usize) {
    let connections = Connections::new(n);
    let mut fds: Vec<WSAPOLLFD> = connections
        .servers
        .iter()
        .map(|&fd| WSAPOLLFD {
            fd,
            events: sys::POLLRDNORM,
            revents: 0,
        })
        .collect();
    bencher.bench_local(|| {
        let ready = unsafe { sys::WSAPoll(fds.as_mut_ptr(), fds.len() as u32, 0) };
        assert_eq!(ready, 1);
        black_box(fds[n - 1].revents)
    });
}

/// The kernel's side: `poll(2)` over `n` accepted loopback TCP connections, the last with a
/// byte waiting.
#[cfg(unix)]
#[divan::bench(args = SIZES)]
fn poll_kernel(bencher: Bencher, n: usize) {
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsRawFd;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let at = listener.local_addr().unwrap();
    let mut pairs = Vec::new();
    for _ in 0..n {
        let client = TcpStream::connect(at).unwrap();
        let (server, _) = listener.accept().unwrap();
        pairs.push((client, server));
    }
    pairs.last_mut().unwrap().0.write_all(b"x").unwrap();
    let mut fds: Vec<libc::pollfd> = pairs
        .iter()
        .map(|(_, server)| libc::pollfd {
            fd: server.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    // The byte is on its way over loopback: wait until it is there.
    while unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 1000) } != 1 {}
    bencher.bench_local(|| {
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 0) };
        assert_eq!(ready, 1);
        black_box(fds[n - 1].revents)
    });
}
