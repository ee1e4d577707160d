//! A blocking ping-pong of 64-byte messages between two threads: one round trip is one
//! `send` and one blocking `recv` on each side. Over an emulated TCP connection (the
//! echoing thread started with `Network::spawn`) and over real loopback TCP (`std::net`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;

use winsock_emu::{Domain, Network, Socket, Type};

/// The message size.
pub const MESSAGE: usize = 64;

/// Reads exactly `buf.len()` bytes from an emulated socket (a stream may split them).
fn recv_exact(socket: &Socket, buf: &mut [u8]) -> bool {
    let mut got = 0;
    while got < buf.len() {
        match socket.recv(&mut buf[got..]) {
            Ok(0) | Err(_) => return false,
            Ok(n) => got += n,
        }
    }
    true
}

/// The emulated ping-pong: the client here, the echo in its own thread.
pub struct EmulatedPingPong {
    client: Option<Socket>,
    echo: Option<JoinHandle<()>>,
    buf: [u8; MESSAGE],
    _net: Network,
}

impl EmulatedPingPong {
    pub fn new() -> Self {
        let net = Network::new();
        let _current = net.enter();
        let _startup = net.startup().expect("WSAStartup");
        std::mem::forget(_startup); // the network lives as long as the fixture
        let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
        listener.bind("127.0.0.1:5000".parse().unwrap()).unwrap();
        listener.listen(1).unwrap();
        let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
        client.connect("127.0.0.1:5000".parse().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let echo = net.spawn(move || {
            let mut buf = [0u8; MESSAGE];
            while recv_exact(&server, &mut buf) {
                if server.send(&buf).is_err() {
                    return;
                }
            }
        });
        Self {
            client: Some(client),
            echo: Some(echo),
            buf: [7; MESSAGE],
            _net: net,
        }
    }

    /// One round trip.
    pub fn run(&mut self) {
        let client = self.client.as_ref().expect("open");
        client.send(&self.buf).unwrap();
        assert!(recv_exact(client, &mut self.buf));
    }
}

impl Drop for EmulatedPingPong {
    fn drop(&mut self) {
        drop(self.client.take()); // the echo sees the FIN (or the reset) and ends
        if let Some(echo) = self.echo.take() {
            let _ = echo.join();
        }
    }
}

/// The same over real loopback TCP.
pub struct KernelPingPong {
    client: TcpStream,
    echo: Option<JoinHandle<()>>,
    buf: [u8; MESSAGE],
}

impl KernelPingPong {
    pub fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let at = listener.local_addr().unwrap();
        let client = TcpStream::connect(at).unwrap();
        client.set_nodelay(true).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        server.set_nodelay(true).unwrap();
        let echo = std::thread::spawn(move || {
            let mut buf = [0u8; MESSAGE];
            while server.read_exact(&mut buf).is_ok() {
                if server.write_all(&buf).is_err() {
                    return;
                }
            }
        });
        Self {
            client,
            echo: Some(echo),
            buf: [7; MESSAGE],
        }
    }

    /// One round trip.
    pub fn run(&mut self) {
        self.client.write_all(&self.buf).unwrap();
        self.client.read_exact(&mut self.buf).unwrap();
    }
}

impl Drop for KernelPingPong {
    fn drop(&mut self) {
        let _ = self.client.shutdown(std::net::Shutdown::Both);
        if let Some(echo) = self.echo.take() {
            let _ = echo.join();
        }
    }
}
