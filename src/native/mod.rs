//! The native calling layer: Winsock's C functions called through windows-sys's signatures.
//!
//! Both backends are driven by this one thin layer, so the conformance suite compares
//! implementations and never two sets of wrappers. A [`Winsock`] is a table of function
//! pointers typed exactly as windows-sys 0.61 declares the functions:
//!
//! - [`EMULATED`] holds this crate's [`crate::sys`] functions (so it also proves, at compile
//!   time, that each has windows-sys's exact signature);
//! - [`WINDOWS`] (only on Windows) holds the real functions from `ws2_32.dll` and
//!   `fwpuclnt.dll`, through windows-sys.
//!
//! One file per Winsock concept, in the manner of mio's `sys/windows/`:
//!
//! | file | functions |
//! | --- | --- |
//! | `startup.rs` | `WSAStartup`, `WSACleanup` |
//! | `last_error.rs` | `WSAGetLastError`, `WSASetLastError` |
//! | `socket.rs` | `socket`, `WSASocketW`, `closesocket` |
//! | `duplicate.rs` | `WSADuplicateSocketW`, `WSASocketW` with its structure |
//! | `address.rs` | `bind`, `listen`, `connect`, `accept`, `WSAAccept` (with a condition function) |
//! | `peer_name.rs` | `WSASetSocketPeerTargetName`, `WSADeleteSocketPeerTargetName` |
//! | `ioctl.rs` | `WSAIoctl`, and the extension functions' lookup through it |
//! | `security.rs` | `WSAQuerySocketSecurity`, `WSAImpersonateSocketPeer`, `WSARevertImpersonation` |
//! | `data.rs` | `send`, `recv`, `sendto`, `recvfrom`, `shutdown`, `ioctlsocket` |
//! | `wsa_data.rs` | `WSASend`, `WSARecv`, `WSARecvFrom`, `WSASendMsg` |
//! | `recv_msg.rs` | `WSARecvMsg`, through `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` |
//! | `transmit.rs` | `TransmitFile`, `TransmitPackets`, looked up the same way |
//! | `wine.rs` | `wine_get_version` (through `GetModuleHandleW`, `GetProcAddress`): whether this is Wine (Windows only) |
//! | `resolution.rs` | `getaddrinfo`, `freeaddrinfo`, `getnameinfo`, `gethostname`, `inet_pton`, `inet_ntop`, `inet_addr`, `WSAStringToAddressW`, `WSAAddressToStringW`, `WSAConnectByNameW` |
//! | `catalog.rs` | `WSAEnumProtocolsW`, `WSASocketW` with a `WSAPROTOCOL_INFOW`, `getprotobyname`, `getprotobynumber`, `WSAGetQOSByName`, `WSACancelBlockingCall` |
//! | `everyday.rs` | `WSASendDisconnect`, `WSARecvDisconnect`, `WSARecvEx`, `getservbyname`, `getservbyport`, `GetAddrInfoExW`, `FreeAddrInfoExW`, `GetAddrInfoExCancel`, `GetAddrInfoExOverlappedResult`, `WSAConnectByList` |
//! | `handles.rs` | `CloseHandle` (with `GetLastError`) |
//! | `completion.rs` | `CreateIoCompletionPort`, `PostQueuedCompletionStatus`, `GetQueuedCompletionStatus`, `CancelIoEx`, `SetFileCompletionNotificationModes` |
//! | `extensions.rs` | `AcceptEx`, `GetAcceptExSockaddrs`, `ConnectEx`, `DisconnectEx`, through `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` |
//! | `options.rs` | `getsockopt`, `setsockopt`, `getsockname`, `getpeername` |
//! | `readiness.rs` | `select`, `WSAPoll`, `WSAEventSelect`, `WSAEnumNetworkEvents` |
//! | `overlapped.rs` | `WSACreateEvent`, `WSACloseEvent`, `WSAWaitForMultipleEvents`, `WSAIoctl`, `WSASend` and `WSARecv` with an `OVERLAPPED`, `WSAGetOverlappedResult` |
//!
//! This is the only place outside [`crate::sys`] with `unsafe` code: each call passes
//! pointers into Rust-owned buffers that outlive it, with the lengths of those buffers,
//! and nothing else; except an overlapped call's `OVERLAPPED`, which must outlive the
//! operation rather than the call, and is therefore leaked (`overlapped.rs`), and the
//! completion routine, a plain function that only counts its runs. Every function here returns the Winsock convention turned into a
//! `Result`: the value, or the code `WSAGetLastError` gave just after the failing call.
#![allow(unsafe_code)]

pub(crate) mod address;
pub(crate) mod catalog;
pub(crate) mod completion;
pub(crate) mod data;
pub(crate) mod duplicate;
pub(crate) mod everyday;
pub(crate) mod extensions;
#[cfg(windows)]
pub(crate) mod flow;
pub(crate) mod handles;
pub(crate) mod ioctl;
pub(crate) mod last_error;
pub(crate) mod options;
pub(crate) mod overlapped;
pub(crate) mod peer_name;
pub(crate) mod readiness;
pub(crate) mod recv_msg;
pub(crate) mod resolution;
pub(crate) mod security;
pub(crate) mod socket;
pub(crate) mod startup;
pub(crate) mod transmit;
#[cfg(windows)]
pub(crate) mod wine;
pub(crate) mod wsa_data;

use core::ffi::c_void;

use windows_sys::core::{BOOL, PCSTR, PCWSTR, PSTR, PWSTR};
use windows_sys::Win32::Foundation::{HANDLE, WAIT_EVENT, WIN32_ERROR};
use windows_sys::Win32::Networking::WinSock::{
    ADDRINFOA, LPCONDITIONPROC, LPWSAOVERLAPPED_COMPLETION_ROUTINE, PROTOENT, QOS, SEND_RECV_FLAGS,
    SOCKADDR, SOCKET, SOCKET_PEER_TARGET_NAME, SOCKET_SECURITY_QUERY_INFO,
    SOCKET_SECURITY_QUERY_TEMPLATE, TIMEVAL, WINSOCK_SHUTDOWN_HOW, WSABUF, WSADATA, WSAEVENT,
    WSAMSG, WSAPROTOCOL_INFOW, WSA_ERROR,
};
use windows_sys::Win32::Networking::WinSock::{
    ADDRINFOEXW, LPLOOKUPSERVICE_COMPLETION_ROUTINE, SERVENT, SOCKET_ADDRESS_LIST,
};
use windows_sys::Win32::Networking::WinSock::{FD_SET, WSANETWORKEVENTS, WSAPOLLFD};
use windows_sys::Win32::System::IO::OVERLAPPED;

/// The Winsock functions the backends call, typed as windows-sys 0.61 declares them.
#[derive(Clone, Copy)]
pub(crate) struct Winsock {
    /// `WSAStartup`.
    pub startup: unsafe extern "system" fn(u16, *mut WSADATA) -> i32,
    /// `WSACleanup`.
    pub cleanup: unsafe extern "system" fn() -> i32,
    /// `WSAGetLastError`.
    pub get_last_error: unsafe extern "system" fn() -> WSA_ERROR,
    /// `WSASetLastError`.
    pub set_last_error: unsafe extern "system" fn(i32),
    /// `socket`.
    pub socket: unsafe extern "system" fn(i32, i32, i32) -> SOCKET,
    /// `WSASocketW`.
    pub wsa_socket_w:
        unsafe extern "system" fn(i32, i32, i32, *const WSAPROTOCOL_INFOW, u32, u32) -> SOCKET,
    /// `closesocket`.
    pub closesocket: unsafe extern "system" fn(SOCKET) -> i32,
    /// `WSADuplicateSocketW`.
    pub wsa_duplicate_socket_w:
        unsafe extern "system" fn(SOCKET, u32, *mut WSAPROTOCOL_INFOW) -> i32,
    /// `bind`.
    pub bind: unsafe extern "system" fn(SOCKET, *const SOCKADDR, i32) -> i32,
    /// `listen`.
    pub listen: unsafe extern "system" fn(SOCKET, i32) -> i32,
    /// `connect`.
    pub connect: unsafe extern "system" fn(SOCKET, *const SOCKADDR, i32) -> i32,
    /// `accept`.
    pub accept: unsafe extern "system" fn(SOCKET, *mut SOCKADDR, *mut i32) -> SOCKET,
    /// `WSAAccept`.
    pub wsa_accept: unsafe extern "system" fn(
        SOCKET,
        *mut SOCKADDR,
        *mut i32,
        LPCONDITIONPROC,
        usize,
    ) -> SOCKET,
    /// `WSASetSocketPeerTargetName`.
    pub set_peer_target_name: unsafe extern "system" fn(
        SOCKET,
        *const SOCKET_PEER_TARGET_NAME,
        u32,
        *const OVERLAPPED,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> i32,
    /// `WSADeleteSocketPeerTargetName`.
    pub delete_peer_target_name: unsafe extern "system" fn(
        SOCKET,
        *const SOCKADDR,
        u32,
        *const OVERLAPPED,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> i32,
    /// `WSAIoctl`.
    #[allow(clippy::type_complexity)]
    pub ioctl: unsafe extern "system" fn(
        SOCKET,
        u32,
        *const c_void,
        u32,
        *mut c_void,
        u32,
        *mut u32,
        *mut OVERLAPPED,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> i32,
    /// `WSAQuerySocketSecurity`.
    pub query_security: unsafe extern "system" fn(
        SOCKET,
        *const SOCKET_SECURITY_QUERY_TEMPLATE,
        u32,
        *mut SOCKET_SECURITY_QUERY_INFO,
        *mut u32,
        *const OVERLAPPED,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> i32,
    /// `WSAImpersonateSocketPeer`.
    pub impersonate_peer: unsafe extern "system" fn(SOCKET, *const SOCKADDR, u32) -> i32,
    /// `WSARevertImpersonation`.
    pub revert_impersonation: unsafe extern "system" fn() -> i32,
    /// `send`.
    pub send: unsafe extern "system" fn(SOCKET, PCSTR, i32, SEND_RECV_FLAGS) -> i32,
    /// `recv`.
    pub recv: unsafe extern "system" fn(SOCKET, PSTR, i32, SEND_RECV_FLAGS) -> i32,
    /// `sendto`.
    pub sendto: unsafe extern "system" fn(SOCKET, PCSTR, i32, i32, *const SOCKADDR, i32) -> i32,
    /// `recvfrom`.
    pub recvfrom: unsafe extern "system" fn(SOCKET, PSTR, i32, i32, *mut SOCKADDR, *mut i32) -> i32,
    /// `WSASend`.
    pub wsa_send: unsafe extern "system" fn(
        SOCKET,
        *const WSABUF,
        u32,
        *mut u32,
        u32,
        *mut OVERLAPPED,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> i32,
    /// `WSARecv`.
    pub wsa_recv: unsafe extern "system" fn(
        SOCKET,
        *const WSABUF,
        u32,
        *mut u32,
        *mut u32,
        *mut OVERLAPPED,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> i32,
    /// `WSARecvFrom`.
    #[allow(clippy::type_complexity)]
    pub wsa_recv_from: unsafe extern "system" fn(
        SOCKET,
        *const WSABUF,
        u32,
        *mut u32,
        *mut u32,
        *mut SOCKADDR,
        *mut i32,
        *mut OVERLAPPED,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> i32,
    /// `shutdown`.
    pub shutdown: unsafe extern "system" fn(SOCKET, WINSOCK_SHUTDOWN_HOW) -> i32,
    /// `ioctlsocket`.
    pub ioctlsocket: unsafe extern "system" fn(SOCKET, i32, *mut u32) -> i32,
    /// `WSACreateEvent`.
    pub create_event: unsafe extern "system" fn() -> WSAEVENT,
    /// `WSACloseEvent`.
    pub close_event: unsafe extern "system" fn(WSAEVENT) -> BOOL,
    /// `WSAWaitForMultipleEvents`.
    pub wait_for_multiple_events:
        unsafe extern "system" fn(u32, *const HANDLE, BOOL, u32, BOOL) -> WAIT_EVENT,
    /// `WSAGetOverlappedResult`.
    pub get_overlapped_result:
        unsafe extern "system" fn(SOCKET, *const OVERLAPPED, *mut u32, BOOL, *mut u32) -> BOOL,
    /// `getaddrinfo`.
    pub getaddrinfo:
        unsafe extern "system" fn(PCSTR, PCSTR, *const ADDRINFOA, *mut *mut ADDRINFOA) -> i32,
    /// `freeaddrinfo`.
    pub freeaddrinfo: unsafe extern "system" fn(*const ADDRINFOA),
    /// `getnameinfo`.
    pub getnameinfo:
        unsafe extern "system" fn(*const SOCKADDR, i32, PSTR, u32, PSTR, u32, i32) -> i32,
    /// `gethostname`.
    pub gethostname: unsafe extern "system" fn(PSTR, i32) -> i32,
    /// `inet_pton`.
    pub inet_pton: unsafe extern "system" fn(i32, PCSTR, *mut c_void) -> i32,
    /// `inet_ntop`.
    pub inet_ntop: unsafe extern "system" fn(i32, *const c_void, PSTR, usize) -> PCSTR,
    /// `inet_addr`.
    pub inet_addr: unsafe extern "system" fn(PCSTR) -> u32,
    /// `WSAStringToAddressW`.
    pub wsa_string_to_address_w: unsafe extern "system" fn(
        PCWSTR,
        i32,
        *const WSAPROTOCOL_INFOW,
        *mut SOCKADDR,
        *mut i32,
    ) -> i32,
    /// `WSAAddressToStringW`.
    pub wsa_address_to_string_w: unsafe extern "system" fn(
        *const SOCKADDR,
        u32,
        *const WSAPROTOCOL_INFOW,
        PWSTR,
        *mut u32,
    ) -> i32,
    /// `WSAConnectByNameW`.
    #[allow(clippy::type_complexity)]
    pub wsa_connect_by_name_w: unsafe extern "system" fn(
        SOCKET,
        PCWSTR,
        PCWSTR,
        *mut u32,
        *mut SOCKADDR,
        *mut u32,
        *mut SOCKADDR,
        *const TIMEVAL,
        *const OVERLAPPED,
    ) -> BOOL,
    /// `CloseHandle`.
    pub close_handle: unsafe extern "system" fn(HANDLE) -> BOOL,
    /// `CreateIoCompletionPort`.
    pub create_io_completion_port: unsafe extern "system" fn(HANDLE, HANDLE, usize, u32) -> HANDLE,
    /// `PostQueuedCompletionStatus`.
    pub post_queued_completion_status:
        unsafe extern "system" fn(HANDLE, u32, usize, *const OVERLAPPED) -> BOOL,
    /// `GetQueuedCompletionStatus`.
    pub get_queued_completion_status:
        unsafe extern "system" fn(HANDLE, *mut u32, *mut usize, *mut *mut OVERLAPPED, u32) -> BOOL,
    /// `CancelIoEx`.
    pub cancel_io_ex: unsafe extern "system" fn(HANDLE, *const OVERLAPPED) -> BOOL,
    /// `SetFileCompletionNotificationModes`.
    pub set_file_completion_notification_modes: unsafe extern "system" fn(HANDLE, u8) -> BOOL,
    /// `GetLastError`.
    pub get_last_win32_error: unsafe extern "system" fn() -> WIN32_ERROR,
    /// `WSAEnumProtocolsW`.
    pub enum_protocols_w:
        unsafe extern "system" fn(*const i32, *mut WSAPROTOCOL_INFOW, *mut u32) -> i32,
    /// `getprotobyname`.
    pub getprotobyname: unsafe extern "system" fn(PCSTR) -> *mut PROTOENT,
    /// `getprotobynumber`.
    pub getprotobynumber: unsafe extern "system" fn(i32) -> *mut PROTOENT,
    /// `WSACancelBlockingCall`.
    pub cancel_blocking_call: unsafe extern "system" fn() -> i32,
    /// `WSAGetQOSByName`.
    pub get_qos_by_name: unsafe extern "system" fn(SOCKET, *const WSABUF, *mut QOS) -> BOOL,
    /// `WSASendMsg`.
    pub wsa_send_msg: unsafe extern "system" fn(
        SOCKET,
        *const WSAMSG,
        u32,
        *mut u32,
        *mut OVERLAPPED,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> i32,
    /// `getsockopt`.
    pub getsockopt: unsafe extern "system" fn(SOCKET, i32, i32, PSTR, *mut i32) -> i32,
    /// `setsockopt`.
    pub setsockopt: unsafe extern "system" fn(SOCKET, i32, i32, PCSTR, i32) -> i32,
    /// `getsockname`.
    pub getsockname: unsafe extern "system" fn(SOCKET, *mut SOCKADDR, *mut i32) -> i32,
    /// `getpeername`.
    pub getpeername: unsafe extern "system" fn(SOCKET, *mut SOCKADDR, *mut i32) -> i32,
    pub select: unsafe extern "system" fn(
        i32,
        *mut FD_SET,
        *mut FD_SET,
        *mut FD_SET,
        *const TIMEVAL,
    ) -> i32,
    pub wsa_poll: unsafe extern "system" fn(*mut WSAPOLLFD, u32, i32) -> i32,
    pub event_select: unsafe extern "system" fn(SOCKET, WSAEVENT, i32) -> i32,
    pub enum_network_events:
        unsafe extern "system" fn(SOCKET, WSAEVENT, *mut WSANETWORKEVENTS) -> i32,
    /// `WSASendDisconnect`.
    pub send_disconnect: unsafe extern "system" fn(SOCKET, *const WSABUF) -> i32,
    /// `WSARecvDisconnect`.
    pub recv_disconnect: unsafe extern "system" fn(SOCKET, *const WSABUF) -> i32,
    /// `WSARecvEx`.
    pub recv_ex: unsafe extern "system" fn(SOCKET, PSTR, i32, *mut i32) -> i32,
    /// `getservbyname`.
    pub getservbyname: unsafe extern "system" fn(PCSTR, PCSTR) -> *mut SERVENT,
    /// `getservbyport`.
    pub getservbyport: unsafe extern "system" fn(i32, PCSTR) -> *mut SERVENT,
    /// `GetAddrInfoExW`.
    pub get_addr_info_ex_w: unsafe extern "system" fn(
        PCWSTR,
        PCWSTR,
        u32,
        *const windows_sys::core::GUID,
        *const ADDRINFOEXW,
        *mut *mut ADDRINFOEXW,
        *const TIMEVAL,
        *const OVERLAPPED,
        LPLOOKUPSERVICE_COMPLETION_ROUTINE,
        *mut HANDLE,
    ) -> i32,
    /// `FreeAddrInfoExW`.
    pub free_addr_info_ex_w: unsafe extern "system" fn(*const ADDRINFOEXW),
    /// `GetAddrInfoExCancel`.
    pub get_addr_info_ex_cancel: unsafe extern "system" fn(*const HANDLE) -> i32,
    /// `GetAddrInfoExOverlappedResult`.
    pub get_addr_info_ex_overlapped_result: unsafe extern "system" fn(*const OVERLAPPED) -> i32,
    /// `WSAConnectByList`.
    pub wsa_connect_by_list: unsafe extern "system" fn(
        SOCKET,
        *const SOCKET_ADDRESS_LIST,
        *mut u32,
        *mut SOCKADDR,
        *mut u32,
        *mut SOCKADDR,
        *const TIMEVAL,
        *const OVERLAPPED,
    ) -> BOOL,
}

/// The emulator's C face ([`crate::sys`]); calls go to the thread's current network.
pub(crate) const EMULATED: Winsock = {
    use crate::sys;
    Winsock {
        startup: sys::WSAStartup,
        cleanup: sys::WSACleanup,
        get_last_error: sys::WSAGetLastError,
        set_last_error: sys::WSASetLastError,
        socket: sys::socket,
        wsa_socket_w: sys::WSASocketW,
        closesocket: sys::closesocket,
        wsa_duplicate_socket_w: sys::WSADuplicateSocketW,
        bind: sys::bind,
        listen: sys::listen,
        connect: sys::connect,
        accept: sys::accept,
        wsa_accept: sys::WSAAccept,
        set_peer_target_name: sys::WSASetSocketPeerTargetName,
        delete_peer_target_name: sys::WSADeleteSocketPeerTargetName,
        ioctl: sys::WSAIoctl,
        query_security: sys::WSAQuerySocketSecurity,
        impersonate_peer: sys::WSAImpersonateSocketPeer,
        revert_impersonation: sys::WSARevertImpersonation,
        send: sys::send,
        recv: sys::recv,
        sendto: sys::sendto,
        recvfrom: sys::recvfrom,
        wsa_send: sys::WSASend,
        wsa_recv: sys::WSARecv,
        wsa_recv_from: sys::WSARecvFrom,
        shutdown: sys::shutdown,
        ioctlsocket: sys::ioctlsocket,
        create_event: sys::WSACreateEvent,
        close_event: sys::WSACloseEvent,
        wait_for_multiple_events: sys::WSAWaitForMultipleEvents,
        get_overlapped_result: sys::WSAGetOverlappedResult,
        getaddrinfo: sys::getaddrinfo,
        freeaddrinfo: sys::freeaddrinfo,
        getnameinfo: sys::getnameinfo,
        gethostname: sys::gethostname,
        inet_pton: sys::inet_pton,
        inet_ntop: sys::inet_ntop,
        inet_addr: sys::inet_addr,
        wsa_string_to_address_w: sys::WSAStringToAddressW,
        wsa_address_to_string_w: sys::WSAAddressToStringW,
        wsa_connect_by_name_w: sys::WSAConnectByNameW,
        close_handle: sys::CloseHandle,
        create_io_completion_port: sys::CreateIoCompletionPort,
        post_queued_completion_status: sys::PostQueuedCompletionStatus,
        get_queued_completion_status: sys::GetQueuedCompletionStatus,
        cancel_io_ex: sys::CancelIoEx,
        set_file_completion_notification_modes: sys::SetFileCompletionNotificationModes,
        get_last_win32_error: sys::GetLastError,
        enum_protocols_w: sys::WSAEnumProtocolsW,
        getprotobyname: sys::getprotobyname,
        getprotobynumber: sys::getprotobynumber,
        cancel_blocking_call: sys::WSACancelBlockingCall,
        get_qos_by_name: sys::WSAGetQOSByName,
        wsa_send_msg: sys::WSASendMsg,
        getsockopt: sys::getsockopt,
        setsockopt: sys::setsockopt,
        getsockname: sys::getsockname,
        getpeername: sys::getpeername,
        select: sys::select,
        wsa_poll: sys::WSAPoll,
        event_select: sys::WSAEventSelect,
        enum_network_events: sys::WSAEnumNetworkEvents,
        send_disconnect: sys::WSASendDisconnect,
        recv_disconnect: sys::WSARecvDisconnect,
        recv_ex: sys::WSARecvEx,
        getservbyname: sys::getservbyname,
        getservbyport: sys::getservbyport,
        get_addr_info_ex_w: sys::GetAddrInfoExW,
        free_addr_info_ex_w: sys::FreeAddrInfoExW,
        get_addr_info_ex_cancel: sys::GetAddrInfoExCancel,
        get_addr_info_ex_overlapped_result: sys::GetAddrInfoExOverlappedResult,
        wsa_connect_by_list: sys::WSAConnectByList,
    }
};

/// The real Winsock of the running Windows, through windows-sys.
#[cfg(windows)]
pub(crate) const WINDOWS: Winsock = {
    use windows_sys::Win32::Networking::WinSock as ws;
    Winsock {
        startup: ws::WSAStartup,
        cleanup: ws::WSACleanup,
        get_last_error: ws::WSAGetLastError,
        set_last_error: ws::WSASetLastError,
        socket: ws::socket,
        wsa_socket_w: ws::WSASocketW,
        closesocket: ws::closesocket,
        wsa_duplicate_socket_w: ws::WSADuplicateSocketW,
        bind: ws::bind,
        listen: ws::listen,
        connect: ws::connect,
        accept: ws::accept,
        wsa_accept: ws::WSAAccept,
        set_peer_target_name: ws::WSASetSocketPeerTargetName,
        delete_peer_target_name: ws::WSADeleteSocketPeerTargetName,
        ioctl: ws::WSAIoctl,
        query_security: ws::WSAQuerySocketSecurity,
        impersonate_peer: ws::WSAImpersonateSocketPeer,
        revert_impersonation: ws::WSARevertImpersonation,
        send: ws::send,
        recv: ws::recv,
        sendto: ws::sendto,
        recvfrom: ws::recvfrom,
        wsa_send: ws::WSASend,
        wsa_recv: ws::WSARecv,
        wsa_recv_from: ws::WSARecvFrom,
        shutdown: ws::shutdown,
        ioctlsocket: ws::ioctlsocket,
        create_event: ws::WSACreateEvent,
        close_event: ws::WSACloseEvent,
        wait_for_multiple_events: ws::WSAWaitForMultipleEvents,
        get_overlapped_result: ws::WSAGetOverlappedResult,
        getaddrinfo: ws::getaddrinfo,
        freeaddrinfo: ws::freeaddrinfo,
        getnameinfo: ws::getnameinfo,
        gethostname: ws::gethostname,
        inet_pton: ws::inet_pton,
        inet_ntop: ws::inet_ntop,
        inet_addr: ws::inet_addr,
        wsa_string_to_address_w: ws::WSAStringToAddressW,
        wsa_address_to_string_w: ws::WSAAddressToStringW,
        wsa_connect_by_name_w: ws::WSAConnectByNameW,
        close_handle: windows_sys::Win32::Foundation::CloseHandle,
        create_io_completion_port: windows_sys::Win32::System::IO::CreateIoCompletionPort,
        post_queued_completion_status: windows_sys::Win32::System::IO::PostQueuedCompletionStatus,
        get_queued_completion_status: windows_sys::Win32::System::IO::GetQueuedCompletionStatus,
        cancel_io_ex: windows_sys::Win32::System::IO::CancelIoEx,
        set_file_completion_notification_modes:
            windows_sys::Win32::Storage::FileSystem::SetFileCompletionNotificationModes,
        get_last_win32_error: windows_sys::Win32::Foundation::GetLastError,
        enum_protocols_w: ws::WSAEnumProtocolsW,
        getprotobyname: ws::getprotobyname,
        getprotobynumber: ws::getprotobynumber,
        cancel_blocking_call: ws::WSACancelBlockingCall,
        get_qos_by_name: ws::WSAGetQOSByName,
        wsa_send_msg: ws::WSASendMsg,
        getsockopt: ws::getsockopt,
        setsockopt: ws::setsockopt,
        getsockname: ws::getsockname,
        getpeername: ws::getpeername,
        select: ws::select,
        wsa_poll: ws::WSAPoll,
        event_select: ws::WSAEventSelect,
        enum_network_events: ws::WSAEnumNetworkEvents,
        send_disconnect: ws::WSASendDisconnect,
        recv_disconnect: ws::WSARecvDisconnect,
        recv_ex: ws::WSARecvEx,
        getservbyname: ws::getservbyname,
        getservbyport: ws::getservbyport,
        get_addr_info_ex_w: ws::GetAddrInfoExW,
        free_addr_info_ex_w: ws::FreeAddrInfoExW,
        get_addr_info_ex_cancel: ws::GetAddrInfoExCancel,
        get_addr_info_ex_overlapped_result: ws::GetAddrInfoExOverlappedResult,
        wsa_connect_by_list: ws::WSAConnectByList,
    }
};

/// A copy of `bytes` in 8-byte-aligned storage, as C code expects a structure to be.
/// Returns the storage; its first `bytes.len()` bytes are `bytes`.
fn aligned(bytes: &[u8]) -> Vec<u64> {
    let mut storage = vec![0u64; bytes.len().div_ceil(8)];
    for (word, chunk) in storage.iter_mut().zip(bytes.chunks(8)) {
        let mut raw = [0u8; 8];
        raw[..chunk.len()].copy_from_slice(chunk);
        *word = u64::from_ne_bytes(raw);
    }
    storage
}

#[cfg(test)]
mod tests {
    use super::aligned;

    #[test]
    fn aligned_copies_keep_every_byte() {
        let bytes: Vec<u8> = (1..=13).collect();
        let storage = aligned(&bytes);
        assert_eq!(storage.len(), 2);
        let back: Vec<u8> = storage
            .iter()
            .flat_map(|word| word.to_ne_bytes())
            .take(13)
            .collect();
        assert_eq!(back, bytes);
        assert!(aligned(&[]).is_empty());
    }
}
