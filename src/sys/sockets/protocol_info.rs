//! The `WSAPROTOCOL_INFOW` that `getsockopt(SO_PROTOCOL_INFOW)` reports for a socket: its
//! family, type and protocol as created, with the service flags of the Microsoft TCP/IP
//! provider's entry for that protocol.
use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, BASE_PROTOCOL, IPPROTO_TCP, IPPROTO_UDP, SOCK_DGRAM, SOCK_STREAM,
    WSAPROTOCOLCHAIN, WSAPROTOCOL_INFOW, XP1_CONNECTIONLESS, XP1_EXPEDITED_DATA,
    XP1_GRACEFUL_CLOSE, XP1_GUARANTEED_DELIVERY, XP1_GUARANTEED_ORDER, XP1_IFS_HANDLES,
    XP1_MESSAGE_ORIENTED, XP1_SUPPORT_BROADCAST, XP1_SUPPORT_MULTIPOINT,
};

use crate::choices;
use crate::model::catalog::SocketKind;

/// The protocol entry of a socket of `kind`.
pub(in crate::sys) fn protocol_info(kind: SocketKind) -> WSAPROTOCOL_INFOW {
    let stream = kind.socket_type == SOCK_STREAM;
    let service = if stream {
        XP1_GUARANTEED_DELIVERY
            | XP1_GUARANTEED_ORDER
            | XP1_GRACEFUL_CLOSE
            | XP1_EXPEDITED_DATA
            | XP1_IFS_HANDLES
    } else if kind.socket_type == SOCK_DGRAM {
        XP1_CONNECTIONLESS
            | XP1_MESSAGE_ORIENTED
            | XP1_SUPPORT_BROADCAST
            | XP1_SUPPORT_MULTIPOINT
            | XP1_IFS_HANDLES
    } else {
        XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_IFS_HANDLES
    };
    let address_len = if kind.family == AF_INET6 { 28 } else { 16 };
    let name = match (kind.family, kind.protocol) {
        (AF_INET, IPPROTO_TCP) => "MSAFD Tcpip [TCP/IP]",
        (AF_INET, IPPROTO_UDP) => "MSAFD Tcpip [UDP/IP]",
        (AF_INET6, IPPROTO_TCP) => "MSAFD Tcpip [TCP/IPv6]",
        (AF_INET6, IPPROTO_UDP) => "MSAFD Tcpip [UDP/IPv6]",
        _ => "winsock-emu",
    };
    let mut sz_protocol = [0u16; 256];
    for (slot, unit) in sz_protocol.iter_mut().zip(name.encode_utf16()) {
        *slot = unit;
    }
    WSAPROTOCOL_INFOW {
        dwServiceFlags1: service,
        ProtocolChain: WSAPROTOCOLCHAIN {
            ChainLen: BASE_PROTOCOL as i32,
            ChainEntries: [0; 7],
        },
        iVersion: 2,
        iAddressFamily: i32::from(kind.family),
        iMaxSockAddr: address_len,
        iMinSockAddr: address_len,
        iSocketType: kind.socket_type,
        iProtocol: kind.protocol,
        dwMessageSize: if stream {
            0
        } else {
            choices::MAX_DATAGRAM as u32
        },
        szProtocol: sz_protocol,
        ..WSAPROTOCOL_INFOW::default()
    }
}
