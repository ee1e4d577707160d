//! Comparison 2, the kernel's side: the same lifecycles on real loopback sockets (`std::net`).
//!
//! The kernel has no peer target names (outside Windows IPsec), so its datagram life is
//! bind, connect, close: one step fewer than ours.
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};

/// A loopback datagram socket's life, with a peer socket that stays up.
pub struct KernelDatagramLife {
    _peer: UdpSocket,
    peer: SocketAddr,
}

impl KernelDatagramLife {
    pub fn new() -> KernelDatagramLife {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind peer");
        let peer = socket.local_addr().expect("peer address");
        KernelDatagramLife {
            _peer: socket,
            peer,
        }
    }

    /// `socket`+`bind`, `connect`, `close`.
    pub fn run(&mut self) {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        socket.connect(self.peer).expect("connect");
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

    /// `connect`, `accept`, `close` on both ends (the accepted end first, so TIME_WAIT
    /// stays on the listener's side).
    pub fn run(&mut self) {
        let client = TcpStream::connect(self.addr).expect("connect");
        let (accepted, _) = self.listener.accept().expect("accept");
        drop(accepted);
        drop(client);
    }
}
