//! Sequences of raw calls on one network, so that the fuzzer reaches states no single call
//! from the fixed scene does: every call is checked as in the single-call targets, and
//! handles the sequence created are offered to later calls.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
enum Call {
    Socket {
        af: u8,
        ty: u8,
        overlapped: bool,
    },
    Bind {
        h: u8,
        addr: Addr,
    },
    Listen {
        h: u8,
        backlog: i8,
    },
    Connect {
        h: u8,
        addr: Addr,
    },
    Accept {
        h: u8,
        room: u8,
    },
    Close {
        h: u8,
    },
    SetName {
        h: u8,
        protocol: u8,
        addr: Addr,
        units: Vec<u16>,
        cut: u8,
    },
    DeleteName {
        h: u8,
        addr: Addr,
    },
    Startup,
    Cleanup,
}

/// An address drawn from a few ports and both families, or raw bytes.
#[derive(Debug, Arbitrary)]
enum Addr {
    V4 { ip: [u8; 4], port: u8 },
    V6 { last: u8, port: u8, scope: u8 },
    Raw(Vec<u8>),
}

impl Addr {
    fn bytes(&self) -> Vec<u8> {
        let port = |p: u8| {
            if p < 200 {
                u16::from(p % 4) * 1000
            } else {
                49_152 + u16::from(p - 200)
            }
        };
        match self {
            Addr::V4 { ip, port: p } => {
                let mut out = vec![0u8; 16];
                out[0..2].copy_from_slice(&AF_INET.to_le_bytes());
                out[2..4].copy_from_slice(&port(*p).to_be_bytes());
                out[4..8].copy_from_slice(ip);
                out
            }
            Addr::V6 {
                last,
                port: p,
                scope,
            } => {
                let mut out = vec![0u8; 28];
                out[0..2].copy_from_slice(&AF_INET6.to_le_bytes());
                out[2..4].copy_from_slice(&port(*p).to_be_bytes());
                out[23] = *last;
                out[24] = *scope % 3;
                out
            }
            Addr::Raw(bytes) => bytes.clone(),
        }
    }
}

fuzz_target!(|calls: Vec<Call>| {
    let scene = scene();
    let mut handles = scene.handles.clone();
    let pick = |handles: &[SOCKET], h: u8| {
        if h == 255 {
            h.into()
        } else {
            handles[usize::from(h) % handles.len()]
        }
    };
    for call in calls.iter().take(64) {
        let before = scene.net.snapshot();
        match call {
            Call::Socket { af, ty, overlapped } => {
                let af = [AF_INET, AF_INET6, AF_UNIX, 9999][usize::from(*af % 4)];
                let ty = [SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, 77][usize::from(*ty % 4)];
                let flags = if *overlapped { WSA_FLAG_OVERLAPPED } else { 0 };
                let s = unsafe { WSASocketW(af.into(), ty, 0, std::ptr::null(), 0, flags) };
                check_socket(&scene.net, &before, s, SOCKET_CODES);
                if s != INVALID_SOCKET {
                    assert!(!handles.contains(&s), "a handle was reused");
                    nonblocking(s);
                    handles.push(s);
                }
            }
            Call::Bind { h, addr } => {
                let raw = addr.bytes();
                let rc = unsafe { bind(pick(&handles, *h), raw.as_ptr().cast(), raw.len() as i32) };
                check(&scene.net, &before, rc, BIND_CODES);
            }
            Call::Listen { h, backlog } => {
                let rc = unsafe { listen(pick(&handles, *h), (*backlog).into()) };
                check(&scene.net, &before, rc, LISTEN_CODES);
            }
            Call::Connect { h, addr } => {
                let raw = addr.bytes();
                let rc =
                    unsafe { connect(pick(&handles, *h), raw.as_ptr().cast(), raw.len() as i32) };
                check(&scene.net, &before, rc, CONNECT_CODES);
            }
            Call::Accept { h, room } => {
                let mut addr = [0xabu8; 128];
                let mut len = i32::from(*room % 129);
                let s = unsafe { accept(pick(&handles, *h), addr.as_mut_ptr().cast(), &mut len) };
                check_socket(&scene.net, &before, s, ACCEPT_CODES);
                if s == INVALID_SOCKET {
                    assert!(addr.iter().all(|&b| b == 0xab) && len == i32::from(*room % 129));
                } else {
                    assert!(!handles.contains(&s), "a handle was reused");
                    handles.push(s);
                }
            }
            Call::Close { h } => {
                let rc = unsafe { closesocket(pick(&handles, *h)) };
                check(&scene.net, &before, rc, CLOSE_CODES);
            }
            Call::SetName {
                h,
                protocol,
                addr,
                units,
                cut,
            } => {
                let mut bytes = vec![0u8; 144 + 2 * units.len()];
                bytes[0..4].copy_from_slice(&i32::from(*protocol % 5).to_le_bytes());
                let peer = addr.bytes();
                let n = peer.len().min(128);
                bytes[8..8 + n].copy_from_slice(&peer[..n]);
                bytes[136..140].copy_from_slice(&(2 * units.len() as u32).to_le_bytes());
                for (i, unit) in units.iter().enumerate() {
                    bytes[140 + 2 * i..142 + 2 * i].copy_from_slice(&unit.to_le_bytes());
                }
                let len = bytes.len().saturating_sub(usize::from(*cut % 8)) as u32;
                let rc = unsafe {
                    WSASetSocketPeerTargetName(
                        pick(&handles, *h),
                        bytes.as_ptr().cast(),
                        len,
                        std::ptr::null(),
                        None,
                    )
                };
                check(&scene.net, &before, rc, SET_NAME_CODES);
            }
            Call::DeleteName { h, addr } => {
                let raw = addr.bytes();
                let rc = unsafe {
                    WSADeleteSocketPeerTargetName(
                        pick(&handles, *h),
                        raw.as_ptr().cast(),
                        raw.len() as u32,
                        std::ptr::null(),
                        None,
                    )
                };
                check(&scene.net, &before, rc, DELETE_NAME_CODES);
            }
            Call::Startup => {
                let mut data = WSADATA::default();
                assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0);
            }
            Call::Cleanup => {
                // Keep the scene's own startup alive so its guard can clean up at the end.
                if scene.net.startup_count() > 1 {
                    assert_eq!(unsafe { WSACleanup() }, 0);
                }
            }
        }
    }
});
