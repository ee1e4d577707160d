//! Comparison 3, turmoil's side: UDP in turmoil's simulated network.
//!
//! Everything runs inside one simulation; each client times its own loop with the real
//! clock, so the figures are real time per operation, not simulated time.
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use turmoil::net::UdpSocket;

use crate::timing::median;

/// The port the echo host listens on.
pub const PORT: u16 = 5000;

/// A simulation with an echo host, `server`, and room for long runs.
pub fn sim_with_echo_host() -> turmoil::Sim<'static> {
    let mut sim = turmoil::Builder::new()
        .simulation_duration(Duration::from_secs(24 * 3600))
        .max_message_latency(Duration::from_millis(1))
        .build();
    sim.host("server", || async {
        let socket = UdpSocket::bind(("0.0.0.0", PORT)).await?;
        let mut buf = [0u8; 64];
        loop {
            let (len, from) = socket.recv_from(&mut buf).await?;
            socket.send_to(&buf[..len], from).await?;
        }
    });
    sim
}

/// Runs `work` (`batch` times per sample, `samples` samples) in a client of a fresh
/// simulation, returning the median nanoseconds per `work`.
fn in_client<F, Fut>(batch: usize, samples: usize, work: F) -> f64
where
    F: Fn(SocketAddr, Arc<UdpSocket>) -> Fut + 'static,
    Fut: std::future::Future<Output = turmoil::Result> + 'static,
{
    let times = Arc::new(Mutex::new(Vec::new()));
    let out = Arc::clone(&times);
    let mut sim = sim_with_echo_host();
    sim.client("client", async move {
        let server = SocketAddr::new(turmoil::lookup("server"), PORT);
        let socket = Arc::new(UdpSocket::bind("0.0.0.0:0").await?);
        for _ in 0..samples {
            let start = Instant::now();
            for _ in 0..batch {
                work(server, Arc::clone(&socket)).await?;
            }
            out.lock()
                .expect("times")
                .push(start.elapsed().as_secs_f64() * 1e9 / batch as f64);
        }
        Ok(())
    });
    sim.run().expect("simulation");
    let mut times = times.lock().expect("times").clone();
    median(&mut times)
}

/// A UDP socket's life in turmoil: bind, connect, close (the socket is dropped).
pub fn datagram_life_ns() -> f64 {
    in_client(2_000, 31, |server, _| async move {
        let socket = UdpSocket::bind("0.0.0.0:0").await?;
        socket.connect(server).await?;
        drop(socket);
        Ok(())
    })
}

/// One datagram to the echo host and its answer back: the simulator's round trip.
pub fn round_trip_ns() -> f64 {
    in_client(50, 21, |server, socket| async move {
        let mut buf = [0u8; 64];
        socket.send_to(b"ping", server).await?;
        socket.recv_from(&mut buf).await?;
        Ok(())
    })
}
