//! The one error type: every failure is a Winsock error code.
//!
//! Each variant names the `WSAE*` (or `WSA*`) code Winsock reports for it, with the meaning
//! Microsoft's [Windows Sockets Error Codes] page gives. [`Error::code`] is the number
//! `WSAGetLastError` returns on Windows, and the conversion into [`std::io::Error`] carries
//! that number as its `raw_os_error()`, exactly as an `io::Error` built from a real Winsock
//! failure does on Windows.
//!
//! On Linux and macOS the OS has no message for `10056`, so an `io::Error` made from it
//! prints "Unknown error 10056". [`Error`]'s own `Display` therefore always names the code
//! and its meaning: `WSAEISCONN (10056): the socket is already connected`.
//!
//! [Windows Sockets Error Codes]: https://learn.microsoft.com/windows/win32/winsock/windows-sockets-error-codes-2
#![forbid(unsafe_code)]

use std::io;

use windows_sys::Win32::Networking::WinSock as ws;

/// Declares [`Error`] from one table: variant, the windows-sys constant, its name, its meaning.
///
/// One table keeps the code, the name and the message of a variant from disagreeing.
macro_rules! wsa_errors {
    ($( $(#[$doc:meta])* $variant:ident = $code:ident, $meaning:literal; )*) => {
        /// A Winsock error: the code `WSAGetLastError` would return on Windows.
        ///
        /// Converts into [`std::io::Error`] with `raw_os_error() == Some(self.code())`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, thiserror::Error)]
        #[non_exhaustive]
        pub enum Error {
            $(
                $(#[$doc])*
                #[error("{} ({}): {}", stringify!($code), ws::$code, $meaning)]
                $variant,
            )*
        }

        impl Error {
            /// Every variant; for tables, catalogues and property tests.
            pub const ALL: &'static [Error] = &[$(Error::$variant),*];

            /// The numeric Winsock code, as `WSAGetLastError` returns it.
            pub const fn code(self) -> i32 {
                match self {
                    $(Error::$variant => ws::$code,)*
                }
            }

            /// The constant's name, such as `"WSAEISCONN"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Error::$variant => stringify!($code),)*
                }
            }

            /// What the code means, in the words of Microsoft's error-code page.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(Error::$variant => $meaning,)*
                }
            }

            /// The variant for a Winsock code, or `None` for a code this crate never reports.
            pub const fn from_code(code: i32) -> Option<Error> {
                match code {
                    $(ws::$code => Some(Error::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

wsa_errors! {
    /// The operation was cancelled by the closing of its socket (`ERROR_OPERATION_ABORTED`).
    OperationAborted = WSA_OPERATION_ABORTED, "the overlapped operation has been canceled";
    /// An overlapped operation has not completed yet (`ERROR_IO_INCOMPLETE`).
    IoIncomplete = WSA_IO_INCOMPLETE, "the overlapped I/O event object is not in a signaled state";
    /// An overlapped operation was started and will complete later (`ERROR_IO_PENDING`).
    IoPending = WSA_IO_PENDING, "the overlapped operation will complete later";
    /// A pointer argument was NULL or too short for what it must hold.
    Fault = WSAEFAULT, "the system detected an invalid pointer address";
    /// An argument was invalid for this call or this socket.
    Invalid = WSAEINVAL, "an invalid argument was supplied";
    /// No more socket handles can be created.
    TooManySockets = WSAEMFILE, "too many open sockets";
    /// A non-blocking operation cannot complete now.
    WouldBlock = WSAEWOULDBLOCK, "a non-blocking socket operation could not be completed immediately";
    /// A connect is already under way on this socket.
    Already = WSAEALREADY, "an operation is already in progress on this non-blocking socket";
    /// The handle does not name a live socket of this network.
    NotSocket = WSAENOTSOCK, "an operation was attempted on something that is not a socket";
    /// A destination address is required.
    DestinationRequired = WSAEDESTADDRREQ, "a required address was omitted";
    /// A buffer or length was too small for what it must hold.
    MessageSize = WSAEMSGSIZE, "a buffer was too small or a message too long";
    /// The protocol does not support the requested socket type.
    ProtocolType = WSAEPROTOTYPE, "a protocol was specified that does not support this socket type";
    /// The protocol is not known or not offered for this family.
    ProtocolNotSupported = WSAEPROTONOSUPPORT, "the requested protocol is not supported";
    /// The socket type is not offered for this address family.
    SocketTypeNotSupported = WSAESOCKTNOSUPPORT, "the socket type is not supported in this address family";
    /// The operation is not supported on this kind of socket.
    OperationNotSupported = WSAEOPNOTSUPP, "the operation is not supported for this type of object";
    /// The address family is not supported (by the socket, or at all).
    AddressFamilyNotSupported = WSAEAFNOSUPPORT, "an address incompatible with the requested protocol was used";
    /// Another socket already uses this local address.
    AddressInUse = WSAEADDRINUSE, "only one usage of each socket address is normally permitted";
    /// The address is not valid in its context.
    AddressNotAvailable = WSAEADDRNOTAVAIL, "the requested address is not valid in its context";
    /// The network subsystem has failed.
    NetworkDown = WSAENETDOWN, "a socket operation encountered a dead network";
    /// No buffer space (or backlog room) is available.
    NoBufferSpace = WSAENOBUFS, "no buffer space is available";
    /// The socket is already connected.
    IsConnected = WSAEISCONN, "the socket is already connected";
    /// The socket is not connected.
    NotConnected = WSAENOTCONN, "the socket is not connected";
    /// The connection attempt timed out.
    TimedOut = WSAETIMEDOUT, "the connected party did not properly respond after a period of time";
    /// The remote side refused the connection: nothing listens there.
    ConnectionRefused = WSAECONNREFUSED, "no connection could be made because the target refused it";
    /// No route to the host.
    HostUnreachable = WSAEHOSTUNREACH, "a socket operation was attempted to an unreachable host";
    /// A nonauthoritative failure, to be retried: `WSAAccept`'s condition function deferred
    /// the connection (`CF_DEFER`).
    TryAgain = WSATRY_AGAIN, "nonauthoritative host not found; a retry at some time later may be successful";
    /// `WSAStartup` has not been called (or every call was matched by `WSACleanup`).
    NotInitialised = WSANOTINITIALISED, "a successful WSAStartup call must occur before using this function";
    /// Too many outstanding `WSAStartup` calls.
    ProcessLimit = WSAEPROCLIM, "a limit on the number of tasks supported by Windows Sockets has been reached";
    /// The requested Winsock version is not supported.
    VersionNotSupported = WSAVERNOTSUPPORTED, "the requested Windows Sockets version is not supported";
    /// The connection was reset by the remote side.
    ConnectionReset = WSAECONNRESET, "an existing connection was forcibly closed by the remote host";
    /// The socket's direction was shut down with `shutdown`.
    Shutdown = WSAESHUTDOWN, "a request to send or receive data was disallowed because the socket had already been shut down";
    /// A handle given where an event object was expected is not one (`ERROR_INVALID_HANDLE`).
    InvalidHandle = WSA_INVALID_HANDLE, "the specified event object handle is invalid";
    /// An argument of an event or wait function is unacceptable (`ERROR_INVALID_PARAMETER`).
    InvalidParameter = WSA_INVALID_PARAMETER, "one or more parameters are invalid";
    /// No more event objects can be created (`ERROR_NOT_ENOUGH_MEMORY`).
    NotEnoughMemory = WSA_NOT_ENOUGH_MEMORY, "insufficient memory available";
    /// A blocking call was interrupted: its socket was closed (or `WSACleanup` called) by
    /// another thread while it waited ([`crate::choices::CLOSE_INTERRUPTS_WAITS`]).
    Interrupted = WSAEINTR, "a blocking operation was interrupted";
    /// The connection was aborted on this side.
    ConnectionAborted = WSAECONNABORTED, "an established connection was aborted by the software in your host machine";
}

impl From<Error> for io::Error {
    /// An `io::Error` whose `raw_os_error()` is the Winsock code, as on Windows.
    fn from(error: Error) -> io::Error {
        io::Error::from_raw_os_error(error.code())
    }
}

impl TryFrom<&io::Error> for Error {
    type Error = ();

    /// Recovers the Winsock error from an `io::Error` made from one.
    fn try_from(error: &io::Error) -> std::result::Result<Error, ()> {
        error.raw_os_error().and_then(Error::from_code).ok_or(())
    }
}

/// The result of an emulated Winsock operation.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_code_and_meaning() {
        assert_eq!(
            Error::IsConnected.to_string(),
            "WSAEISCONN (10056): the socket is already connected"
        );
    }

    #[test]
    fn every_variant_round_trips_through_io_error() {
        for &error in Error::ALL {
            let io_error = io::Error::from(error);
            assert_eq!(io_error.raw_os_error(), Some(error.code()));
            assert_eq!(Error::try_from(&io_error), Ok(error));
            assert_eq!(Error::from_code(error.code()), Some(error));
            assert!(error
                .to_string()
                .starts_with(&format!("{} ({})", error.name(), error.code())));
        }
    }

    #[test]
    fn codes_are_the_documented_numbers() {
        assert_eq!(Error::NotSocket.code(), 10038);
        assert_eq!(Error::Fault.code(), 10014);
        assert_eq!(Error::Invalid.code(), 10022);
        assert_eq!(Error::MessageSize.code(), 10040);
        assert_eq!(Error::AddressFamilyNotSupported.code(), 10047);
        assert_eq!(Error::IsConnected.code(), 10056);
        assert_eq!(Error::NotInitialised.code(), 10093);
    }

    #[test]
    fn unknown_codes_have_no_variant() {
        assert_eq!(Error::from_code(0), None);
        assert_eq!(Error::from_code(10999), None);
        assert!(Error::try_from(&io::Error::other("x")).is_err());
    }
}
