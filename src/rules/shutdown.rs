//! The documented rule of a stream socket's receive shutdown ([shutdown], Remarks; the same
//! for [WSARecvDisconnect]). `docs/rules.md` lists it with its test.
//!
//! [shutdown]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-shutdown
//! [WSARecvDisconnect]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsarecvdisconnect
#![forbid(unsafe_code)]

/// "For TCP sockets, if there is still data queued on the socket waiting to be received, or
/// data arrives subsequently, the connection is reset, since the data cannot be delivered
/// to the user": whether a connected stream socket whose receive side is shut down, with
/// `data` bytes waiting or arriving, resets its connection
/// ([`crate::choices::RECEIVE_SHUTDOWN_RESETS`]). Source: [shutdown].
///
/// [shutdown]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-shutdown
pub fn receive_shutdown_resets(stream: bool, receive_shut: bool, data: usize) -> bool {
    stream && receive_shut && data > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stream_data_after_the_receive_shutdown_resets() {
        assert!(receive_shutdown_resets(true, true, 1));
        assert!(!receive_shutdown_resets(true, true, 0));
        assert!(!receive_shutdown_resets(true, false, 5));
        assert!(!receive_shutdown_resets(false, true, 5));
    }
}
