//! The C-style face: windows-sys 0.61's names, types, signatures and return conventions.
//!
//! A program written against `windows_sys::Win32::Networking::WinSock` (plus
//! `windows_sys::Win32::System::IO::OVERLAPPED`) compiles against this module by changing
//! its `use` lines alone, and then runs on the current [`Network`](crate::Network) instead
//! of the operating system:
//!
//! ```
//! use winsock_emu::sys::*; // was: use windows_sys::Win32::Networking::WinSock::*;
//!
//! unsafe {
//!     let mut data = WSADATA::default();
//!     assert_eq!(WSAStartup(0x0202, &mut data), 0);
//!     let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
//!     assert_ne!(s, INVALID_SOCKET);
//!     // A NULL name is WSAEFAULT, as the page documents.
//!     let rc = WSASetSocketPeerTargetName(s, std::ptr::null(), 0, std::ptr::null(), None);
//!     assert_eq!((rc, WSAGetLastError()), (SOCKET_ERROR, WSAEFAULT));
//!     closesocket(s);
//!     WSACleanup();
//! }
//! ```
//!
//! - Types and constants are windows-sys's own, re-exported ([`types`]), so names, values
//!   and layouts cannot drift.
//! - Functions are `unsafe extern "system" fn` with windows-sys's exact signatures (a test
//!   coerces each to the function-pointer type built from windows-sys's types). They
//!   return `SOCKET_ERROR` or `INVALID_SOCKET` and set the thread-local last error, as
//!   Winsock does.
//! - This is the only layer with raw pointers. Each pointer is checked for NULL and each
//!   length before a byte is read (see `memory.rs`); out-parameters are written only on
//!   success.
//! - The files are in folders by concern, as `model/` is: `sockets/` (creating, binding,
//!   connecting, accepting, closing; startup, names, options, the catalogue, `WSAIoctl`,
//!   `CloseHandle`), `data/` (`send`/`recv` and the `WSABUF` and `WSAMSG` calls),
//!   `overlapped/` (completion, event objects, waits), `readiness/` (`select`, `WSAPoll`,
//!   `WSAEventSelect`), `security/` (the Secure Socket Extensions), `resolution/` (names
//!   and addresses); `memory.rs`, `last_error.rs` and `types.rs` serve them all.
//! - Calls go to the thread's current network: the process-wide one, or one a test
//!   [entered](crate::Network::enter).
//! - Overlapped calls complete as Winsock completes them: through the `OVERLAPPED` and its
//!   event, or through a completion routine run in the caller's next alertable wait
//!   ([`SleepEx`], [`WSAWaitForMultipleEvents`]); see [`docs/overlapped.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/overlapped.md).
#![allow(unsafe_code)]

mod data;
mod last_error;
mod memory;
mod overlapped;
mod readiness;

mod resolution;
mod security;
mod sockets;
pub mod types;

use data::disconnect;
use data::recv_msg;
use data::transmit;
use data::wsa_data;
use data::wsa_msg;
use overlapped::event_objects as events;
use overlapped::{accept_ex, cancel, connect_ex, ports};
use readiness::event_select;
use readiness::sets;
use security::peer_names;
use sockets::addr_out;
use sockets::blocking_hooks;
use sockets::duplicate;
use sockets::extensions;
use sockets::handles;
use sockets::ioctl;
use sockets::names;
use sockets::options;
use sockets::protocol_info;
use sockets::protocols;
use sockets::protoent;
use sockets::qos;
use sockets::servent;
use sockets::startup;

pub use accept_ex::{AcceptEx, GetAcceptExSockaddrs};
pub use blocking_hooks::{
    WSACancelBlockingCall, WSAIsBlocking, WSASetBlockingHook, WSAUnhookBlockingHook,
};
pub use cancel::{CancelIo, CancelIoEx, SetFileCompletionNotificationModes};
pub use connect_ex::{ConnectEx, DisconnectEx};
pub use data::{ioctlsocket, recv, recvfrom, send, sendto, shutdown};
pub use disconnect::{WSARecvDisconnect, WSARecvEx, WSASendDisconnect};
pub use duplicate::{WSADuplicateSocketA, WSADuplicateSocketW};
pub use event_select::{WSAEnumNetworkEvents, WSAEventSelect};
pub use events::{
    SleepEx, WSACloseEvent, WSACreateEvent, WSAResetEvent, WSASetEvent, WSAWaitForMultipleEvents,
};
pub use handles::CloseHandle;
pub use ioctl::WSAIoctl;
pub use last_error::{GetLastError, SetLastError, WSAGetLastError, WSASetLastError};
pub use names::{getpeername, getsockname};
pub use options::{getsockopt, setsockopt};
pub use overlapped::WSAGetOverlappedResult;
pub use peer_names::{WSADeleteSocketPeerTargetName, WSASetSocketPeerTargetName};
pub use ports::{
    CreateIoCompletionPort, GetQueuedCompletionStatus, GetQueuedCompletionStatusEx,
    PostQueuedCompletionStatus,
};
pub use protocols::{WSAEnumProtocolsA, WSAEnumProtocolsW, WSASocketA};
pub use protoent::{getprotobyname, getprotobynumber};
pub use qos::WSAGetQOSByName;
pub use readiness::{__WSAFDIsSet, select, WSAPoll, FD_CLR, FD_ISSET, FD_SET, FD_ZERO};
pub use resolution::address_string::{
    WSAAddressToStringA, WSAAddressToStringW, WSAStringToAddressA, WSAStringToAddressW,
};
pub use resolution::addrinfo::{freeaddrinfo, getaddrinfo, FreeAddrInfoW, GetAddrInfoW};
pub use resolution::addrinfo_ex::{
    FreeAddrInfoExW, GetAddrInfoExCancel, GetAddrInfoExOverlappedResult, GetAddrInfoExW,
};
pub use resolution::byte_order::{
    htonl, htons, ntohl, ntohs, WSAHtonl, WSAHtons, WSANtohl, WSANtohs,
};
pub use resolution::connect_by_list::WSAConnectByList;
pub use resolution::connect_by_name::{WSAConnectByNameA, WSAConnectByNameW};
pub use resolution::hostent::{gethostbyaddr, gethostbyname, gethostname, GetHostNameW};
pub use resolution::nameinfo::{getnameinfo, GetNameInfoW};
pub use resolution::text::{inet_addr, inet_ntoa, inet_ntop, inet_pton, InetNtopW, InetPtonW};
pub use security::{
    WSAImpersonateSocketPeer, WSAQuerySocketSecurity, WSARevertImpersonation, WSASetSocketSecurity,
};
pub use servent::{getservbyname, getservbyport};
pub use sockets::{
    accept, bind, closesocket, connect, listen, socket, WSAAccept, WSAConnect, WSASocketW,
};
pub use startup::{WSACleanup, WSAStartup};
pub use transmit::{TransmitFile, TransmitPackets};
#[doc(no_inline)]
pub use types::*;
#[doc(no_inline)]
pub use windows_sys::core::{BOOL, GUID, PCSTR, PCWSTR, PSTR, PWSTR};
#[doc(no_inline)]
pub use windows_sys::Win32::Foundation::{
    ERROR_ABANDONED_WAIT_0, ERROR_CONNECTION_ABORTED, ERROR_CONNECTION_REFUSED,
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_IO_PENDING,
    ERROR_IPSEC_IKE_AUTH_FAIL, ERROR_IPSEC_IKE_NO_POLICY, ERROR_IPSEC_IKE_TIMED_OUT,
    ERROR_NETNAME_DELETED, ERROR_NOT_FOUND, ERROR_OPERATION_ABORTED, FALSE, FARPROC, HANDLE,
    INVALID_HANDLE_VALUE, TRUE, WAIT_EVENT, WAIT_IO_COMPLETION, WAIT_TIMEOUT, WIN32_ERROR,
};
#[doc(no_inline)]
pub use windows_sys::Win32::System::IO::{OVERLAPPED, OVERLAPPED_ENTRY};
pub use wsa_data::{WSARecv, WSARecvFrom, WSASend, WSASendTo};
pub use wsa_msg::WSASendMsg;
