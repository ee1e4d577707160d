//! The second-bind table of "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE" (docs/rules.md
//! R1, R2; docs/options.md), every cell: a TCP socket with its option bound to the
//! wildcard or the loopback address, then a second one to the same port. Both binds are
//! made by the same user ([`crate::choices::ONE_USER_ACCOUNT`]).
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    SOCKET, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, SO_REUSEADDR, WSAEACCES, WSAEADDRINUSE,
};

use crate::backend::Code;
use crate::conformance::session::{addr, Session, Setup};
use crate::conformance::{Case, Observed};

/// A bind's option, as the page's rows and columns name it.
#[derive(Debug, Clone, Copy)]
enum Bind {
    Default,
    Reuse,
    Exclusive,
}

/// A TCP socket with `option` set, and the address it binds: the wildcard or loopback
/// address at `port`.
fn prepared(
    s: &mut Session<'_>,
    option: Bind,
    specific: bool,
    port: u16,
) -> Setup<(SOCKET, std::net::SocketAddr)> {
    let sock = s.tcp4()?;
    match option {
        Bind::Default => {}
        Bind::Reuse => s.option(sock, SOL_SOCKET, SO_REUSEADDR, 1)?,
        Bind::Exclusive => s.option(sock, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1)?,
    }
    let ip = if specific { "127.0.0.1" } else { "0.0.0.0" };
    Ok((
        sock,
        std::net::SocketAddr::new(addr(&format!("{ip}:0")).ip(), port),
    ))
}

/// One cell: the first bind (to a fresh port), then the second bind under test.
fn second_bind(s: &mut Session<'_>, first: (Bind, bool), second: (Bind, bool)) -> Observed {
    s.startup()?;
    let (one, at) = prepared(s, first.0, first.1, 0)?;
    s.bind(one, at)?;
    let port = s.local_addr(one)?.port();
    let (two, at) = prepared(s, second.0, second.1, port)?;
    Ok(s.backend().bind(two, at))
}

/// A case for one cell of the table.
macro_rules! cell {
    ($id:literal, $first:expr, $second:expr, $expected:expr) => {
        Case {
            id: $id,
            rule: concat!("a second bind to the same port: ", $id),
            docs: &["R1"],
            checks: &[],
            choice: Some("one-user-account"),
            source: "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE: the table for Windows Server 2003 and later, same user; sock.c test_reuseaddr",
            expected: $expected,
            scenario: |s| second_bind(s, $first, $second),
        }
    };
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    cell!("reuse-default-wildcard-then-default-wildcard", (Bind::Default, false), (Bind::Default, false), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-default-wildcard-then-default-specific", (Bind::Default, false), (Bind::Default, true), Ok(())),
    cell!("reuse-default-wildcard-then-reuse-wildcard", (Bind::Default, false), (Bind::Reuse, false), Err(Code(WSAEACCES))),
    cell!("reuse-default-wildcard-then-reuse-specific", (Bind::Default, false), (Bind::Reuse, true), Ok(())),
    cell!("reuse-default-wildcard-then-exclusive-wildcard", (Bind::Default, false), (Bind::Exclusive, false), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-default-wildcard-then-exclusive-specific", (Bind::Default, false), (Bind::Exclusive, true), Ok(())),
    cell!("reuse-default-specific-then-default-wildcard", (Bind::Default, true), (Bind::Default, false), Ok(())),
    cell!("reuse-default-specific-then-default-specific", (Bind::Default, true), (Bind::Default, true), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-default-specific-then-reuse-wildcard", (Bind::Default, true), (Bind::Reuse, false), Ok(())),
    cell!("reuse-default-specific-then-reuse-specific", (Bind::Default, true), (Bind::Reuse, true), Err(Code(WSAEACCES))),
    cell!("reuse-default-specific-then-exclusive-wildcard", (Bind::Default, true), (Bind::Exclusive, false), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-default-specific-then-exclusive-specific", (Bind::Default, true), (Bind::Exclusive, true), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-reuse-wildcard-then-default-wildcard", (Bind::Reuse, false), (Bind::Default, false), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-reuse-wildcard-then-default-specific", (Bind::Reuse, false), (Bind::Default, true), Ok(())),
    cell!("reuse-reuse-wildcard-then-reuse-wildcard", (Bind::Reuse, false), (Bind::Reuse, false), Ok(())),
    cell!("reuse-reuse-wildcard-then-reuse-specific", (Bind::Reuse, false), (Bind::Reuse, true), Ok(())),
    cell!("reuse-reuse-wildcard-then-exclusive-wildcard", (Bind::Reuse, false), (Bind::Exclusive, false), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-reuse-wildcard-then-exclusive-specific", (Bind::Reuse, false), (Bind::Exclusive, true), Ok(())),
    cell!("reuse-reuse-specific-then-default-wildcard", (Bind::Reuse, true), (Bind::Default, false), Ok(())),
    cell!("reuse-reuse-specific-then-default-specific", (Bind::Reuse, true), (Bind::Default, true), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-reuse-specific-then-reuse-wildcard", (Bind::Reuse, true), (Bind::Reuse, false), Ok(())),
    cell!("reuse-reuse-specific-then-reuse-specific", (Bind::Reuse, true), (Bind::Reuse, true), Ok(())),
    cell!("reuse-reuse-specific-then-exclusive-wildcard", (Bind::Reuse, true), (Bind::Exclusive, false), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-reuse-specific-then-exclusive-specific", (Bind::Reuse, true), (Bind::Exclusive, true), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-exclusive-wildcard-then-default-wildcard", (Bind::Exclusive, false), (Bind::Default, false), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-exclusive-wildcard-then-default-specific", (Bind::Exclusive, false), (Bind::Default, true), Err(Code(WSAEACCES))),
    cell!("reuse-exclusive-wildcard-then-reuse-wildcard", (Bind::Exclusive, false), (Bind::Reuse, false), Err(Code(WSAEACCES))),
    cell!("reuse-exclusive-wildcard-then-reuse-specific", (Bind::Exclusive, false), (Bind::Reuse, true), Err(Code(WSAEACCES))),
    cell!("reuse-exclusive-wildcard-then-exclusive-wildcard", (Bind::Exclusive, false), (Bind::Exclusive, false), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-exclusive-wildcard-then-exclusive-specific", (Bind::Exclusive, false), (Bind::Exclusive, true), Err(Code(WSAEACCES))),
    cell!("reuse-exclusive-specific-then-default-wildcard", (Bind::Exclusive, true), (Bind::Default, false), Ok(())),
    cell!("reuse-exclusive-specific-then-default-specific", (Bind::Exclusive, true), (Bind::Default, true), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-exclusive-specific-then-reuse-wildcard", (Bind::Exclusive, true), (Bind::Reuse, false), Ok(())),
    cell!("reuse-exclusive-specific-then-reuse-specific", (Bind::Exclusive, true), (Bind::Reuse, true), Err(Code(WSAEACCES))),
    cell!("reuse-exclusive-specific-then-exclusive-wildcard", (Bind::Exclusive, true), (Bind::Exclusive, false), Err(Code(WSAEADDRINUSE))),
    cell!("reuse-exclusive-specific-then-exclusive-specific", (Bind::Exclusive, true), (Bind::Exclusive, true), Err(Code(WSAEADDRINUSE))),
    Case {
        id: "reuse-connection-goes-to-the-specific-socket",
        rule: "with a wildcard and a loopback listener on one port, a connect to loopback reaches the loopback one",
        docs: &["R2"],
        checks: &[],
        choice: None,
        source: "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE; sock.c test_reuseaddr (the more specific socket)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let wildcard = s.tcp4()?;
            s.bind(wildcard, addr("0.0.0.0:0"))?;
            let port = s.local_addr(wildcard)?.port();
            s.listen(wildcard)?;
            s.nonblocking(wildcard)?;
            let specific = s.tcp4()?;
            let loopback = std::net::SocketAddr::new(addr("127.0.0.1:0").ip(), port);
            // The bind of the specific address is part of what is checked (the page's
            // table: a specific bind after a wildcard one succeeds), not setup: a Winsock
            // that refuses it gives its own code as the result.
            if let Err(refused) = s.backend().bind(specific, loopback) {
                return Ok(Err(refused));
            }
            s.listen(specific)?;
            s.nonblocking(specific)?;
            let client = s.tcp4()?;
            s.connect_to(client, loopback)?;
            let taken = s.backend().accept(specific);
            if let Ok(accepted) = taken {
                s.keep(accepted);
            }
            Ok(taken.map(drop))
        },
    },
];
