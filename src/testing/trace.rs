//! Call traces: every call of one network, in order, with its thread, decoded arguments and
//! result, and ordering assertions that print the whole trace when they fail.
use std::fmt;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::Call;
use crate::error::Error;
use crate::Network;

/// One call in a [`Trace`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallRecord {
    /// Position in the network's call order, from 0.
    pub seq: u64,
    /// The calling thread: its name, or its id when it has none.
    pub thread: String,
    /// The function.
    pub call: Call,
    /// The socket it was called on, if any.
    pub socket: Option<SOCKET>,
    /// The address it named, if any: the local address of `bind`, the peer of `connect`,
    /// `sendto` and peer target names ([`CallRecord::address_label`] says which).
    pub peer: Option<SocketAddr>,
    /// The other arguments, decoded (names, protocols, versions, backlogs).
    pub args: String,
    /// What it returned: a description of the value, or the Winsock error.
    pub result: Result<String, Error>,
    /// Whether an injected [`Fault`](super::Fault) answered the call: its error, or (for a
    /// poisoned name) its answer.
    pub injected: bool,
    /// What the emulator knows about the result that its code does not say: why a secure
    /// connect failed ([`SecurityFailure`](super::SecurityFailure)), or that a `sys` call
    /// reached the process-wide network while this thread had a network of its own.
    pub note: Option<String>,
}

impl CallRecord {
    /// What [`CallRecord::peer`] is for this call: `"local"` for `bind`, `"to"` for
    /// `sendto`, `"peer"` otherwise.
    pub fn address_label(&self) -> &'static str {
        match self.call {
            Call::Bind => "local",
            Call::SendTo => "to",
            _ => "peer",
        }
    }

    /// The record as one JSON object on one line, for tools: `seq`, `thread`, `call`,
    /// `socket` (a number or `null`), the address under its label's key (`local`, `to` or
    /// `peer`, a string or `null`), `args`, then `ok` (the result's description) or
    /// `error` and `code`, then `injected` and `note`.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// net.start_trace();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// udp.bind("127.0.0.1:5000".parse().unwrap())?;
    /// let bind = net.trace().records()[2].to_json();
    /// assert!(bind.starts_with(r#"{"seq":2,"#));
    /// assert!(bind.contains(r#""call":"bind","socket":"#));
    /// assert!(bind.contains(r#""local":"127.0.0.1:5000""#));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = format!(
            "{{\"seq\":{},\"thread\":{},\"call\":{},\"socket\":{},\"{}\":{},\"args\":{},",
            self.seq,
            json_string(&self.thread),
            json_string(self.call.name()),
            self.socket.map_or_else(|| "null".into(), |s| s.to_string()),
            self.address_label(),
            self.peer
                .map_or_else(|| "null".into(), |p| json_string(&p.to_string())),
            json_string(&self.args),
        );
        match &self.result {
            Ok(value) => out.push_str(&format!("\"ok\":{},", json_string(value))),
            Err(error) => out.push_str(&format!(
                "\"error\":{},\"code\":{},",
                json_string(error.name()),
                error.code()
            )),
        }
        out.push_str(&format!(
            "\"injected\":{},\"note\":{}}}",
            self.injected,
            self.note
                .as_deref()
                .map_or_else(|| "null".into(), json_string)
        ));
        out
    }
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for CallRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:<3} [{}] {}(", self.seq, self.thread, self.call)?;
        let mut parts = Vec::new();
        if let Some(socket) = self.socket {
            parts.push(format!("s={socket:#x}"));
        }
        if let Some(peer) = self.peer {
            parts.push(format!("{}={peer}", self.address_label()));
        }
        if !self.args.is_empty() {
            parts.push(self.args.clone());
        }
        write!(f, "{})", parts.join(", "))?;
        match &self.result {
            Ok(value) if self.injected => write!(f, " -> {value} [injected]")?,
            Ok(value) => write!(f, " -> {value}")?,
            Err(error) if self.injected => write!(f, " -> {error} [injected]")?,
            Err(error) => write!(f, " -> {error}")?,
        }
        match &self.note {
            Some(note) => write!(f, "\n       why: {note}"),
            None => Ok(()),
        }
    }
}

/// The calls a network recorded while tracing, in order.
///
/// ```
/// use winsock_emu::testing::Call;
/// use winsock_emu::{Domain, Network, Type};
///
/// let net = Network::new();
/// net.start_trace();
/// let _wsa = net.startup()?;
/// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
/// let peer = "192.0.2.1:500".parse().unwrap();
/// udp.set_peer_target_name(peer, "host/peer")?;
/// udp.connect(peer)?;
/// let trace = net.trace();
/// trace.assert_before(
///     |c| c.call == Call::SetPeerTargetName && c.peer == Some(peer) && c.result.is_ok(),
///     |c| c.call == Call::Connect && c.peer == Some(peer),
/// );
/// println!("{trace}");
/// # Ok::<(), winsock_emu::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub(super) records: Vec<CallRecord>,
}

impl Trace {
    /// Every recorded call, in order.
    pub fn records(&self) -> &[CallRecord] {
        &self.records
    }

    /// The recorded calls of one function, in order.
    pub fn calls(&self, call: Call) -> impl Iterator<Item = &CallRecord> {
        self.records
            .iter()
            .filter(move |record| record.call == call)
    }

    /// The first call matching `predicate`.
    pub fn first(&self, predicate: impl Fn(&CallRecord) -> bool) -> Option<&CallRecord> {
        self.records.iter().find(|record| predicate(record))
    }

    /// Checks that some call matching `earlier` comes before the first call matching
    /// `later` (which must exist). On failure the message holds the whole trace.
    pub fn check_before(
        &self,
        earlier: impl Fn(&CallRecord) -> bool,
        later: impl Fn(&CallRecord) -> bool,
    ) -> Result<(), String> {
        let Some(later_at) = self.records.iter().position(&later) else {
            return Err(format!("no call matches the later condition\n{self}"));
        };
        match self.records.iter().position(&earlier) {
            Some(earlier_at) if earlier_at < later_at => Ok(()),
            Some(earlier_at) => Err(format!(
                "call #{} should come before call #{}, but comes after it\n{self}",
                self.records[earlier_at].seq, self.records[later_at].seq
            )),
            None => Err(format!(
                "no call matching the earlier condition comes before call #{}\n{self}",
                self.records[later_at].seq
            )),
        }
    }

    /// The trace as JSON lines, for tools: one [`CallRecord::to_json`] object a line.
    ///
    /// ```
    /// let net = winsock_emu::Network::new();
    /// net.start_trace();
    /// let _wsa = net.startup()?;
    /// let lines = net.trace().to_json_lines();
    /// assert_eq!(lines.lines().count(), 1);
    /// assert!(lines.contains(r#""call":"WSAStartup""#));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn to_json_lines(&self) -> String {
        let mut out = String::new();
        for record in &self.records {
            out.push_str(&record.to_json());
            out.push('\n');
        }
        out
    }

    /// [`Trace::check_before`], panicking with the whole trace on failure.
    #[track_caller]
    pub fn assert_before(
        &self,
        earlier: impl Fn(&CallRecord) -> bool,
        later: impl Fn(&CallRecord) -> bool,
    ) {
        if let Err(message) = self.check_before(earlier, later) {
            panic!("{message}");
        }
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "trace of {} calls:", self.records.len())?;
        for record in &self.records {
            writeln!(f, "  {record}")?;
        }
        Ok(())
    }
}

/// Prints a network's trace, the secure connects that failed and why, and the socket table
/// (the snapshot's `netstat`-style [`Display`](fmt::Display)) to the test's output if the
/// test panics while this guard lives; see [`Network::trace_on_failure`].
#[derive(Debug)]
#[must_use = "the trace is printed only while the guard lives"]
pub struct TraceOnFailure {
    pub(crate) network: Network,
}

impl Drop for TraceOnFailure {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "{}",
                super::failure_report(&self.network, &self.network.trace())
            );
        }
    }
}

/// The recording side of a network's trace.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    /// `Some` while tracing.
    records: Option<Vec<CallRecord>>,
    next_seq: u64,
}

impl Recorder {
    /// Starts recording (keeping what was recorded before).
    pub(crate) fn start(&mut self) {
        self.records.get_or_insert_with(Vec::new);
    }

    /// Stops recording; what was recorded stays readable.
    pub(crate) fn stop(&mut self) -> Trace {
        Trace {
            records: self.records.take().unwrap_or_default(),
        }
    }

    /// Whether calls are being recorded.
    pub(crate) fn is_recording(&self) -> bool {
        self.records.is_some()
    }

    /// A copy of what has been recorded.
    pub(crate) fn trace(&self) -> Trace {
        Trace {
            records: self.records.clone().unwrap_or_default(),
        }
    }

    /// Records a call, numbering it.
    pub(crate) fn record(&mut self, mut record: CallRecord) {
        if let Some(records) = &mut self.records {
            record.seq = self.next_seq;
            self.next_seq += 1;
            records.push(record);
        }
    }
}

/// The calling thread's name, or its id.
pub(crate) fn thread_label() -> String {
    let thread = std::thread::current();
    thread
        .name()
        .map_or_else(|| format!("{:?}", thread.id()), str::to_owned)
}
