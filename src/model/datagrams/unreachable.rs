//! `WSAIoctl(SIO_UDP_CONNRESET)`: whether a UDP socket's receives report the ICMP Port
//! Unreachable its datagrams drew ([`crate::choices::UDP_PORT_UNREACHABLE`],
//! [`crate::choices::UDP_CONNRESET_CONTROL`]).
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCK_DGRAM};

use crate::error::{Error, Result};
use crate::model::socket::Queued;
use crate::model::SocketTable;
use crate::testing::Call;

impl SocketTable {
    /// `WSAIoctl(SIO_UDP_CONNRESET)`, observed: `report` is the input `BOOL` (`None`: the
    /// input buffer is NULL or shorter than 4 bytes).
    pub(crate) fn set_port_unreachable_reports(
        &self,
        handle: SOCKET,
        report: Option<bool>,
    ) -> Result<()> {
        let args = || match report {
            Some(report) => format!("report={report}"),
            None => "input=<NULL or short>".into(),
        };
        self.observe(Call::UdpConnReset, Some(handle), None, args, || {
            self.set_port_unreachable_reports_unobserved(handle, report)
        })
    }

    /// Errors, in order: `WSAEFAULT` (no whole `BOOL`), `WSAEINVAL` (not a UDP socket: a
    /// datagram socket of an IP family). Turning reporting off discards the notifications
    /// already queued; turning it on reports only those of later sends.
    fn set_port_unreachable_reports_unobserved(
        &self,
        handle: SOCKET,
        report: Option<bool>,
    ) -> Result<()> {
        self.with_socket(handle, |entry| {
            let report = report.ok_or(Error::Fault)?;
            if entry.kind.socket_type != SOCK_DGRAM || !entry.is_ip() {
                return Err(Error::Invalid);
            }
            if report && entry.io.is_none() {
                return Ok(());
            }
            let io = entry.io_mut();
            io.unreachable_unreported = !report;
            if !report {
                io.datagrams.retain(Queued::is_datagram);
            }
            Ok(())
        })
    }
}
