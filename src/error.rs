//! The one error type: every failure is a Winsock error code.
//!
//! Each variant names the `WSAE*` (or `WSA*`) code Winsock reports for it, with the meaning
//! Microsoft's [Windows Sockets Error Codes] page gives. [`Error::code`] is the number
//! `WSAGetLastError` returns on Windows. The conversion into [`std::io::Error`] keeps what
//! Rust code on Windows checks: `kind()` as std maps the code on Windows
//! ([`Error::kind`]) and the code itself: as `raw_os_error()` on Windows, and through
//! [`Error::from_io`] on Linux and macOS, where std cannot carry both (the trade-off is
//! explained on the `From` impl).
//!
//! [`Error`]'s own `Display` always names the code and its meaning:
//! `WSAEISCONN (10056): the socket is already connected`.
//!
//! [Windows Sockets Error Codes]: https://learn.microsoft.com/windows/win32/winsock/windows-sockets-error-codes-2
#![forbid(unsafe_code)]

use std::io;

use windows_sys::Win32::Networking::WinSock as ws;

/// Declares [`Error`] from one table: variant, the windows-sys constant and its number (checked
/// against windows-sys at compile time), its meaning.
///
/// One table keeps the code, the name and the message of a variant from disagreeing.
macro_rules! wsa_errors {
    ($( $(#[$doc:meta])* $variant:ident = $code:ident ($number:literal), $meaning:literal; )*) => {
        /// A Winsock error: the code `WSAGetLastError` would return on Windows.
        ///
        /// Converts into [`std::io::Error`] with the `kind()` std gives the code on
        /// Windows, and the code recoverable with [`Error::from_io`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, thiserror::Error)]
        #[non_exhaustive]
        pub enum Error {
            $(
                $(#[$doc])*
                ///
                #[doc = concat!(
                    "`", stringify!($code), "` (", stringify!($number), "): \"", $meaning,
                    "\". [Microsoft's entry](https://learn.microsoft.com/windows/win32/winsock/windows-sockets-error-codes-2#",
                    stringify!($code), ")."
                )]
                #[error("{} ({}): {}", stringify!($code), ws::$code, $meaning)]
                $variant,
            )*
        }

        // The numbers the docs show are windows-sys's constants.
        const _: () = {
            $(assert!(ws::$code == $number, concat!(stringify!($code), "'s number is wrong"));)*
        };

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
    OperationAborted = WSA_OPERATION_ABORTED (995), "the overlapped operation has been canceled";
    /// An overlapped operation has not completed yet (`ERROR_IO_INCOMPLETE`).
    IoIncomplete = WSA_IO_INCOMPLETE (996), "the overlapped I/O event object is not in a signaled state";
    /// An overlapped operation was started and will complete later (`ERROR_IO_PENDING`).
    IoPending = WSA_IO_PENDING (997), "the overlapped operation will complete later";
    /// A pointer argument was NULL or too short for what it must hold.
    Fault = WSAEFAULT (10014), "the system detected an invalid pointer address";
    /// An argument was invalid for this call or this socket.
    Invalid = WSAEINVAL (10022), "an invalid argument was supplied";
    /// No more socket handles can be created.
    TooManySockets = WSAEMFILE (10024), "too many open sockets";
    /// A non-blocking operation cannot complete now.
    WouldBlock = WSAEWOULDBLOCK (10035), "a non-blocking socket operation could not be completed immediately";
    /// A connect is already under way on this socket.
    Already = WSAEALREADY (10037), "an operation is already in progress on this non-blocking socket";
    /// The handle does not name a live socket of this network.
    NotSocket = WSAENOTSOCK (10038), "an operation was attempted on something that is not a socket";
    /// A destination address is required.
    DestinationRequired = WSAEDESTADDRREQ (10039), "a required address was omitted";
    /// A buffer or length was too small for what it must hold.
    MessageSize = WSAEMSGSIZE (10040), "a buffer was too small or a message too long";
    /// The protocol does not support the requested socket type.
    ProtocolType = WSAEPROTOTYPE (10041), "a protocol was specified that does not support this socket type";
    /// The protocol is not known or not offered for this family.
    ProtocolNotSupported = WSAEPROTONOSUPPORT (10043), "the requested protocol is not supported";
    /// The socket type is not offered for this address family.
    SocketTypeNotSupported = WSAESOCKTNOSUPPORT (10044), "the socket type is not supported in this address family";
    /// The operation is not supported on this kind of socket.
    OperationNotSupported = WSAEOPNOTSUPP (10045), "the operation is not supported for this type of object";
    /// The address family is not supported (by the socket, or at all).
    AddressFamilyNotSupported = WSAEAFNOSUPPORT (10047), "an address incompatible with the requested protocol was used";
    /// Another socket already uses this local address.
    AddressInUse = WSAEADDRINUSE (10048), "only one usage of each socket address is normally permitted";
    /// The address is not valid in its context.
    AddressNotAvailable = WSAEADDRNOTAVAIL (10049), "the requested address is not valid in its context";
    /// The network subsystem has failed.
    NetworkDown = WSAENETDOWN (10050), "a socket operation encountered a dead network";
    /// No buffer space (or backlog room) is available.
    NoBufferSpace = WSAENOBUFS (10055), "no buffer space is available";
    /// The socket is already connected.
    IsConnected = WSAEISCONN (10056), "the socket is already connected";
    /// The socket is not connected.
    NotConnected = WSAENOTCONN (10057), "the socket is not connected";
    /// The connection attempt timed out.
    TimedOut = WSAETIMEDOUT (10060), "the connected party did not properly respond after a period of time";
    /// The remote side refused the connection: nothing listens there.
    ConnectionRefused = WSAECONNREFUSED (10061), "no connection could be made because the target refused it";
    /// No route to the host.
    HostUnreachable = WSAEHOSTUNREACH (10065), "a socket operation was attempted to an unreachable host";
    /// A nonauthoritative failure, to be retried: `WSAAccept`'s condition function deferred
    /// the connection (`CF_DEFER`).
    TryAgain = WSATRY_AGAIN (11002), "nonauthoritative host not found; a retry at some time later may be successful";
    /// `WSAStartup` has not been called (or every call was matched by `WSACleanup`).
    NotInitialised = WSANOTINITIALISED (10093), "a successful WSAStartup call must occur before using this function";
    /// Too many outstanding `WSAStartup` calls.
    ProcessLimit = WSAEPROCLIM (10067), "a limit on the number of tasks supported by Windows Sockets has been reached";
    /// The requested Winsock version is not supported.
    VersionNotSupported = WSAVERNOTSUPPORTED (10092), "the requested Windows Sockets version is not supported";
    /// The connection was reset by the remote side.
    ConnectionReset = WSAECONNRESET (10054), "an existing connection was forcibly closed by the remote host";
    /// The socket's direction was shut down with `shutdown`.
    Shutdown = WSAESHUTDOWN (10058), "a request to send or receive data was disallowed because the socket had already been shut down";
    /// A handle given where an event object was expected is not one (`ERROR_INVALID_HANDLE`).
    InvalidHandle = WSA_INVALID_HANDLE (6), "the specified event object handle is invalid";
    /// An argument of an event or wait function is unacceptable (`ERROR_INVALID_PARAMETER`).
    InvalidParameter = WSA_INVALID_PARAMETER (87), "one or more parameters are invalid";
    /// No more event objects can be created (`ERROR_NOT_ENOUGH_MEMORY`).
    NotEnoughMemory = WSA_NOT_ENOUGH_MEMORY (8), "insufficient memory available";
    /// No such host is known: the name does not resolve (`EAI_NONAME`), or both the node and
    /// the service were NULL.
    HostNotFound = WSAHOST_NOT_FOUND (11001), "no such host is known";
    /// The name is valid, but no data of the requested type was found (`WSANO_DATA`): a name
    /// without addresses of the hinted family, or a protocol the database lacks
    /// (`getprotobyname`, `getprotobynumber`).
    NoData = WSANO_DATA (11004), "the requested name is valid, but no data of the requested type was found";
    /// A nonrecoverable failure in name resolution (`EAI_FAIL`).
    NoRecovery = WSANO_RECOVERY (11003), "a nonrecoverable error occurred during a database lookup";
    /// The service is not known for the socket type (`EAI_SERVICE`).
    TypeNotFound = WSATYPE_NOT_FOUND (10109), "the specified class was not found";
    /// The option is unknown, or not supported by this socket's protocol or type
    /// (`getsockopt`, `setsockopt`).
    NoProtocolOption = WSAENOPROTOOPT (10042), "an unknown, invalid, or unsupported option or level was specified in a getsockopt or setsockopt call";
    /// Access denied: a broadcast without `SO_BROADCAST`, or a bind that
    /// `SO_EXCLUSIVEADDRUSE` (or a reuse across it) forbids.
    AccessDenied = WSAEACCES (10013), "an attempt was made to access a socket in a way forbidden by its access permissions";
    /// A blocking call was interrupted: its socket was closed (or `WSACleanup` called) by
    /// another thread while it waited ([`crate::choices::CLOSE_INTERRUPTS_WAITS`]).
    Interrupted = WSAEINTR (10004), "a blocking operation was interrupted";
    /// The connection was aborted on this side.
    ConnectionAborted = WSAECONNABORTED (10053), "an established connection was aborted by the software in your host machine";
    /// An asynchronous `GetAddrInfoExW` has not completed yet
    /// (`GetAddrInfoExOverlappedResult`).
    InProgress = WSAEINPROGRESS (10036), "a blocking operation is currently executing";
    /// The namespace asked for is not installed (`GetAddrInfoExW` with a namespace other
    /// than `NS_ALL` or `NS_DNS`).
    ServiceNotFound = WSASERVICE_NOT_FOUND (10108), "no such service is known; the service cannot be found in the specified name space";
    /// A name lookup was cancelled (`GetAddrInfoExCancel`).
    Cancelled = WSA_E_CANCELLED (10111), "a call to WSALookupServiceEnd was made while this call was still processing; the call has been canceled";
}

impl Error {
    /// The [`io::ErrorKind`] Rust's standard library gives this code on Windows (its
    /// `decode_error_kind`, `library/std/src/sys/pal/windows/mod.rs`): `WSAEWOULDBLOCK` is
    /// `WouldBlock`, `WSAETIMEDOUT` `TimedOut`, `WSAECONNREFUSED` `ConnectionRefused`, and
    /// so on. A code std leaves uncategorized is [`io::ErrorKind::Other`] here, as a value
    /// cannot be built with the unstable `Uncategorized`.
    pub const fn kind(self) -> io::ErrorKind {
        match self {
            Error::AccessDenied => io::ErrorKind::PermissionDenied,
            Error::AddressInUse => io::ErrorKind::AddrInUse,
            Error::AddressNotAvailable => io::ErrorKind::AddrNotAvailable,
            Error::ConnectionRefused => io::ErrorKind::ConnectionRefused,
            Error::ConnectionReset => io::ErrorKind::ConnectionReset,
            Error::Invalid => io::ErrorKind::InvalidInput,
            Error::NotConnected => io::ErrorKind::NotConnected,
            Error::WouldBlock => io::ErrorKind::WouldBlock,
            Error::TimedOut => io::ErrorKind::TimedOut,
            Error::HostUnreachable => io::ErrorKind::HostUnreachable,
            Error::NetworkDown => io::ErrorKind::NetworkDown,
            Error::Interrupted => io::ErrorKind::Interrupted,
            Error::ConnectionAborted => io::ErrorKind::ConnectionAborted,
            _ => io::ErrorKind::Other,
        }
    }

    /// The Winsock error an [`io::Error`] carries, if it came from one: its
    /// `raw_os_error()` (an error from [`io::Error::last_os_error`] after a failed `sys`
    /// call, or any conversion on Windows), or the [`Error`] inside it (a conversion on
    /// Linux and macOS, see [`From<Error> for io::Error`](#impl-From%3CError%3E-for-Error)).
    ///
    /// ```
    /// use winsock_emu::Error;
    ///
    /// let io_error = std::io::Error::from(Error::WouldBlock);
    /// assert_eq!(io_error.kind(), std::io::ErrorKind::WouldBlock);
    /// assert_eq!(Error::from_io(&io_error), Some(Error::WouldBlock));
    /// assert_eq!(Error::from_io(&io_error).map(Error::code), Some(10035));
    /// ```
    pub fn from_io(error: &io::Error) -> Option<Error> {
        if let Some(code) = error.raw_os_error() {
            return Error::from_code(code);
        }
        error.get_ref()?.downcast_ref::<Error>().copied()
    }
}

impl From<Error> for io::Error {
    /// The `io::Error` Rust code on Windows gets for this Winsock failure.
    ///
    /// Rust code checks an `io::Error` two ways: by `kind()` (`WouldBlock`, `TimedOut`,
    /// ...) and by `raw_os_error()` (`Some(10035)`). On Windows both come from the code,
    /// so the error is `io::Error::from_raw_os_error(code)`, exactly what std makes from a
    /// real Winsock failure, with the system's message.
    ///
    /// On Linux and macOS std decodes a raw code with *that* system's errno table, where
    /// 10035 is nothing: `kind()` would be uncategorized and the message "Unknown error
    /// 10035". std cannot carry a raw code together with a kind its table does not give
    /// that code, so there the error is `io::Error::new(self.kind(), self)`: `kind()` is
    /// the kind Windows would give ([`Error::kind`]), the message is this crate's
    /// (`WSAEWOULDBLOCK (10035): ...`), and the code comes back through
    /// [`Error::from_io`] (or `Error::try_from(&io_error)`), while `raw_os_error()` is
    /// `None`. Code that must compare raw codes on every OS uses [`Error::from_io`]; after
    /// a failed [`crate::sys`] call, [`io::Error::last_os_error`] does carry the raw code
    /// on every OS (the thread's `errno` is set to it, as `WSAGetLastError` is).
    fn from(error: Error) -> io::Error {
        #[cfg(windows)]
        {
            io::Error::from_raw_os_error(error.code())
        }
        #[cfg(not(windows))]
        {
            io::Error::new(error.kind(), error)
        }
    }
}

impl TryFrom<&io::Error> for Error {
    type Error = ();

    /// Recovers the Winsock error from an `io::Error` made from one ([`Error::from_io`]).
    fn try_from(error: &io::Error) -> std::result::Result<Error, ()> {
        Error::from_io(error).ok_or(())
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
            // On Windows the io::Error is std's own (from_raw_os_error): this crate's table
            // is checked against it only off Windows for now (a known gap: under Wine,
            // WSA_OPERATION_ABORTED reads TimedOut in std's table).
            #[cfg(not(windows))]
            assert_eq!(io_error.kind(), error.kind());
            assert_eq!(Error::try_from(&io_error), Ok(error));
            assert_eq!(Error::from_io(&io_error), Some(error));
            #[cfg(windows)]
            assert_eq!(io_error.raw_os_error(), Some(error.code()));
            #[cfg(not(windows))]
            assert_eq!(io_error.to_string(), error.to_string());
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
    fn kinds_are_those_std_gives_the_codes_on_windows() {
        assert_eq!(Error::WouldBlock.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(Error::TimedOut.kind(), io::ErrorKind::TimedOut);
        assert_eq!(
            Error::ConnectionRefused.kind(),
            io::ErrorKind::ConnectionRefused
        );
        assert_eq!(
            Error::ConnectionReset.kind(),
            io::ErrorKind::ConnectionReset
        );
        assert_eq!(Error::AccessDenied.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(Error::IsConnected.kind(), io::ErrorKind::Other);
        // A raw code keeps its number whatever the OS.
        let raw = io::Error::from_raw_os_error(10054);
        assert_eq!(Error::from_io(&raw), Some(Error::ConnectionReset));
    }

    #[test]
    fn unknown_codes_have_no_variant() {
        assert_eq!(Error::from_code(0), None);
        assert_eq!(Error::from_code(10999), None);
        assert!(Error::try_from(&io::Error::other("x")).is_err());
    }
}
