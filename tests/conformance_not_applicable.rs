//! A backend without the optional `Deferral` capability (as real Windows is): the cases
//! about pending operations (O4-O8) are `n/a` there, with their reason, neither passed nor
//! failed, and shown in the text and JSON reports; every other case runs as on the
//! emulator.

mod common;

use std::net::SocketAddr;
use std::sync::OnceLock;

use winsock_emu::backend::{
    Accepted, Accepting, AddrInfoHints, AddrInfoList, Backend, BackendKind, Buffer, CallResult,
    Completion, Dequeued, Emulator, Enumerated, GotOption, Named, Overlapped, Parsed, Queried,
    ReceivedMsg, Selected, Service,
};
use winsock_emu::conformance::{self, cases, Stopped, Verdict};
use winsock_emu::sys::{SOCKET, WSAEVENT};

/// The emulator with its `Deferral` hidden: every call is the emulator's, but
/// `deferral()` is the trait's default, `None`.
struct WithoutDeferral(Emulator);

impl Backend for WithoutDeferral {
    fn kind(&self) -> BackendKind {
        self.0.kind()
    }
    fn startup(&self, version: u16) -> CallResult<u16> {
        self.0.startup(version)
    }
    fn cleanup(&self) -> CallResult {
        self.0.cleanup()
    }
    fn last_error(&self) -> i32 {
        self.0.last_error()
    }
    fn set_last_error(&self, code: i32) {
        self.0.set_last_error(code)
    }
    fn socket(&self, af: u16, socket_type: i32, protocol: i32) -> CallResult<SOCKET> {
        self.0.socket(af, socket_type, protocol)
    }
    fn wsa_socket(&self, af: u16, ty: i32, protocol: i32, flags: u32) -> CallResult<SOCKET> {
        self.0.wsa_socket(af, ty, protocol, flags)
    }
    fn close(&self, s: SOCKET) -> CallResult {
        self.0.close(s)
    }
    fn bind(&self, s: SOCKET, addr: SocketAddr) -> CallResult {
        self.0.bind(s, addr)
    }
    fn local_addr(&self, s: SOCKET) -> CallResult<SocketAddr> {
        self.0.local_addr(s)
    }
    fn peer_addr(&self, s: SOCKET) -> CallResult<SocketAddr> {
        self.0.peer_addr(s)
    }
    fn local_name(&self, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named {
        self.0.local_name(s, buffer, namelen)
    }
    fn peer_name(&self, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named {
        self.0.peer_name(s, buffer, namelen)
    }
    fn wsa_send_msg(
        &self,
        s: SOCKET,
        msg: Option<(Option<SocketAddr>, &[&[u8]])>,
    ) -> CallResult<u32> {
        self.0.wsa_send_msg(s, msg)
    }
    fn wsa_recv_msg(&self, s: SOCKET, msg: bool, capacity: u16, control: u16) -> ReceivedMsg {
        self.0.wsa_recv_msg(s, msg, capacity, control)
    }
    fn get_option(&self, s: SOCKET, level: i32, name: i32, len: i32) -> GotOption {
        self.0.get_option(s, level, name, len)
    }
    fn set_option(
        &self,
        s: SOCKET,
        level: i32,
        name: i32,
        value: Option<&[u8]>,
        len: i32,
    ) -> CallResult {
        self.0.set_option(s, level, name, value, len)
    }
    fn listen(&self, s: SOCKET, backlog: i32) -> CallResult {
        self.0.listen(s, backlog)
    }
    fn connect(&self, s: SOCKET, addr: SocketAddr) -> CallResult {
        self.0.connect(s, addr)
    }
    fn accept(&self, s: SOCKET) -> CallResult<SOCKET> {
        self.0.accept(s)
    }
    fn set_peer_target_name(&self, s: SOCKET, name: Buffer<'_>) -> CallResult {
        self.0.set_peer_target_name(s, name)
    }
    fn set_peer_target_name_with_overlapped(&self, s: SOCKET, name: Buffer<'_>) -> CallResult {
        self.0.set_peer_target_name_with_overlapped(s, name)
    }
    fn delete_peer_target_name(&self, s: SOCKET, addr: Buffer<'_>) -> CallResult {
        self.0.delete_peer_target_name(s, addr)
    }
    fn ioctl(&self, s: SOCKET, code: u32, input: Buffer<'_>) -> CallResult<u32> {
        self.0.ioctl(s, code, input)
    }
    fn close_handle(&self, handle: u64) -> CallResult {
        self.0.close_handle(handle)
    }
    fn create_port(&self) -> CallResult<u64> {
        self.0.create_port()
    }
    fn associate_port(&self, s: SOCKET, port: u64, key: usize) -> CallResult<u64> {
        self.0.associate_port(s, port, key)
    }
    fn wsa_recv_overlapped(
        &self,
        s: SOCKET,
        capacity: u16,
        completion: Completion,
    ) -> (Overlapped, CallResult) {
        self.0.wsa_recv_overlapped(s, capacity, completion)
    }
    fn accept_ex(&self, listener: SOCKET, accept: SOCKET, len: u16) -> (Accepting, CallResult) {
        self.0.accept_ex(listener, accept, len)
    }
    fn accept_ex_sockaddrs(&self, s: SOCKET, op: Accepting, got: u32) -> CallResult<Accepted> {
        self.0.accept_ex_sockaddrs(s, op, got)
    }
    fn connect_ex(&self, s: SOCKET, to: SocketAddr, data: &[u8]) -> (Overlapped, CallResult) {
        self.0.connect_ex(s, to, data)
    }
    fn disconnect_ex(&self, s: SOCKET, flags: u32) -> (Overlapped, CallResult) {
        self.0.disconnect_ex(s, flags)
    }
    fn cancel_io_ex(&self, s: SOCKET, overlapped: Option<Overlapped>) -> CallResult {
        self.0.cancel_io_ex(s, overlapped)
    }
    fn skip_completion_on_success(&self, s: SOCKET) -> CallResult {
        self.0.skip_completion_on_success(s)
    }
    fn post_packet(&self, port: u64, bytes: u32, key: usize, overlapped: usize) -> CallResult {
        self.0.post_packet(port, bytes, key, overlapped)
    }
    fn dequeue_packet(&self, port: u64, milliseconds: u32) -> Dequeued {
        self.0.dequeue_packet(port, milliseconds)
    }
    fn enum_protocols(&self, filter: Option<&[i32]>, room: Option<u32>) -> Enumerated {
        self.0.enum_protocols(filter, room)
    }
    fn protocol_by_name(&self, name: &std::ffi::CStr) -> CallResult<(String, i16)> {
        self.0.protocol_by_name(name)
    }
    fn protocol_by_number(&self, number: i32) -> CallResult<(String, i16)> {
        self.0.protocol_by_number(number)
    }
    fn cancel_blocking_call(&self) -> CallResult {
        self.0.cancel_blocking_call()
    }
    fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> CallResult {
        self.0.send_disconnect(s, data)
    }
    fn recv_disconnect(&self, s: SOCKET) -> CallResult {
        self.0.recv_disconnect(s)
    }
    fn transmit_file(
        &self,
        s: SOCKET,
        buffers: Option<(Buffer<'_>, Buffer<'_>)>,
        flags: u32,
    ) -> CallResult {
        self.0.transmit_file(s, buffers, flags)
    }
    fn transmit_packets(&self, s: SOCKET, elements: &[(&[u8], bool)], flags: u32) -> CallResult {
        self.0.transmit_packets(s, elements, flags)
    }
    fn recv_ex(&self, s: SOCKET, len: i32) -> CallResult<(Vec<u8>, i32)> {
        self.0.recv_ex(s, len)
    }
    fn service_by_name(
        &self,
        name: &std::ffi::CStr,
        proto: Option<&std::ffi::CStr>,
    ) -> CallResult<Service> {
        self.0.service_by_name(name, proto)
    }
    fn service_by_port(&self, port: u16, proto: Option<&std::ffi::CStr>) -> CallResult<Service> {
        self.0.service_by_port(port, proto)
    }
    fn get_addr_info_ex(
        &self,
        node: Option<&str>,
        service: Option<&str>,
        namespace: u32,
    ) -> CallResult<Vec<SocketAddr>> {
        self.0.get_addr_info_ex(node, service, namespace)
    }
    fn get_addr_info_ex_event(&self, node: &str) -> CallResult<(i32, i32, Vec<SocketAddr>)> {
        self.0.get_addr_info_ex_event(node)
    }
    fn connect_by_list(&self, s: SOCKET, addrs: &[SocketAddr]) -> CallResult<SocketAddr> {
        self.0.connect_by_list(s, addrs)
    }
    fn wsa_socket_from_info(
        &self,
        triple: (i32, i32, i32),
        catalog_id: u32,
        info_triple: (i32, i32, i32),
    ) -> CallResult<SOCKET> {
        self.0.wsa_socket_from_info(triple, catalog_id, info_triple)
    }
    fn duplicate_socket(
        &self,
        s: SOCKET,
        process_id: u32,
        info: bool,
        uses: usize,
    ) -> CallResult<Vec<CallResult<SOCKET>>> {
        self.0.duplicate_socket(s, process_id, info, uses)
    }
    fn get_qos_by_name(&self, s: SOCKET, name: Option<&[u8]>, qos: bool) -> CallResult {
        self.0.get_qos_by_name(s, name, qos)
    }
    fn query_security(
        &self,
        s: SOCKET,
        template: Buffer<'_>,
        info_buffer: bool,
        info_len: Option<u32>,
    ) -> Queried {
        self.0.query_security(s, template, info_buffer, info_len)
    }
    fn impersonate_peer(&self, s: SOCKET, addr: Buffer<'_>) -> CallResult {
        self.0.impersonate_peer(s, addr)
    }
    fn revert_impersonation(&self) -> CallResult {
        self.0.revert_impersonation()
    }
    fn send(&self, s: SOCKET, data: &[u8]) -> CallResult<u32> {
        self.0.send(s, data)
    }
    fn recv(&self, s: SOCKET, capacity: u16) -> CallResult<Vec<u8>> {
        self.0.recv(s, capacity)
    }
    fn send_to(&self, s: SOCKET, data: &[u8], to: Buffer<'_>) -> CallResult<u32> {
        self.0.send_to(s, data, to)
    }
    fn recv_from(&self, s: SOCKET, capacity: u16) -> CallResult<(Vec<u8>, Option<SocketAddr>)> {
        self.0.recv_from(s, capacity)
    }
    fn wsa_send(&self, s: SOCKET, buffers: &[&[u8]]) -> CallResult<u32> {
        self.0.wsa_send(s, buffers)
    }
    fn wsa_recv(&self, s: SOCKET, capacities: &[u16]) -> CallResult<Vec<Vec<u8>>> {
        self.0.wsa_recv(s, capacities)
    }
    fn wsa_recv_from(
        &self,
        s: SOCKET,
        capacities: &[u16],
    ) -> CallResult<(Vec<Vec<u8>>, Option<SocketAddr>)> {
        self.0.wsa_recv_from(s, capacities)
    }
    fn wsa_accept_answering(&self, s: SOCKET, answer: u32) -> CallResult<SOCKET> {
        self.0.wsa_accept_answering(s, answer)
    }

    fn select(&self, sets: [&[SOCKET]; 3], timeout: Option<(i32, i32)>) -> CallResult<Selected> {
        self.0.select(sets, timeout)
    }

    fn poll(&self, entries: &[(SOCKET, i16)], timeout_ms: i32) -> CallResult<(u32, Vec<i16>)> {
        self.0.poll(entries, timeout_ms)
    }

    fn event_select(&self, s: SOCKET, event: WSAEVENT, mask: u32) -> CallResult {
        self.0.event_select(s, event, mask)
    }

    fn enum_network_events(&self, s: SOCKET, event: WSAEVENT) -> CallResult<(u32, [i32; 10])> {
        self.0.enum_network_events(s, event)
    }
    fn shutdown(&self, s: SOCKET, how: i32) -> CallResult {
        self.0.shutdown(s, how)
    }
    fn ioctlsocket(&self, s: SOCKET, cmd: i32, arg: u32) -> CallResult<u32> {
        self.0.ioctlsocket(s, cmd, arg)
    }
    fn set_receive_timeout(&self, s: SOCKET, milliseconds: u32) -> CallResult {
        self.0.set_receive_timeout(s, milliseconds)
    }
    fn socket_error(&self, s: SOCKET) -> CallResult<i32> {
        self.0.socket_error(s)
    }
    fn await_blocked(&self, count: usize) {
        self.0.await_blocked(count)
    }
    fn helper<'scope>(
        &'scope self,
        scope: &'scope std::thread::Scope<'scope, '_>,
        act: Box<dyn FnOnce() -> CallResult + Send + 'scope>,
    ) -> std::thread::ScopedJoinHandle<'scope, CallResult> {
        self.0.helper(scope, act)
    }
    fn create_event(&self) -> CallResult<WSAEVENT> {
        self.0.create_event()
    }
    fn close_event(&self, event: WSAEVENT) -> CallResult {
        self.0.close_event(event)
    }
    fn wait_for_event(&self, event: WSAEVENT, timeout_ms: u32, alertable: bool) -> CallResult<u32> {
        self.0.wait_for_event(event, timeout_ms, alertable)
    }
    fn ioctl_overlapped(
        &self,
        s: SOCKET,
        code: u32,
        input: Buffer<'_>,
        completion: Completion,
    ) -> (Overlapped, CallResult) {
        self.0.ioctl_overlapped(s, code, input, completion)
    }
    fn wsa_send_overlapped(
        &self,
        s: SOCKET,
        data: &[u8],
        completion: Completion,
    ) -> (Overlapped, CallResult) {
        self.0.wsa_send_overlapped(s, data, completion)
    }
    fn overlapped_result(&self, s: SOCKET, overlapped: Overlapped, wait: bool) -> CallResult<u32> {
        self.0.overlapped_result(s, overlapped, wait)
    }
    fn routines_run(&self) -> u32 {
        self.0.routines_run()
    }
    fn get_addr_info(
        &self,
        node: Option<&str>,
        service: Option<&str>,
        hints: Option<AddrInfoHints>,
    ) -> CallResult<AddrInfoList> {
        self.0.get_addr_info(node, service, hints)
    }
    fn get_name_info(
        &self,
        addr: SocketAddr,
        host_len: Option<u32>,
        service_len: Option<u32>,
        flags: i32,
    ) -> CallResult<(Option<String>, Option<String>)> {
        self.0.get_name_info(addr, host_len, service_len, flags)
    }
    fn host_name(&self, len: i32) -> CallResult<String> {
        self.0.host_name(len)
    }
    fn inet_pton(&self, family: i32, text: Option<&str>) -> Parsed {
        self.0.inet_pton(family, text)
    }
    fn inet_ntop(&self, family: i32, address: &[u8; 16], size: usize) -> CallResult<String> {
        self.0.inet_ntop(family, address, size)
    }
    fn inet_addr(&self, text: &str) -> u32 {
        self.0.inet_addr(text)
    }
    fn string_to_address(
        &self,
        text: &str,
        family: i32,
        len: i32,
    ) -> (CallResult<SocketAddr>, i32) {
        self.0.string_to_address(text, family, len)
    }
    fn address_to_string(&self, addr: SocketAddr, size: u32) -> (CallResult<String>, u32) {
        self.0.address_to_string(addr, size)
    }
    fn connect_by_name(
        &self,
        s: SOCKET,
        node: Option<&str>,
        service: Option<&str>,
    ) -> CallResult<SocketAddr> {
        self.0.connect_by_name(s, node, service)
    }
    fn last_routine_error(&self) -> Option<u32> {
        self.0.last_routine_error()
    }
}

/// The docs/rules.md rows about operations that pend.
const PENDING_ROWS: [&str; 5] = ["O4", "O5", "O6", "O7", "O8"];

fn about_pending(case: &conformance::Case) -> bool {
    case.docs.iter().any(|id| PENDING_ROWS.contains(id))
}

/// The run of every case on an emulator without a deferral, made once for the tests here
/// that read it (one run of the suite takes minutes under Miri).
fn report_without_deferral() -> &'static conformance::Report {
    static REPORT: OnceLock<conformance::Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let backend = WithoutDeferral(Emulator::new());
        assert!(backend.deferral().is_none());
        conformance::run_cases(&common::cases_for_a_report(about_pending), &[&backend])
    })
}

#[test]
fn pending_cases_are_not_applicable_without_a_deferral_and_the_rest_pass() {
    let report = report_without_deferral();
    let mut not_applicable = 0;
    for row in &report.rows {
        let run = row.run(BackendKind::Emulator).unwrap();
        if about_pending(row.case) {
            not_applicable += 1;
            assert_eq!(run.verdict, Verdict::NotApplicable, "{}", row.case.id);
            assert!(
                matches!(run.observed, Err(Stopped::NotApplicable(reason)) if !reason.is_empty()),
                "{}: {:?}",
                row.case.id,
                run.observed
            );
        } else {
            assert_eq!(run.verdict, Verdict::Pass, "{}", row.case.id);
        }
    }
    assert_eq!(not_applicable, PENDING_ROWS.len(), "one case per row");
    assert!(
        report.passed(),
        "n/a is not a failure:\n{}",
        report.to_text()
    );
    assert_eq!(
        report.count(BackendKind::Emulator, Verdict::NotApplicable),
        PENDING_ROWS.len()
    );
}

#[test]
fn not_applicable_cases_show_their_reason_in_the_text_and_json_reports() {
    let report = report_without_deferral();
    let text = report.to_text();
    let line = text
        .lines()
        .find(|line| line.starts_with("pending-call-returns-io-pending "))
        .expect("the O4 case has a line");
    assert!(
        line.contains("n/a: the backend cannot make an overlapped operation pend"),
        "{line}"
    );
    assert!(!line.contains(" ok "), "{line}");
    let total = report.rows.len();
    assert!(
        text.contains(&format!(
            "emulator: {total} cases, {} pass, 0 known divergence, 5 n/a, 0 failed",
            total - 5
        )),
        "{text}"
    );
    assert!(text.ends_with("conformance: PASSED\n"));
    let json = report.to_json();
    assert!(json.contains(
        "\"emulator\": {\"observed\": \"n/a: the backend cannot make an overlapped operation pend\", \"observed_code\": null, \"verdict\": \"n/a\""
    ), "{json}");
    assert!(json.starts_with("{\n  \"passed\": true,"));
}

#[test]
fn the_emulator_runs_every_pending_case() {
    // Only the pending cases: that no case is n/a on the emulator is the library's
    // `every_case_runs_on_the_emulator_never_not_applicable`.
    let pending: Vec<_> = cases()
        .into_iter()
        .filter(|case| about_pending(case))
        .collect();
    assert_eq!(pending.len(), PENDING_ROWS.len(), "one case per row");
    let report = conformance::run_cases(&pending, &[&Emulator::new()]);
    assert_eq!(
        report.count(BackendKind::Emulator, Verdict::NotApplicable),
        0
    );
    for row in &report.rows {
        assert_eq!(
            row.run(BackendKind::Emulator).unwrap().verdict,
            Verdict::Pass,
            "{}",
            row.case.id
        );
    }
}

/// The token cases of the suite need a secured connection. On a runner without an IPsec
/// policy the secured connect fails (here: every connect times out, as a negotiation that
/// finds no policy does) and they are `n/a` with that reason, never passed.
#[test]
fn token_cases_are_not_applicable_without_a_secured_connection() {
    use winsock_emu::testing::{Call, Fault};
    use winsock_emu::Error;
    let emulator = Emulator::new();
    let _refused = emulator
        .network()
        .inject(Fault::fail(Call::Connect, Error::TimedOut).always());
    let token_cases = [
        "query-ipsec2-size-probe",
        "query-ipsec2-short-template",
        "query-peer-tokens",
        "close-token-twice",
    ];
    for case in cases()
        .into_iter()
        .filter(|case| token_cases.contains(&case.id))
    {
        let run = case.run(&emulator);
        assert_eq!(run.verdict, Verdict::NotApplicable, "{}", case.id);
        assert!(
            matches!(run.observed, Err(Stopped::NotApplicable(reason)) if reason.contains("IPsec policy")),
            "{}: {:?}",
            case.id,
            run.observed
        );
    }
}
