//! An overlapped `WSASend` to a connection the peer does not read pends, and completes with
//! its whole count once the peer reads (docs/rules.md O10; Wine's test_send records it of
//! Windows). The connection is filled by overlapped sends until one pends, as much as the
//! backend's buffers take, bounded so a backend that never pends fails the case instead
//! of filling memory; every wait for the peer's bytes is a `select` with a timeout.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{SOCKET, WSA_IO_PENDING};

use crate::backend::{CallResult, Code, Completion, Overlapped};
use crate::conformance::session::Session;
use crate::conformance::{check_value, Case, Observed, Stopped, ValueMismatch};

/// The bytes of each overlapped send.
const CHUNK: usize = 65_536;

/// The most sends made before one must pend: 64 MiB, more than any stack's buffers.
const MOST_SENDS: usize = 1024;

/// How long the peer waits for the next bytes: (seconds, microseconds).
const WAIT: Option<(i32, i32)> = Some((5, 0));

/// Overlapped sends of [`CHUNK`] bytes on `client` until one pends: the bytes sent at
/// once before it, and its `OVERLAPPED`. A send that fails otherwise ends the case with
/// its result.
fn send_until_one_pends(
    s: &mut Session<'_>,
    client: SOCKET,
) -> Result<Result<(usize, Overlapped), CallResult>, Stopped> {
    let event = s.event()?;
    let chunk = vec![0x5a; CHUNK];
    let mut sent = 0;
    for _ in 0..MOST_SENDS {
        let (overlapped, result) =
            s.backend()
                .wsa_send_overlapped(client, &chunk, Completion::Event(event));
        match result {
            Ok(()) => sent += CHUNK,
            Err(Code(WSA_IO_PENDING)) => return Ok(Ok((sent, overlapped))),
            Err(error) => return Ok(Err(Err(error))),
        }
    }
    Err(Stopped::Value(ValueMismatch {
        result: Ok(()),
        what: "a send pended within 64 MiB (1: yes)",
        expected: 1,
        observed: 0,
    }))
}

/// Reads `len` bytes from `server`, each read after a `select` that bounds the wait (the
/// socket is made non-blocking, so a read after a wait that timed out fails, not hangs).
fn read_all(s: &mut Session<'_>, server: SOCKET, len: usize) -> Result<(), Stopped> {
    s.nonblocking(server)?;
    let mut got = 0;
    while got < len {
        s.required(
            "select(readable)",
            s.backend().select([&[server], &[], &[]], WAIT),
        )?;
        let bytes = s.required("recv()", s.backend().recv(server, u16::MAX))?;
        if bytes.is_empty() {
            break;
        }
        got += bytes.len();
    }
    check_value(Ok(()), "bytes the peer read", len as i64, got as i64)
}

/// The case's scenario: the pending send's result once the peer read everything, with its
/// count checked.
fn pends_until_the_peer_reads(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let (client, server) = s.tcp_pair4()?;
    let (sent, overlapped) = match send_until_one_pends(s, client)? {
        Ok(pending) => pending,
        Err(result) => return Ok(result),
    };
    read_all(s, server, sent + CHUNK)?;
    let result = s.backend().overlapped_result(client, overlapped, false);
    let count = result.map_or(-1, i64::from);
    check_value(result.map(drop), "bytes sent", CHUNK as i64, count)?;
    Ok(result.map(drop))
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[Case {
    id: "overlapped-send-pends-until-the-peer-reads",
    rule: "an overlapped WSASend to a connection whose peer does not read pends (WSA_IO_PENDING) once the buffers are full, and completes with its whole count when the peer reads",
    docs: &["O10"],
    checks: &[],
    choice: Some("pending-sends"),
    source: "WSASend: Remarks (overlapped sockets: WSA_IO_PENDING, the completion indicated later); Wine sock.c test_send (an overlapped WSASend of 1 MB pends and completes once the peer reads)",
    expected: Ok(()),
    scenario: pends_until_the_peer_reads,
}];
