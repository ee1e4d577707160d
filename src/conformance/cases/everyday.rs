//! The everyday functions (docs/rules.md N10-N12, R23-R25, R27): `WSASendDisconnect`,
//! `WSARecvDisconnect`, `WSARecvEx`, `getservbyname`, `getservbyport`, `GetAddrInfoExW`
//! (synchronous and with an event) and `WSAConnectByList`, with names and addresses that
//! exist on every Windows (`localhost`, loopback, the services file's common ports).
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    MSG_PARTIAL, NS_DNS, NS_X500, WSAECONNREFUSED, WSAEINVAL, WSAENOPROTOOPT, WSAENOTCONN,
    WSAESHUTDOWN, WSANO_DATA, WSASERVICE_NOT_FOUND, WSA_IO_PENDING,
};

use super::sockaddr;
use crate::backend::{CallResult, Code, Service};
use crate::conformance::session::addr;
use crate::conformance::{check_value, Case, Observed};

/// A service answer's result, with its port and protocol checked.
fn service_as(result: CallResult<Service>, port: u16, proto: &str) -> Observed {
    let outcome = result.as_ref().map(drop).map_err(|code| *code);
    if let Ok(service) = &result {
        check_value(outcome, "s_port", i64::from(port), i64::from(service.port))?;
        check_value(
            outcome,
            "s_proto is the asked one",
            1,
            i64::from(service.proto == proto),
        )?;
    }
    Ok(outcome)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "send-disconnect-ends-sending",
        rule: "after WSASendDisconnect(s, NULL), send fails with WSAESHUTDOWN and the peer reads 0",
        docs: &["N10"],
        checks: &[],
        choice: None,
        source: "WSASendDisconnect: Remarks (equivalent to shutdown(SD_SEND); subsequent sends are disallowed)",
        expected: Err(Code(WSAESHUTDOWN)),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            let done = s.backend().send_disconnect(client, None);
            if done.is_err() {
                return Ok(done);
            }
            let read = s.backend().recv(accepted, 8).map(|bytes| bytes.len() as i64);
            check_value(Ok(()), "the peer reads 0", 0, read.unwrap_or(-1))?;
            Ok(s.backend().send(client, b"x").map(drop))
        },
    },
    Case {
        id: "send-disconnect-data-refused",
        rule: "WSASendDisconnect with disconnect data on TCP is WSAENOPROTOOPT, and sending still works",
        docs: &["N10"],
        checks: &[],
        choice: Some("disconnect-data"),
        source: "WSASendDisconnect: Return value, WSAENOPROTOOPT; Remarks (TCP/IP does not support disconnect data)",
        expected: Err(Code(WSAENOPROTOOPT)),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            let refused = s.backend().send_disconnect(client, Some(b"reason"));
            let sent = s.backend().send(client, b"x").map(|n| n as i64);
            check_value(refused, "send after the refusal", 1, sent.unwrap_or(-1))?;
            Ok(refused)
        },
    },
    Case {
        id: "send-disconnect-unconnected",
        rule: "WSASendDisconnect on an unconnected stream socket is WSAENOTCONN",
        docs: &["N10"],
        checks: &[],
        choice: None,
        source: "WSASendDisconnect: Return value, WSAENOTCONN",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(s.backend().send_disconnect(tcp, None))
        },
    },
    Case {
        id: "recv-disconnect-ends-receiving",
        rule: "after WSARecvDisconnect(s, NULL), recv fails with WSAESHUTDOWN",
        docs: &["N11"],
        checks: &[],
        choice: None,
        source: "WSARecvDisconnect: Remarks (equivalent to shutdown(SD_RECEIVE)); WSARecvEx: Return value, WSAESHUTDOWN",
        expected: Err(Code(WSAESHUTDOWN)),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            let done = s.backend().recv_disconnect(client);
            if done.is_err() {
                return Ok(done);
            }
            Ok(s.backend().recv(client, 8).map(drop))
        },
    },
    Case {
        id: "recv-ex-partial-datagram",
        rule: "WSARecvEx of a datagram longer than the buffer returns len bytes with MSG_PARTIAL",
        docs: &["N12"],
        checks: &[],
        choice: Some("recvex-partial"),
        source: "WSARecvEx: Return value (MSG_PARTIAL set when a partial message was received)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (receiver, at) = s.udp4_at("127.0.0.1:0")?;
            let sender = s.udp4()?;
            s.sent_to(sender, b"0123456789", &sockaddr(&at.to_string()))?;
            let got = s.backend().recv_ex(receiver, 4);
            let outcome = got.as_ref().map(drop).map_err(|code| *code);
            let (bytes, flags) = got.unwrap_or_default();
            check_value(outcome, "bytes returned", 4, bytes.len() as i64)?;
            check_value(outcome, "MSG_PARTIAL", i64::from(MSG_PARTIAL), i64::from(flags))?;
            Ok(outcome)
        },
    },
    Case {
        id: "recv-ex-stream-no-partial",
        rule: "WSARecvEx on a stream behaves as recv, and never sets MSG_PARTIAL",
        docs: &["N12"],
        checks: &[],
        choice: None,
        source: "WSARecvEx: Return value (for a stream, MSG_PARTIAL is never set)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            s.sent(client, b"abcdef")?;
            let got = s.backend().recv_ex(accepted, 3);
            let outcome = got.as_ref().map(drop).map_err(|code| *code);
            let (bytes, flags) = got.unwrap_or_default();
            check_value(outcome, "bytes returned", 3, bytes.len() as i64)?;
            check_value(outcome, "flags", 0, i64::from(flags))?;
            Ok(outcome)
        },
    },
    Case {
        id: "recv-ex-stream-zero-length",
        rule: "WSARecvEx on a stream with len 0 is WSAEINVAL",
        docs: &["N12"],
        checks: &[],
        choice: Some("recvex-partial"),
        source: "WSARecvEx: Return value, WSAEINVAL (for byte stream sockets only, len was zero or negative)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            Ok(s.backend().recv_ex(client, 0).map(drop))
        },
    },
    Case {
        id: "getservbyname-http",
        rule: "getservbyname(\"http\", \"tcp\") is port 80 over tcp",
        docs: &["R23"],
        checks: &[],
        choice: Some("service-database"),
        source: "getservbyname: Return value; %WINDIR%\\system32\\drivers\\etc\\services",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            service_as(s.backend().service_by_name(c"http", Some(c"tcp")), 80, "tcp")
        },
    },
    Case {
        id: "getservbyname-unknown",
        rule: "a service the database lacks is NULL with WSANO_DATA",
        docs: &["R23"],
        checks: &[],
        choice: Some("service-database"),
        source: "getservbyname: Return value, WSANO_DATA",
        expected: Err(Code(WSANO_DATA)),
        scenario: |s| {
            s.startup()?;
            Ok(s.backend().service_by_name(c"no-such-service", None).map(drop))
        },
    },
    Case {
        id: "getservbyport-domain-udp",
        rule: "getservbyport(htons(53), \"udp\") is domain over udp",
        docs: &["R23"],
        checks: &[],
        choice: Some("service-database"),
        source: "getservbyport: Return value; the services file",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            service_as(s.backend().service_by_port(53, Some(c"udp")), 53, "udp")
        },
    },
    Case {
        id: "getaddrinfoex-localhost",
        rule: "GetAddrInfoExW(\"localhost\", NS_DNS) answers loopback addresses with the service's port",
        docs: &["R24"],
        checks: &[],
        choice: Some("getaddrinfoex-arguments"),
        source: "GetAddrInfoExW: Remarks (localhost returns all loopback addresses)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let found = s.backend().get_addr_info_ex(Some("localhost"), Some("443"), NS_DNS);
            let outcome = found.as_ref().map(drop).map_err(|code| *code);
            let all = found.unwrap_or_default();
            let loopback = !all.is_empty()
                && all
                    .iter()
                    .all(|a| a.ip().is_loopback() && a.port() == 443);
            check_value(outcome, "loopback addresses on port 443", 1, i64::from(loopback))?;
            Ok(outcome)
        },
    },
    Case {
        id: "getaddrinfoex-namespace-not-installed",
        rule: "GetAddrInfoExW in a namespace no provider installs (NS_X500) is WSASERVICE_NOT_FOUND",
        docs: &["R24"],
        checks: &[],
        choice: Some("getaddrinfoex-arguments"),
        source: "GetAddrInfoExW: Return value, WSASERVICE_NOT_FOUND (the namespace is not installed)",
        expected: Err(Code(WSASERVICE_NOT_FOUND)),
        scenario: |s| {
            s.startup()?;
            Ok(s
                .backend()
                .get_addr_info_ex(Some("localhost"), None, NS_X500)
                .map(drop))
        },
    },
    Case {
        id: "getaddrinfoex-event",
        rule: "GetAddrInfoExW with an OVERLAPPED and an event completes with 0 and a list of loopback addresses",
        docs: &["R25"],
        checks: &[],
        choice: Some("getaddrinfoex-async"),
        source: "GetAddrInfoExW: lpOverlapped; GetAddrInfoExOverlappedResult: Return value",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let done = s.backend().get_addr_info_ex_event("localhost");
            let (call, result, found) = done.unwrap_or((-1, -1, Vec::new()));
            // The page lets a lookup complete at once (0) or pend; the emulator always pends
            // (choice getaddrinfoex-async), either way the result and the list are the same.
            let pended_or_done = call == WSA_IO_PENDING || call == 0;
            check_value(Ok(()), "GetAddrInfoExW pends or completes", 1, i64::from(pended_or_done))?;
            check_value(Ok(()), "overlapped result", 0, i64::from(result))?;
            let loopback = !found.is_empty() && found.iter().all(|a| a.ip().is_loopback());
            check_value(Ok(()), "loopback addresses", 1, i64::from(loopback))?;
            Ok(Ok(()))
        },
    },
    Case {
        id: "connect-by-list-first-that-accepts",
        rule: "WSAConnectByList connects to the address of the list that accepts, after one that refuses",
        docs: &["R27"],
        checks: &[],
        choice: Some("connect-by-list"),
        source: "WSAConnectByList: Return value (TRUE, RemoteAddress filled in); Remarks",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (listener, at) = s.listener4()?;
            s.keep(listener);
            let client = s.tcp4()?;
            let refused = addr("127.0.0.1:1");
            let got = s.backend().connect_by_list(client, &[refused, at]);
            let outcome = got.as_ref().map(drop).map_err(|code| *code);
            check_value(outcome, "remote port", i64::from(at.port()), got.map_or(0, |a| i64::from(a.port())))?;
            Ok(outcome)
        },
    },
    Case {
        id: "connect-by-list-last-error",
        rule: "when no address of the list accepts, WSAConnectByList fails with the last attempt's error",
        docs: &["R27"],
        checks: &[],
        choice: Some("connect-by-list"),
        source: "WSAConnectByList: Remarks (the error code from the last connection attempt)",
        expected: Err(Code(WSAECONNREFUSED)),
        scenario: |s| {
            s.startup()?;
            let client = s.tcp4()?;
            let list = [addr("127.0.0.1:1"), addr("127.0.0.1:2")];
            Ok(s.backend().connect_by_list(client, &list).map(drop))
        },
    },
];
