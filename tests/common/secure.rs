//! Helpers for the secure-socket tests: raw calls of `WSASetSocketSecurity` and
//! `WSAQuerySocketSecurity` through the function and through `WSAIoctl`, and ready-made
//! secured connections.

use std::net::SocketAddr;
use std::ptr;

use winsock_emu::sys::{self, SOCKET, SOCKET_SETTINGS_GUARANTEE_ENCRYPTION};
use winsock_emu::{Domain, Network, SecuritySettings, Socket, Type};

use super::{buffer_ptr, ioctl, outcome, Face};

/// `WSASetSocketSecurity` (or `WSAIoctl(SIO_SET_SECURITY)`) with `buffer` (None: NULL) of
/// declared length `len`.
pub fn set_security_raw(face: Face, s: SOCKET, buffer: Option<&[u8]>, len: u32) -> Result<(), i32> {
    let ptr = buffer_ptr(buffer, len);
    outcome(match face {
        Face::Function => unsafe {
            sys::WSASetSocketSecurity(s, ptr.cast(), len, ptr::null(), None)
        },
        Face::Ioctl => ioctl(s, sys::SIO_SET_SECURITY, ptr, len),
    })
}

/// `WSASetSocketSecurity` with a whole settings buffer.
pub fn set_security(face: Face, s: SOCKET, settings: &SecuritySettings) -> Result<(), i32> {
    let bytes = settings.to_bytes();
    set_security_raw(face, s, Some(&bytes), bytes.len() as u32)
}

/// What a raw query produced: the result, the info buffer (40 bytes, preset to 0xAB) and
/// the length out-parameter (preset to `info_len`, or absent when NULL was passed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queried {
    pub result: Result<(), i32>,
    pub info: [u8; 40],
    pub len: Option<u32>,
}

impl Queried {
    /// `Flags` of the info written.
    pub fn flags(&self) -> u32 {
        u32::from_le_bytes(self.info[4..8].try_into().unwrap())
    }
}

/// `WSAQuerySocketSecurity` (or `WSAIoctl(SIO_QUERY_SECURITY)`): `template` (None: NULL) of
/// declared length `template_len`; an info buffer unless `info_null`; `*SecurityQueryInfoLen`
/// = `info_len` (None: a NULL pointer).
pub fn query_raw(
    face: Face,
    s: SOCKET,
    template: Option<&[u8]>,
    template_len: u32,
    info_null: bool,
    info_len: Option<u32>,
) -> Queried {
    let mut info = [0xABu8; 40];
    let mut len = info_len.unwrap_or(0);
    let template_ptr = template.map_or(ptr::null(), |t| t.as_ptr());
    let info_ptr: *mut u8 = if info_null {
        ptr::null_mut()
    } else {
        info.as_mut_ptr()
    };
    let len_ptr: *mut u32 = if info_len.is_some() {
        &mut len
    } else {
        ptr::null_mut()
    };
    let rc = match face {
        Face::Function => unsafe {
            sys::WSAQuerySocketSecurity(
                s,
                template_ptr.cast(),
                template_len,
                info_ptr.cast(),
                len_ptr,
                ptr::null(),
                None,
            )
        },
        Face::Ioctl => unsafe {
            sys::WSAIoctl(
                s,
                sys::SIO_QUERY_SECURITY,
                template_ptr.cast(),
                template_len,
                info_ptr.cast(),
                info_len.unwrap_or(0),
                len_ptr,
                ptr::null_mut(),
                None,
            )
        },
    };
    Queried {
        result: outcome(rc),
        info,
        len: info_len.map(|_| len),
    }
}

/// A listener at `addr` that applied `server` settings (None: no WSASetSocketSecurity) and
/// authenticates as `principal`.
pub fn secure_listener(
    net: &Network,
    addr: &str,
    server: Option<SecuritySettings>,
    principal: &str,
) -> Socket {
    let addr: SocketAddr = addr.parse().unwrap();
    let listener = net
        .socket(Domain::for_address(addr), Type::STREAM, None)
        .unwrap();
    if let Some(settings) = server {
        listener.set_security(Some(settings)).unwrap();
    }
    listener.set_principal(principal).unwrap();
    listener.bind(addr).unwrap();
    listener.listen(5).unwrap();
    listener
}

/// A client that applied `client` settings and named `target` (if given), not yet connected.
pub fn secure_client(
    net: &Network,
    family: Domain,
    client: Option<SecuritySettings>,
    target: Option<&str>,
) -> Socket {
    let socket = net.socket(family, Type::STREAM, None).unwrap();
    if let Some(settings) = client {
        socket.set_security(Some(settings)).unwrap();
    }
    if let Some(target) = target {
        let any: SocketAddr = if family == Domain::IPV4 {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        }
        .parse()
        .unwrap();
        socket.set_peer_target_name(any, target).unwrap();
    }
    socket
}

/// Encryption-guaranteeing default settings, as Microsoft's basic sample uses.
pub fn encrypting() -> SecuritySettings {
    SecuritySettings::with_flags(SOCKET_SETTINGS_GUARANTEE_ENCRYPTION)
}

/// A secured, accepted connection at `addr`: (listener, client, accepted server socket).
pub fn secured_connection(net: &Network, addr: &str) -> (Socket, Socket, Socket) {
    let listener = secure_listener(net, addr, Some(encrypting()), "host/server.contoso.com");
    let family = Domain::for_address(addr.parse().unwrap());
    let client = secure_client(
        net,
        family,
        Some(encrypting()),
        Some("host/server.contoso.com"),
    );
    client.connect(addr.parse().unwrap()).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    (listener, client, accepted)
}
