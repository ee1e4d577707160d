//! `WSASendDisconnect` and `WSARecvDisconnect`: `shutdown(SD_SEND)` and
//! `shutdown(SD_RECEIVE)` with disconnect data, which TCP/IP does not carry
//! ([`crate::choices::DISCONNECT_DATA`]). Both are traced as [`Call::Shutdown`].
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{SD_RECEIVE, SD_SEND, SOCKET};

use crate::error::{Error, Result};
use crate::model::SocketTable;
use crate::testing::Call;

impl SocketTable {
    /// `WSASendDisconnect`: stops sending, as `shutdown(SD_SEND)` does (the peer's receives
    /// then end with 0 once drained). `data` is the length of the disconnect data given
    /// (`None`: a NULL *lpOutboundDisconnectData*); any is `WSAENOPROTOOPT`, as TCP/IP
    /// carries none, and the socket is unchanged.
    pub(crate) fn send_disconnect(&self, handle: SOCKET, data: Option<u32>) -> Result<()> {
        let args = || format!("how={SD_SEND} (WSASendDisconnect), data={data:?}");
        self.observe(Call::Shutdown, Some(handle), None, args, || {
            self.require_startup()?;
            self.with_socket(handle, |_| Ok(()))?;
            if data.is_some_and(|len| len > 0) {
                return Err(Error::NoProtocolOption);
            }
            self.shutdown_unobserved(handle, SD_SEND)
        })
    }

    /// `WSARecvDisconnect`: stops receiving, as `shutdown(SD_RECEIVE)` does; no disconnect
    /// data is ever received, so *lpInboundDisconnectData* is left as it is.
    pub(crate) fn recv_disconnect(&self, handle: SOCKET) -> Result<()> {
        let args = || format!("how={SD_RECEIVE} (WSARecvDisconnect)");
        self.observe(Call::Shutdown, Some(handle), None, args, || {
            self.shutdown_unobserved(handle, SD_RECEIVE)
        })
    }
}
