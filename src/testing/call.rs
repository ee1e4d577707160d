//! [`Call`]: which Winsock function a traced call or a fault rule speaks of.
use std::fmt;

/// A Winsock function, as faults and traces name it.
///
/// A function and its variants share one name where they reach the same operation:
/// `connect` and `WSAConnect` are both [`Call::Connect`], `socket` and `WSASocketW` both
/// [`Call::Socket`], and `WSAIoctl(SIO_SET_PEER_TARGET_NAME)` is
/// [`Call::SetPeerTargetName`], as the seed says the function "simplifies" that ioctl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Call {
    /// `WSAStartup`.
    Startup,
    /// `WSACleanup`.
    Cleanup,
    /// `socket`, `WSASocketW`.
    Socket,
    /// `bind`.
    Bind,
    /// `listen`.
    Listen,
    /// `accept`, `WSAAccept`.
    Accept,
    /// `connect`, `WSAConnect`.
    Connect,
    /// `closesocket`.
    CloseSocket,
    /// `WSASetSocketPeerTargetName`, `WSAIoctl(SIO_SET_PEER_TARGET_NAME)`.
    SetPeerTargetName,
    /// `WSADeleteSocketPeerTargetName`, `WSAIoctl(SIO_DELETE_PEER_TARGET_NAME)`.
    DeletePeerTargetName,
    /// `WSASetSocketSecurity`, `WSAIoctl(SIO_SET_SECURITY)`.
    SetSocketSecurity,
    /// `WSAQuerySocketSecurity`, `WSAIoctl(SIO_QUERY_SECURITY)`.
    QuerySocketSecurity,
    /// `WSAImpersonateSocketPeer`.
    ImpersonateSocketPeer,
    /// `send`, `WSASend` (and `sendto` on a connected socket).
    Send,
    /// `sendto`, `WSASendTo`.
    SendTo,
    /// `recv`, `recvfrom`, `WSARecv`, `WSARecvFrom`, `WSARecvEx`.
    Recv,
    /// `shutdown`, `WSASendDisconnect`, `WSARecvDisconnect`.
    Shutdown,
    /// `WSARevertImpersonation`.
    RevertImpersonation,
    /// `WSAIoctl(SIO_UDP_CONNRESET)`: port-unreachable reporting on a UDP socket.
    UdpConnReset,
    /// `getaddrinfo`, `GetAddrInfoW`, `GetAddrInfoExW`, and the name lookups of `gethostbyname`,
    /// `WSAConnectByNameW`/`A` and [`Network::resolve`](crate::Network::resolve).
    GetAddrInfo,
    /// `getnameinfo`, `GetNameInfoW`, `gethostbyaddr`.
    GetNameInfo,
    /// `freeaddrinfo`, `FreeAddrInfoW`, `FreeAddrInfoExW`.
    FreeAddrInfo,
    /// `getsockopt`.
    GetSockOpt,
    /// `setsockopt`.
    SetSockOpt,
    /// `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)`.
    GetExtensionFunctionPointer,
}

impl Call {
    /// The Windows function's name.
    pub const fn name(self) -> &'static str {
        match self {
            Call::Startup => "WSAStartup",
            Call::Cleanup => "WSACleanup",
            Call::Socket => "socket",
            Call::Bind => "bind",
            Call::Listen => "listen",
            Call::Accept => "accept",
            Call::Connect => "connect",
            Call::CloseSocket => "closesocket",
            Call::SetPeerTargetName => "WSASetSocketPeerTargetName",
            Call::DeletePeerTargetName => "WSADeleteSocketPeerTargetName",
            Call::SetSocketSecurity => "WSASetSocketSecurity",
            Call::QuerySocketSecurity => "WSAQuerySocketSecurity",
            Call::ImpersonateSocketPeer => "WSAImpersonateSocketPeer",
            Call::Send => "send",
            Call::SendTo => "sendto",
            Call::Recv => "recv",
            Call::Shutdown => "shutdown",
            Call::RevertImpersonation => "WSARevertImpersonation",
            Call::UdpConnReset => "WSAIoctl(SIO_UDP_CONNRESET)",
            Call::GetAddrInfo => "getaddrinfo",
            Call::GetNameInfo => "getnameinfo",
            Call::FreeAddrInfo => "freeaddrinfo",
            Call::GetSockOpt => "getsockopt",
            Call::SetSockOpt => "setsockopt",
            Call::GetExtensionFunctionPointer => "WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)",
        }
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
