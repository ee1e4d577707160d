//! [`Emulator`]: the [`Backend`] of an isolated emulated network.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use windows_sys::Win32::Networking::WinSock::WSAEVENT;

use super::Selected;
use super::{
    Accepted, Accepting, AddrInfoHints, AddrInfoList, Backend, BackendKind, Buffer, CallResult,
    Code, Completion, Deferral, Dequeued, Enumerated, GotOption, Named, Overlapped, Parsed,
    Queried, ReceivedMsg, Service,
};
use crate::error::Error;
use crate::native::readiness;
use crate::native::{
    self, address, catalog, completion, data, duplicate, everyday, extensions, handles, ioctl,
    last_error, options, overlapped, peer_name, recv_msg, resolution, security, socket, startup,
    transmit, wsa_data, EMULATED,
};
use crate::Network;

/// The emulator as a [`Backend`]: an isolated [`Network`], called through the same C face
/// ([`crate::sys`]) that code ported from windows-sys uses.
///
/// Each call makes the network current on the calling thread for the length of the call,
/// so several emulators (and tests) never see each other's sockets or startups.
#[derive(Debug, Clone, Default)]
pub struct Emulator {
    network: Network,
}

impl Emulator {
    /// An emulator backend over a fresh network, with `WSAStartup` not yet called.
    pub fn new() -> Self {
        Self::default()
    }

    /// An emulator backend over `network`.
    pub fn with_network(network: Network) -> Self {
        Self { network }
    }

    /// The network this backend calls into (for snapshots).
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Runs `call` on the emulator's C face with this network current.
    fn call<R>(&self, call: impl FnOnce(&native::Winsock) -> R) -> R {
        let _current = self.network.enter();
        call(&EMULATED)
    }
}

impl Backend for Emulator {
    fn kind(&self) -> BackendKind {
        BackendKind::Emulator
    }

    fn startup(&self, version: u16) -> CallResult<u16> {
        self.call(|api| startup::startup(api, version))
    }

    fn cleanup(&self) -> CallResult {
        self.call(startup::cleanup)
    }

    fn last_error(&self) -> i32 {
        self.call(last_error::get)
    }

    fn set_last_error(&self, code: i32) {
        self.call(|api| last_error::set(api, code))
    }

    fn socket(&self, af: u16, socket_type: i32, protocol: i32) -> CallResult<SOCKET> {
        self.call(|api| socket::socket(api, af, socket_type, protocol))
    }

    fn wsa_socket(
        &self,
        af: u16,
        socket_type: i32,
        protocol: i32,
        flags: u32,
    ) -> CallResult<SOCKET> {
        self.call(|api| socket::wsa_socket(api, af, socket_type, protocol, flags))
    }

    fn close(&self, s: SOCKET) -> CallResult {
        self.call(|api| socket::close(api, s))
    }

    fn bind(&self, s: SOCKET, addr: SocketAddr) -> CallResult {
        self.call(|api| address::bind(api, s, addr))
    }

    fn local_addr(&self, s: SOCKET) -> CallResult<SocketAddr> {
        self.call(|api| options::local_addr(api, s))
    }

    fn peer_addr(&self, s: SOCKET) -> CallResult<SocketAddr> {
        self.call(|api| options::peer_addr(api, s))
    }

    fn local_name(&self, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named {
        self.call(|api| options::local_name(api, s, buffer, namelen))
    }

    fn peer_name(&self, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named {
        self.call(|api| options::peer_name(api, s, buffer, namelen))
    }

    fn get_option(&self, s: SOCKET, level: i32, name: i32, len: i32) -> GotOption {
        self.call(|api| options::get(api, s, level, name, len))
    }

    fn set_option(
        &self,
        s: SOCKET,
        level: i32,
        name: i32,
        value: Option<&[u8]>,
        len: i32,
    ) -> CallResult {
        self.call(|api| options::set(api, s, level, name, value, len))
    }

    fn listen(&self, s: SOCKET, backlog: i32) -> CallResult {
        self.call(|api| address::listen(api, s, backlog))
    }

    fn connect(&self, s: SOCKET, addr: SocketAddr) -> CallResult {
        self.call(|api| address::connect(api, s, addr))
    }

    fn accept(&self, s: SOCKET) -> CallResult<SOCKET> {
        self.call(|api| address::accept(api, s))
    }

    fn set_peer_target_name(&self, s: SOCKET, name: Buffer<'_>) -> CallResult {
        self.call(|api| peer_name::set(api, s, name))
    }

    fn set_peer_target_name_with_overlapped(&self, s: SOCKET, name: Buffer<'_>) -> CallResult {
        self.call(|api| peer_name::set_with_overlapped(api, s, name))
    }

    fn delete_peer_target_name(&self, s: SOCKET, addr: Buffer<'_>) -> CallResult {
        self.call(|api| peer_name::delete(api, s, addr))
    }

    fn ioctl(&self, s: SOCKET, code: u32, input: Buffer<'_>) -> CallResult<u32> {
        self.call(|api| ioctl::ioctl(api, s, code, input))
    }

    fn create_port(&self) -> CallResult<u64> {
        self.call(completion::create)
    }

    fn associate_port(&self, s: SOCKET, port: u64, key: usize) -> CallResult<u64> {
        self.call(|api| completion::associate(api, s, port, key))
    }

    fn post_packet(&self, port: u64, bytes: u32, key: usize, overlapped: usize) -> CallResult {
        self.call(|api| completion::post(api, port, bytes, key, overlapped))
    }

    fn dequeue_packet(&self, port: u64, milliseconds: u32) -> Dequeued {
        self.call(|api| completion::dequeue(api, port, milliseconds))
    }

    fn close_handle(&self, handle: u64) -> CallResult {
        self.call(|api| handles::close(api, handle))
    }

    fn enum_protocols(&self, filter: Option<&[i32]>, room: Option<u32>) -> Enumerated {
        self.call(|api| catalog::enum_protocols(api, filter, room))
    }

    fn protocol_by_name(&self, name: &std::ffi::CStr) -> CallResult<(String, i16)> {
        self.call(|api| catalog::protocol_by_name(api, name))
    }

    fn protocol_by_number(&self, number: i32) -> CallResult<(String, i16)> {
        self.call(|api| catalog::protocol_by_number(api, number))
    }

    fn cancel_blocking_call(&self) -> CallResult {
        self.call(catalog::cancel_blocking_call)
    }

    fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> CallResult {
        self.call(|api| everyday::send_disconnect(api, s, data))
    }

    fn recv_disconnect(&self, s: SOCKET) -> CallResult {
        self.call(|api| everyday::recv_disconnect(api, s))
    }

    fn recv_ex(&self, s: SOCKET, len: i32) -> CallResult<(Vec<u8>, i32)> {
        self.call(|api| everyday::recv_ex(api, s, len))
    }

    fn transmit_file(
        &self,
        s: SOCKET,
        buffers: Option<(Buffer<'_>, Buffer<'_>)>,
        flags: u32,
    ) -> CallResult {
        self.call(|api| transmit::transmit_file(api, s, buffers, flags))
    }

    fn transmit_packets(&self, s: SOCKET, elements: &[(&[u8], bool)], flags: u32) -> CallResult {
        self.call(|api| transmit::transmit_packets(api, s, elements, flags))
    }

    fn service_by_name(
        &self,
        name: &std::ffi::CStr,
        proto: Option<&std::ffi::CStr>,
    ) -> CallResult<Service> {
        self.call(|api| everyday::service_by_name(api, name, proto))
    }

    fn service_by_port(&self, port: u16, proto: Option<&std::ffi::CStr>) -> CallResult<Service> {
        self.call(|api| everyday::service_by_port(api, port, proto))
    }

    fn get_addr_info_ex(
        &self,
        node: Option<&str>,
        service: Option<&str>,
        namespace: u32,
    ) -> CallResult<Vec<std::net::SocketAddr>> {
        self.call(|api| everyday::get_addr_info_ex(api, node, service, namespace))
    }

    fn get_addr_info_ex_event(
        &self,
        node: &str,
    ) -> CallResult<(i32, i32, Vec<std::net::SocketAddr>)> {
        self.call(|api| everyday::get_addr_info_ex_event(api, node))
    }

    fn connect_by_list(
        &self,
        s: SOCKET,
        addrs: &[std::net::SocketAddr],
    ) -> CallResult<std::net::SocketAddr> {
        self.call(|api| everyday::connect_by_list(api, s, addrs))
    }

    fn wsa_socket_from_info(
        &self,
        triple: (i32, i32, i32),
        catalog_id: u32,
        info_triple: (i32, i32, i32),
    ) -> CallResult<SOCKET> {
        self.call(|api| catalog::wsa_socket_from_info(api, triple, catalog_id, info_triple))
    }

    fn duplicate_socket(
        &self,
        s: SOCKET,
        process_id: u32,
        info: bool,
        uses: usize,
    ) -> CallResult<Vec<CallResult<SOCKET>>> {
        self.call(|api| duplicate::duplicate_socket(api, s, process_id, info, uses))
    }

    fn get_qos_by_name(&self, s: SOCKET, name: Option<&[u8]>, qos: bool) -> CallResult {
        self.call(|api| catalog::get_qos_by_name(api, s, name, qos))
    }

    fn query_security(
        &self,
        s: SOCKET,
        template: Buffer<'_>,
        info_buffer: bool,
        info_len: Option<u32>,
    ) -> Queried {
        self.call(|api| security::query(api, s, template, info_buffer, info_len))
    }

    fn impersonate_peer(&self, s: SOCKET, addr: Buffer<'_>) -> CallResult {
        self.call(|api| security::impersonate(api, s, addr))
    }

    fn revert_impersonation(&self) -> CallResult {
        self.call(security::revert)
    }

    fn send(&self, s: SOCKET, data: &[u8]) -> CallResult<u32> {
        self.call(|api| data::send(api, s, data))
    }

    fn recv(&self, s: SOCKET, capacity: u16) -> CallResult<Vec<u8>> {
        self.call(|api| data::recv(api, s, capacity))
    }

    fn send_to(&self, s: SOCKET, data: &[u8], to: Buffer<'_>) -> CallResult<u32> {
        self.call(|api| data::send_to(api, s, data, to))
    }

    fn recv_from(&self, s: SOCKET, capacity: u16) -> CallResult<(Vec<u8>, Option<SocketAddr>)> {
        self.call(|api| data::recv_from(api, s, capacity))
    }

    fn wsa_send(&self, s: SOCKET, buffers: &[&[u8]]) -> CallResult<u32> {
        self.call(|api| wsa_data::wsa_send(api, s, buffers))
    }

    fn wsa_recv(&self, s: SOCKET, capacities: &[u16]) -> CallResult<Vec<Vec<u8>>> {
        self.call(|api| wsa_data::wsa_recv(api, s, capacities))
    }

    fn wsa_recv_from(
        &self,
        s: SOCKET,
        capacities: &[u16],
    ) -> CallResult<(Vec<Vec<u8>>, Option<SocketAddr>)> {
        self.call(|api| wsa_data::wsa_recv_from(api, s, capacities))
    }

    fn wsa_send_msg(
        &self,
        s: SOCKET,
        msg: Option<(Option<SocketAddr>, &[&[u8]])>,
    ) -> CallResult<u32> {
        self.call(|api| wsa_data::wsa_send_msg(api, s, msg))
    }

    fn wsa_recv_msg(&self, s: SOCKET, msg: bool, capacity: u16, control: u16) -> ReceivedMsg {
        self.call(|api| recv_msg::wsa_recv_msg(api, s, msg, capacity, control))
    }

    fn wsa_accept_answering(&self, s: SOCKET, answer: u32) -> CallResult<SOCKET> {
        self.call(|api| address::wsa_accept(api, s, answer))
    }

    fn shutdown(&self, s: SOCKET, how: i32) -> CallResult {
        self.call(|api| data::shutdown(api, s, how))
    }

    fn ioctlsocket(&self, s: SOCKET, cmd: i32, arg: u32) -> CallResult<u32> {
        self.call(|api| data::ioctlsocket(api, s, cmd, arg))
    }

    fn select(&self, sets: [&[SOCKET]; 3], timeout: Option<(i32, i32)>) -> CallResult<Selected> {
        self.call(|api| readiness::select(api, sets, timeout))
    }

    fn poll(&self, entries: &[(SOCKET, i16)], timeout_ms: i32) -> CallResult<(u32, Vec<i16>)> {
        self.call(|api| readiness::poll(api, entries, timeout_ms))
    }

    fn event_select(&self, s: SOCKET, event: WSAEVENT, mask: u32) -> CallResult {
        self.call(|api| readiness::event_select(api, s, event, mask))
    }

    fn enum_network_events(&self, s: SOCKET, event: WSAEVENT) -> CallResult<(u32, [i32; 10])> {
        self.call(|api| readiness::enum_network_events(api, s, event))
    }

    fn create_event(&self) -> CallResult<WSAEVENT> {
        self.call(overlapped::create_event)
    }

    fn close_event(&self, event: WSAEVENT) -> CallResult {
        self.call(|api| overlapped::close_event(api, event))
    }

    fn wait_for_event(&self, event: WSAEVENT, timeout_ms: u32, alertable: bool) -> CallResult<u32> {
        self.call(|api| overlapped::wait(api, event, timeout_ms, alertable))
    }

    fn ioctl_overlapped(
        &self,
        s: SOCKET,
        code: u32,
        input: Buffer<'_>,
        completion: Completion,
    ) -> (Overlapped, CallResult) {
        self.call(|api| overlapped::ioctl(api, s, code, input, completion))
    }

    fn wsa_send_overlapped(
        &self,
        s: SOCKET,
        data: &[u8],
        completion: Completion,
    ) -> (Overlapped, CallResult) {
        self.call(|api| overlapped::send(api, s, data, completion))
    }

    fn wsa_recv_overlapped(
        &self,
        s: SOCKET,
        capacity: u16,
        completion: Completion,
    ) -> (Overlapped, CallResult) {
        self.call(|api| overlapped::recv(api, s, capacity, completion))
    }

    fn accept_ex(
        &self,
        listener: SOCKET,
        accept: SOCKET,
        receive_len: u16,
    ) -> (Accepting, CallResult) {
        self.call(|api| extensions::accept_ex(api, listener, accept, receive_len))
    }

    fn accept_ex_sockaddrs(
        &self,
        s: SOCKET,
        accepting: Accepting,
        received: u32,
    ) -> CallResult<Accepted> {
        self.call(|api| extensions::accept_ex_sockaddrs(api, s, accepting, received))
    }

    fn connect_ex(&self, s: SOCKET, to: SocketAddr, data: &[u8]) -> (Overlapped, CallResult) {
        self.call(|api| extensions::connect_ex(api, s, to, data))
    }

    fn disconnect_ex(&self, s: SOCKET, flags: u32) -> (Overlapped, CallResult) {
        self.call(|api| extensions::disconnect_ex(api, s, flags))
    }

    fn cancel_io_ex(&self, s: SOCKET, overlapped: Option<Overlapped>) -> CallResult {
        self.call(|api| completion::cancel_io_ex(api, s, overlapped))
    }

    fn skip_completion_on_success(&self, s: SOCKET) -> CallResult {
        self.call(|api| completion::skip_on_success(api, s))
    }

    fn overlapped_result(&self, s: SOCKET, overlapped: Overlapped, wait: bool) -> CallResult<u32> {
        self.call(|api| overlapped::get_result(api, s, overlapped, wait))
    }

    fn get_addr_info(
        &self,
        node: Option<&str>,
        service: Option<&str>,
        hints: Option<AddrInfoHints>,
    ) -> CallResult<AddrInfoList> {
        self.call(|api| resolution::get_addr_info(api, node, service, hints))
    }

    fn get_name_info(
        &self,
        addr: SocketAddr,
        host_len: Option<u32>,
        service_len: Option<u32>,
        flags: i32,
    ) -> CallResult<(Option<String>, Option<String>)> {
        self.call(|api| resolution::get_name_info(api, addr, host_len, service_len, flags))
    }

    fn host_name(&self, len: i32) -> CallResult<String> {
        self.call(|api| resolution::host_name(api, len))
    }

    fn inet_pton(&self, family: i32, text: Option<&str>) -> Parsed {
        self.call(|api| resolution::inet_pton(api, family, text))
    }

    fn inet_ntop(&self, family: i32, address: &[u8; 16], size: usize) -> CallResult<String> {
        self.call(|api| resolution::inet_ntop(api, family, address, size))
    }

    fn inet_addr(&self, text: &str) -> u32 {
        self.call(|api| resolution::inet_addr(api, text))
    }

    fn string_to_address(
        &self,
        text: &str,
        family: i32,
        len: i32,
    ) -> (CallResult<SocketAddr>, i32) {
        self.call(|api| resolution::string_to_address(api, text, family, len))
    }

    fn address_to_string(&self, addr: SocketAddr, size: u32) -> (CallResult<String>, u32) {
        self.call(|api| resolution::address_to_string(api, addr, size))
    }

    fn connect_by_name(
        &self,
        s: SOCKET,
        node: Option<&str>,
        service: Option<&str>,
    ) -> CallResult<SocketAddr> {
        self.call(|api| resolution::connect_by_name(api, s, node, service))
    }

    fn routines_run(&self) -> u32 {
        overlapped::routines_run()
    }

    fn last_routine_error(&self) -> Option<u32> {
        overlapped::last_routine_error()
    }

    fn deferral(&self) -> Option<&dyn Deferral> {
        Some(self)
    }

    fn set_receive_timeout(&self, s: SOCKET, milliseconds: u32) -> CallResult {
        let timeout = std::time::Duration::from_millis(milliseconds.into());
        let table = &self.network.table;
        table
            .set_receive_timeout(s, Some(timeout))
            .map_err(Code::from)
    }

    fn socket_error(&self, s: SOCKET) -> CallResult<i32> {
        let error = self.network.table.socket_error(s).map_err(Code::from)?;
        Ok(error.map_or(0, |error| error.code()))
    }

    fn helper<'scope>(
        &'scope self,
        scope: &'scope std::thread::Scope<'scope, '_>,
        act: Box<dyn FnOnce() -> CallResult + Send + 'scope>,
    ) -> std::thread::ScopedJoinHandle<'scope, CallResult> {
        self.network.spawn_scoped(scope, act)
    }

    fn await_blocked(&self, count: usize) {
        // Bounded by the stall limit; the calls it waits for then end as stalls too.
        let _ = self.network.wait_until_blocked(count);
    }
}

/// The network's deferred completion ([`Network::defer_overlapped`],
/// [`Network::pending_operations`]).
impl Deferral for Emulator {
    fn defer_overlapped(&self, count: usize) {
        self.network.defer_overlapped(count);
    }

    fn pending(&self) -> usize {
        self.network.pending_operations().len()
    }

    fn complete_oldest(&self, outcome: CallResult) -> bool {
        let Some(oldest) = self.network.pending_operations().into_iter().next() else {
            return false;
        };
        match outcome {
            Ok(()) => oldest.complete(),
            Err(code) => Error::from_code(code.0).is_some_and(|error| oldest.fail(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Code;
    use windows_sys::Win32::Networking::WinSock::{
        AF_INET, SIO_SET_PEER_TARGET_NAME, SOCK_DGRAM, WSAEINVAL, WSAENOTSOCK, WSANOTINITIALISED,
    };

    use crate::PeerTargetName;

    #[test]
    fn emulators_are_isolated_from_each_other_and_the_global_network() {
        let a = Emulator::new();
        let b = Emulator::new();
        assert_eq!(a.startup(0x0202), Ok(0x0202));
        let s = a.socket(AF_INET, SOCK_DGRAM, 0).unwrap();
        assert_eq!(b.close(s), Err(Code(WSANOTINITIALISED)));
        assert_eq!(a.network().socket_count(), 1);
        assert_eq!(crate::Network::global().socket_count(), 0);
    }

    #[test]
    fn failures_carry_the_last_error_and_set_it() {
        let emulator = Emulator::new();
        emulator.startup(0x0202).unwrap();
        let s = emulator.socket(AF_INET, SOCK_DGRAM, 0).unwrap();
        emulator.close(s).unwrap();
        let name = PeerTargetName::new("192.0.2.1:500".parse().unwrap(), "host/a").to_bytes();
        assert_eq!(
            emulator.set_peer_target_name(s, Buffer::Bytes(&name)),
            Err(Code(WSAENOTSOCK))
        );
        assert_eq!(emulator.last_error(), WSAENOTSOCK);
        emulator.set_last_error(0);
        assert_eq!(emulator.last_error(), 0);
        assert_eq!(
            emulator.ioctl(s, 0x1234, Buffer::null()),
            Err(Code(WSAENOTSOCK))
        );
        let live = emulator.socket(AF_INET, SOCK_DGRAM, 0).unwrap();
        assert_eq!(
            emulator.ioctl(live, 0x1234, Buffer::null()),
            Err(Code(WSAEINVAL))
        );
        assert_eq!(
            emulator.ioctl(live, SIO_SET_PEER_TARGET_NAME, Buffer::Bytes(&name)),
            Ok(0)
        );
    }

    #[test]
    fn the_deferral_makes_the_next_operation_pend_and_completes_it_as_told() {
        use windows_sys::Win32::Networking::WinSock::{
            WSAENOBUFS, WSA_IO_INCOMPLETE, WSA_IO_PENDING, WSA_WAIT_IO_COMPLETION,
        };
        let emulator = Emulator::new();
        let deferral = emulator
            .deferral()
            .expect("the emulator can make operations pend");
        emulator.startup(0x0202).unwrap();
        let s = emulator.socket(AF_INET, SOCK_DGRAM, 0).unwrap();
        let event = emulator.create_event().unwrap();
        let name = PeerTargetName::new("192.0.2.1:500".parse().unwrap(), "host/a").to_bytes();
        let set = |completion| {
            emulator.ioctl_overlapped(
                s,
                SIO_SET_PEER_TARGET_NAME,
                Buffer::Bytes(&name),
                completion,
            )
        };
        assert!(!deferral.complete_oldest(Ok(())), "nothing pending");
        deferral.defer_overlapped(2);
        let (first, started) = set(Completion::Event(event));
        assert_eq!(started, Err(Code(WSA_IO_PENDING)));
        assert_eq!(deferral.pending(), 1);
        assert_eq!(
            emulator.overlapped_result(s, first, false),
            Err(Code(WSA_IO_INCOMPLETE))
        );
        assert!(
            !deferral.complete_oldest(Err(Code(123_456))),
            "a code the emulator cannot report completes nothing"
        );
        assert!(deferral.complete_oldest(Err(Code(WSAENOBUFS))));
        assert_eq!(
            emulator.overlapped_result(s, first, false),
            Err(Code(WSAENOBUFS))
        );
        let (_, started) = set(Completion::Routine);
        assert_eq!(started, Err(Code(WSA_IO_PENDING)));
        assert!(deferral.complete_oldest(Ok(())));
        assert_eq!(deferral.pending(), 0);
        let before = emulator.routines_run();
        let idle = emulator.create_event().unwrap();
        assert_eq!(
            emulator.wait_for_event(idle, 0, true),
            Ok(WSA_WAIT_IO_COMPLETION as u32)
        );
        emulator.close_event(idle).unwrap();
        assert_eq!(emulator.routines_run(), before + 1);
        assert_eq!(emulator.last_routine_error(), Some(0));
        deferral.defer_overlapped(1);
        deferral.defer_overlapped(0);
        assert_eq!(set(Completion::Event(event)).1, Ok(()), "0 cancels");
        emulator.close_event(event).unwrap();
        emulator.close(s).unwrap();
        emulator.cleanup().unwrap();
    }

    #[test]
    fn queries_show_their_out_parameters_on_failure_and_success() {
        use windows_sys::Win32::Networking::WinSock::{SOCK_STREAM, WSAEFAULT, WSAEMSGSIZE};
        let emulator = Emulator::new();
        emulator.startup(0x0202).unwrap();
        let listener = emulator.socket(AF_INET, SOCK_STREAM, 0).unwrap();
        emulator
            .bind(listener, "127.0.0.1:0".parse().unwrap())
            .unwrap();
        emulator.listen(listener, 1).unwrap();
        let at = emulator.local_addr(listener).unwrap();
        let client = emulator.socket(AF_INET, SOCK_STREAM, 0).unwrap();
        emulator.connect(client, at).unwrap();
        let null_len = emulator.query_security(client, Buffer::null(), true, None);
        assert_eq!(null_len.result, Err(Code(WSAEFAULT)));
        assert_eq!((null_len.info, null_len.info_len), (Some(Vec::new()), None));
        let small = emulator.query_security(client, Buffer::null(), true, Some(8));
        assert_eq!(small.result, Err(Code(WSAEMSGSIZE)));
        assert_eq!(small.info, Some(vec![0xAB; 8]), "untouched");
        assert_eq!(small.info_len, Some(24), "the size needed");
        let whole = emulator.query_security(client, Buffer::null(), true, Some(40));
        assert_eq!(whole.result, Ok(()));
        assert_eq!(whole.info_len, Some(24));
        assert_eq!(whole.flags(), Some(0));
        assert_eq!(
            whole.info.unwrap()[24..],
            [0xAB; 16],
            "only 24 bytes written"
        );
    }

    #[test]
    fn routines_run_only_in_an_alertable_wait_of_this_thread() {
        use windows_sys::Win32::Networking::WinSock::{WSA_WAIT_IO_COMPLETION, WSA_WAIT_TIMEOUT};
        let emulator = Emulator::new();
        emulator.startup(0x0202).unwrap();
        let s = emulator.socket(AF_INET, SOCK_DGRAM, 0).unwrap();
        let event = emulator.create_event().unwrap();
        let name = PeerTargetName::new("192.0.2.1:500".parse().unwrap(), "host/a").to_bytes();
        let before = emulator.routines_run();
        let (overlapped, result) = emulator.ioctl_overlapped(
            s,
            SIO_SET_PEER_TARGET_NAME,
            Buffer::Bytes(&name),
            Completion::Routine,
        );
        assert_eq!(result, Ok(()));
        assert_eq!(emulator.routines_run(), before);
        assert_eq!(
            emulator.wait_for_event(event, 0, false),
            Ok(WSA_WAIT_TIMEOUT)
        );
        assert_eq!(emulator.routines_run(), before, "not alertable");
        assert_eq!(
            emulator.wait_for_event(event, 0, true),
            Ok(WSA_WAIT_IO_COMPLETION as u32)
        );
        assert_eq!(emulator.routines_run(), before + 1);
        assert_eq!(emulator.overlapped_result(s, overlapped, false), Ok(0));
        emulator.close_event(event).unwrap();
        assert!(emulator.close_event(event).is_err(), "closed once");
    }
}
