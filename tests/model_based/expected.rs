//! The table the reference model expects, in the shape of the emulator's snapshot: the
//! snapshot's structs are `#[non_exhaustive]` (they may grow), so a test cannot build
//! them; it builds these, and reads the emulator's snapshot into them ([`From`]) to
//! compare the two.

use std::net::SocketAddr;

use winsock_emu::sys::SOCKET;
use winsock_emu::{SecurityProtocol, SecuritySettings, SocketState, TargetName};

/// [`winsock_emu::NetworkSnapshot`]'s table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSnapshot {
    pub startups: u32,
    pub next_handle: SOCKET,
    pub sockets: Vec<SocketInfo>,
}

/// [`winsock_emu::SocketInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketInfo {
    pub handle: SOCKET,
    pub duplicates: Vec<SOCKET>,
    pub family: u16,
    pub socket_type: i32,
    pub protocol: i32,
    pub overlapped: bool,
    pub local: Option<SocketAddr>,
    pub state: SocketState,
    pub names: Vec<NameInfo>,
    pub nonblocking: bool,
    pub security: Option<SecuritySettings>,
    pub principal: Option<TargetName>,
    pub links: Vec<LinkInfo>,
    pub waiting: usize,
}

/// [`winsock_emu::NameInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameInfo {
    pub peer: Option<SocketAddr>,
    pub protocol: SecurityProtocol,
    pub name: TargetName,
}

/// [`winsock_emu::LinkInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkInfo {
    pub peer: Option<SocketAddr>,
    pub secured: bool,
    pub encrypted: bool,
    pub peer_principal: Option<TargetName>,
}

impl From<&winsock_emu::NetworkSnapshot> for NetworkSnapshot {
    fn from(snapshot: &winsock_emu::NetworkSnapshot) -> Self {
        Self {
            startups: snapshot.startups,
            next_handle: snapshot.next_handle,
            sockets: snapshot
                .sockets
                .iter()
                .map(|s| SocketInfo {
                    handle: s.handle,
                    duplicates: s.duplicates.clone(),
                    family: s.family,
                    socket_type: s.socket_type,
                    protocol: s.protocol,
                    overlapped: s.overlapped,
                    local: s.local,
                    state: s.state,
                    names: s
                        .names
                        .iter()
                        .map(|n| NameInfo {
                            peer: n.peer,
                            protocol: n.protocol,
                            name: n.name.clone(),
                        })
                        .collect(),
                    nonblocking: s.nonblocking,
                    security: s.security.clone(),
                    principal: s.principal.clone(),
                    links: s
                        .links
                        .iter()
                        .map(|l| LinkInfo {
                            peer: l.peer,
                            secured: l.secured,
                            encrypted: l.encrypted,
                            peer_principal: l.peer_principal.clone(),
                        })
                        .collect(),
                    waiting: s.waiting,
                })
                .collect(),
        }
    }
}
