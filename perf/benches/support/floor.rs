//! Comparison 1, the floor: the least work `WSASetSocketPeerTargetName` could do.
//!
//! Validate the buffer (length, protocol, family, name length), decode the address and the
//! UTF-16 name, and insert the name into a `HashMap` keyed by the peer: no socket lookup,
//! no lock, no rule order, no error bookkeeping.
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};

/// `WSAEINVAL`, `WSAEAFNOSUPPORT`, `WSAEMSGSIZE`.
const EINVAL: i32 = 10022;
const EAFNOSUPPORT: i32 = 10047;
const EMSGSIZE: i32 = 10040;
/// Where the name begins in a `SOCKET_PEER_TARGET_NAME`.
const HEADER: usize = 140;

/// One socket's names, and nothing else.
#[derive(Default)]
pub struct Floor {
    names: HashMap<SocketAddr, (i32, Box<[u16]>)>,
}

fn u16_at(buf: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([buf[at], buf[at + 1]])
}

fn u32_at(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

impl Floor {
    /// Validates and decodes `buf` as a `SOCKET_PEER_TARGET_NAME` and stores the name.
    pub fn set(&mut self, buf: &[u8]) -> Result<(), i32> {
        if buf.len() < HEADER {
            return Err(EMSGSIZE);
        }
        let protocol = u32_at(buf, 0) as i32;
        if !(0..=2).contains(&protocol) {
            return Err(EINVAL);
        }
        let port = u16::from_be_bytes([buf[10], buf[11]]);
        let peer = match u16_at(buf, 8) {
            2 => SocketAddr::from((Ipv4Addr::new(buf[12], buf[13], buf[14], buf[15]), port)),
            23 => {
                let ip: [u8; 16] = buf[16..32].try_into().expect("16 bytes");
                SocketAddr::V6(SocketAddrV6::new(
                    Ipv6Addr::from(ip),
                    port,
                    0,
                    u32_at(buf, 32),
                ))
            }
            _ => return Err(EAFNOSUPPORT),
        };
        let len = u32_at(buf, 136) as usize;
        if len == 0 || len % 2 != 0 {
            return Err(EINVAL);
        }
        let Some(name) = buf.get(HEADER..HEADER + len) else {
            return Err(EMSGSIZE);
        };
        // The emulator's own decoding loop, so that both sides copy the name alike.
        // Allocated, then zeroed and filled in place: `vec![0; n]` would go through `calloc`,
        // which glibc's per-thread cache does not serve, and collecting from the iterator
        // copies one unit at a time where this loop runs vectorised.
        #[allow(clippy::slow_vector_initialization)]
        let mut units = Vec::with_capacity(name.len() / 2);
        units.resize(name.len() / 2, 0u16);
        for (unit, pair) in units.iter_mut().zip(name.chunks_exact(2)) {
            *unit = u16::from_le_bytes([pair[0], pair[1]]);
        }
        self.names
            .insert(peer, (protocol, units.into_boxed_slice()));
        Ok(())
    }
}
