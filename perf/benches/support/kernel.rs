//! Comparison 2, the kernel's side: the same lifecycles on real loopback sockets (`std::net`).
//!
//! The kernel has no peer target names (outside Windows IPsec), so its datagram life is
//! bind, connect, close: one step fewer than ours.
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};

/// A loopback datagram socket's life, with a peer socket that stays up.
pub struct KernelDatagramLife {
    echo: UdpSocket,
    peer: SocketAddr,
}

impl KernelDatagramLife {
    pub fn new() -> KernelDatagramLife {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind peer");
        let peer = socket.local_addr().expect("peer address");
        KernelDatagramLife { echo: socket, peer }
    }

    /// `socket`+`bind`, `connect`, `send`, the peer's `recv_from` and `send_to` back,
    /// `recv`, `close`.
    pub fn run(&mut self) {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        socket.connect(self.peer).expect("connect");
        socket.send(b"ping").expect("send");
        let mut buf = [0u8; 16];
        let (len, from) = self.echo.recv_from(&mut buf).expect("echo recv_from");
        self.echo.send_to(&buf[..len], from).expect("echo send_to");
        black_box(socket.recv(&mut buf).expect("recv"));
        drop(socket);
    }
}

/// One loopback TCP connection, with a listener that stays up.
///
/// Each connection leaves a TIME_WAIT entry behind, so callers keep the number of
/// connections bounded (a few thousand) to stay clear of ephemeral-port exhaustion.
pub struct KernelStreamLife {
    listener: TcpListener,
    addr: SocketAddr,
}

impl KernelStreamLife {
    pub fn new() -> KernelStreamLife {
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
        let addr = listener.local_addr().expect("listener address");
        KernelStreamLife { listener, addr }
    }

    /// `connect`, `accept`, a write and read each way, `close` on both ends (the accepted
    /// end first, so TIME_WAIT stays on the listener's side).
    pub fn run(&mut self) {
        let mut client = TcpStream::connect(self.addr).expect("connect");
        let (mut accepted, _) = self.listener.accept().expect("accept");
        let mut buf = [0u8; 4];
        client.write_all(b"ping").expect("write");
        accepted.read_exact(&mut buf).expect("read");
        accepted.write_all(&buf).expect("write back");
        client.read_exact(&mut buf).expect("read back");
        black_box(buf);
        drop(accepted);
        drop(client);
    }
}
