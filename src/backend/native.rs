//! [`Native`]: the [`Backend`] of the real Winsock, on Windows.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{
    SIO_GET_EXTENSION_FUNCTION_POINTER, SOCKET, WSAEINVAL, WSAID_TRANSMITPACKETS,
};

use windows_sys::Win32::Networking::WinSock::WSAEVENT;

use super::wine;
use super::{
    Accepted, Accepting, AddrInfoHints, AddrInfoList, Backend, BackendKind, Buffer, CallResult,
    Code, Completion, Deferral, Dequeued, Enumerated, GotOption, Named, Overlapped, Parsed,
    Queried, ReceivedMsg, Selected, Service,
};
use crate::native::readiness;
use crate::native::{
    address, catalog, completion, data, duplicate, everyday, extensions, flow, handles, ioctl,
    last_error, options, overlapped, peer_name, recv_msg, resolution, security, socket, startup,
    transmit, wsa_data, Winsock, WINDOWS,
};

/// Runs `call` on the real Winsock's function table.
fn with_windows<R>(call: impl FnOnce(&Winsock) -> R) -> R {
    call(&WINDOWS)
}

/// The real Winsock of the running Windows as a [`Backend`]: `ws2_32.dll` and
/// `fwpuclnt.dll`, called through windows-sys.
///
/// Winsock is one per process: every `Native` shares the process's `WSAStartup` count and
/// sockets. The conformance suite therefore runs native cases one at a time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Native;

impl Native {
    /// The real Winsock of this process.
    pub const fn new() -> Self {
        Native
    }
}

impl Backend for Native {
    fn kind(&self) -> BackendKind {
        BackendKind::Windows
    }

    fn startup(&self, version: u16) -> CallResult<u16> {
        startup::startup(&WINDOWS, version)
    }

    fn cleanup(&self) -> CallResult {
        startup::cleanup(&WINDOWS)
    }

    fn last_error(&self) -> i32 {
        last_error::get(&WINDOWS)
    }

    fn set_last_error(&self, code: i32) {
        last_error::set(&WINDOWS, code)
    }

    fn socket(&self, af: u16, socket_type: i32, protocol: i32) -> CallResult<SOCKET> {
        let result = socket::socket(&WINDOWS, af, socket_type, protocol);
        wine::after_socket(af, &result);
        result
    }

    fn wsa_socket(
        &self,
        af: u16,
        socket_type: i32,
        protocol: i32,
        flags: u32,
    ) -> CallResult<SOCKET> {
        let result = socket::wsa_socket(&WINDOWS, af, socket_type, protocol, flags);
        wine::after_socket(af, &result);
        result
    }

    fn close(&self, s: SOCKET) -> CallResult {
        socket::close(&WINDOWS, s)
    }

    fn bind(&self, s: SOCKET, addr: SocketAddr) -> CallResult {
        address::bind(&WINDOWS, s, addr)
    }

    fn local_addr(&self, s: SOCKET) -> CallResult<SocketAddr> {
        options::local_addr(&WINDOWS, s)
    }

    fn peer_addr(&self, s: SOCKET) -> CallResult<SocketAddr> {
        options::peer_addr(&WINDOWS, s)
    }

    fn local_name(&self, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named {
        options::local_name(&WINDOWS, s, buffer, namelen)
    }

    fn peer_name(&self, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named {
        options::peer_name(&WINDOWS, s, buffer, namelen)
    }

    fn get_option(&self, s: SOCKET, level: i32, name: i32, len: i32) -> GotOption {
        options::get(&WINDOWS, s, level, name, len)
    }

    fn set_option(
        &self,
        s: SOCKET,
        level: i32,
        name: i32,
        value: Option<&[u8]>,
        len: i32,
    ) -> CallResult {
        let result = options::set(&WINDOWS, s, level, name, value, len);
        wine::after_setsockopt(level, name, &result);
        result
    }

    fn listen(&self, s: SOCKET, backlog: i32) -> CallResult {
        address::listen(&WINDOWS, s, backlog)
    }

    fn connect(&self, s: SOCKET, addr: SocketAddr) -> CallResult {
        address::connect(&WINDOWS, s, addr)
    }

    fn accept(&self, s: SOCKET) -> CallResult<SOCKET> {
        address::accept(&WINDOWS, s)
    }

    fn set_peer_target_name(&self, s: SOCKET, name: Buffer<'_>) -> CallResult {
        peer_name::set(&WINDOWS, s, name)
    }

    fn set_peer_target_name_with_overlapped(&self, s: SOCKET, name: Buffer<'_>) -> CallResult {
        peer_name::set_with_overlapped(&WINDOWS, s, name)
    }

    fn delete_peer_target_name(&self, s: SOCKET, addr: Buffer<'_>) -> CallResult {
        peer_name::delete(&WINDOWS, s, addr)
    }

    fn ioctl(&self, s: SOCKET, code: u32, input: Buffer<'_>) -> CallResult<u32> {
        let result = ioctl::ioctl(&WINDOWS, s, code, input);
        wine::after_ioctl(code, &result);
        if let Buffer::Bytes(bytes) = input {
            wine::after_extension_lookup(code, bytes, &result);
        }
        result
    }

    fn create_port(&self) -> CallResult<u64> {
        with_windows(completion::create)
    }

    fn associate_port(&self, s: SOCKET, port: u64, key: usize) -> CallResult<u64> {
        with_windows(|api| completion::associate(api, s, port, key))
    }

    fn post_packet(&self, port: u64, bytes: u32, key: usize, overlapped: usize) -> CallResult {
        with_windows(|api| completion::post(api, port, bytes, key, overlapped))
    }

    fn dequeue_packet(&self, port: u64, milliseconds: u32) -> Dequeued {
        with_windows(|api| completion::dequeue(api, port, milliseconds))
    }

    fn close_handle(&self, handle: u64) -> CallResult {
        with_windows(|api| handles::close(api, handle))
    }

    fn enum_protocols(&self, filter: Option<&[i32]>, room: Option<u32>) -> Enumerated {
        with_windows(|api| catalog::enum_protocols(api, filter, room))
    }

    fn protocol_by_name(&self, name: &std::ffi::CStr) -> CallResult<(String, i16)> {
        with_windows(|api| catalog::protocol_by_name(api, name))
    }

    fn protocol_by_number(&self, number: i32) -> CallResult<(String, i16)> {
        with_windows(|api| catalog::protocol_by_number(api, number))
    }

    fn cancel_blocking_call(&self) -> CallResult {
        with_windows(catalog::cancel_blocking_call)
    }

    fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> CallResult {
        with_windows(|api| everyday::send_disconnect(api, s, data))
    }

    fn recv_disconnect(&self, s: SOCKET) -> CallResult {
        with_windows(|api| everyday::recv_disconnect(api, s))
    }

    fn recv_ex(&self, s: SOCKET, len: i32) -> CallResult<(Vec<u8>, i32)> {
        with_windows(|api| everyday::recv_ex(api, s, len))
    }

    fn transmit_file(
        &self,
        s: SOCKET,
        buffers: Option<(Buffer<'_>, Buffer<'_>)>,
        flags: u32,
    ) -> CallResult {
        with_windows(|api| transmit::transmit_file(api, s, buffers, flags))
    }

    fn transmit_packets(&self, s: SOCKET, elements: &[(&[u8], bool)], flags: u32) -> CallResult {
        let result = with_windows(|api| transmit::transmit_packets(api, s, elements, flags));
        if result == Err(Code(WSAEINVAL)) {
            // Was it the function's lookup that failed? (Wine 8.0 has no TransmitPackets.)
            let lookup = with_windows(|api| transmit::transmit_packets_function(api, s));
            let guid = wine::guid_bytes(WSAID_TRANSMITPACKETS);
            wine::after_extension_lookup(SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, &lookup);
        }
        result
    }

    fn service_by_name(
        &self,
        name: &std::ffi::CStr,
        proto: Option<&std::ffi::CStr>,
    ) -> CallResult<Service> {
        with_windows(|api| everyday::service_by_name(api, name, proto))
    }

    fn service_by_port(&self, port: u16, proto: Option<&std::ffi::CStr>) -> CallResult<Service> {
        with_windows(|api| everyday::service_by_port(api, port, proto))
    }

    fn get_addr_info_ex(
        &self,
        node: Option<&str>,
        service: Option<&str>,
        namespace: u32,
    ) -> CallResult<Vec<std::net::SocketAddr>> {
        with_windows(|api| everyday::get_addr_info_ex(api, node, service, namespace))
    }

    fn get_addr_info_ex_event(
        &self,
        node: &str,
    ) -> CallResult<(i32, i32, Vec<std::net::SocketAddr>)> {
        with_windows(|api| everyday::get_addr_info_ex_event(api, node))
    }

    fn connect_by_list(
        &self,
        s: SOCKET,
        addrs: &[std::net::SocketAddr],
    ) -> CallResult<std::net::SocketAddr> {
        with_windows(|api| everyday::connect_by_list(api, s, addrs))
    }

    fn wsa_socket_from_info(
        &self,
        triple: (i32, i32, i32),
        catalog_id: u32,
        info_triple: (i32, i32, i32),
    ) -> CallResult<SOCKET> {
        with_windows(|api| catalog::wsa_socket_from_info(api, triple, catalog_id, info_triple))
    }

    fn duplicate_socket(
        &self,
        s: SOCKET,
        process_id: u32,
        info: bool,
        uses: usize,
    ) -> CallResult<Vec<CallResult<SOCKET>>> {
        with_windows(|api| duplicate::duplicate_socket(api, s, process_id, info, uses))
    }

    fn get_qos_by_name(&self, s: SOCKET, name: Option<&[u8]>, qos: bool) -> CallResult {
        with_windows(|api| catalog::get_qos_by_name(api, s, name, qos))
    }

    fn query_security(
        &self,
        s: SOCKET,
        template: Buffer<'_>,
        info_buffer: bool,
        info_len: Option<u32>,
    ) -> Queried {
        with_windows(|api| security::query(api, s, template, info_buffer, info_len))
    }

    fn impersonate_peer(&self, s: SOCKET, addr: Buffer<'_>) -> CallResult {
        with_windows(|api| security::impersonate(api, s, addr))
    }

    fn revert_impersonation(&self) -> CallResult {
        with_windows(security::revert)
    }

    fn send(&self, s: SOCKET, data: &[u8]) -> CallResult<u32> {
        with_windows(|api| data::send(api, s, data))
    }

    fn recv(&self, s: SOCKET, capacity: u16) -> CallResult<Vec<u8>> {
        with_windows(|api| data::recv(api, s, capacity))
    }

    fn send_to(&self, s: SOCKET, data: &[u8], to: Buffer<'_>) -> CallResult<u32> {
        with_windows(|api| data::send_to(api, s, data, to))
    }

    fn recv_from(&self, s: SOCKET, capacity: u16) -> CallResult<(Vec<u8>, Option<SocketAddr>)> {
        with_windows(|api| data::recv_from(api, s, capacity))
    }

    fn wsa_send(&self, s: SOCKET, buffers: &[&[u8]]) -> CallResult<u32> {
        with_windows(|api| wsa_data::wsa_send(api, s, buffers))
    }

    fn wsa_recv(&self, s: SOCKET, capacities: &[u16]) -> CallResult<Vec<Vec<u8>>> {
        with_windows(|api| wsa_data::wsa_recv(api, s, capacities))
    }

    fn wsa_recv_from(
        &self,
        s: SOCKET,
        capacities: &[u16],
    ) -> CallResult<(Vec<Vec<u8>>, Option<SocketAddr>)> {
        with_windows(|api| wsa_data::wsa_recv_from(api, s, capacities))
    }

    fn wsa_send_msg(
        &self,
        s: SOCKET,
        msg: Option<(Option<SocketAddr>, &[&[u8]])>,
    ) -> CallResult<u32> {
        wsa_data::wsa_send_msg(&WINDOWS, s, msg)
    }

    fn wsa_recv_msg(&self, s: SOCKET, msg: bool, capacity: u16, control: u16) -> ReceivedMsg {
        recv_msg::wsa_recv_msg(&WINDOWS, s, msg, capacity, control)
    }

    fn wsa_accept_answering(&self, s: SOCKET, answer: u32) -> CallResult<SOCKET> {
        with_windows(|api| address::wsa_accept(api, s, answer))
    }

    fn shutdown(&self, s: SOCKET, how: i32) -> CallResult {
        with_windows(|api| data::shutdown(api, s, how))
    }

    fn ioctlsocket(&self, s: SOCKET, cmd: i32, arg: u32) -> CallResult<u32> {
        with_windows(|api| data::ioctlsocket(api, s, cmd, arg))
    }

    fn select(&self, sets: [&[SOCKET]; 3], timeout: Option<(i32, i32)>) -> CallResult<Selected> {
        with_windows(|api| readiness::select(api, sets, timeout))
    }

    fn poll(&self, entries: &[(SOCKET, i16)], timeout_ms: i32) -> CallResult<(u32, Vec<i16>)> {
        with_windows(|api| readiness::poll(api, entries, timeout_ms))
    }

    fn event_select(&self, s: SOCKET, event: WSAEVENT, mask: u32) -> CallResult {
        with_windows(|api| readiness::event_select(api, s, event, mask))
    }

    fn enum_network_events(&self, s: SOCKET, event: WSAEVENT) -> CallResult<(u32, [i32; 10])> {
        with_windows(|api| readiness::enum_network_events(api, s, event))
    }

    fn create_event(&self) -> CallResult<WSAEVENT> {
        with_windows(overlapped::create_event)
    }

    fn close_event(&self, event: WSAEVENT) -> CallResult {
        with_windows(|api| overlapped::close_event(api, event))
    }

    fn wait_for_event(&self, event: WSAEVENT, timeout_ms: u32, alertable: bool) -> CallResult<u32> {
        with_windows(|api| overlapped::wait(api, event, timeout_ms, alertable))
    }

    fn ioctl_overlapped(
        &self,
        s: SOCKET,
        code: u32,
        input: Buffer<'_>,
        completion: Completion,
    ) -> (Overlapped, CallResult) {
        let (overlapped, result) =
            with_windows(|api| overlapped::ioctl(api, s, code, input, completion));
        if wine::pended(&result) {
            wine::after_pending_ioctl(code, || self.overlapped_result(s, overlapped, false));
        } else {
            wine::after_ioctl(code, &result);
        }
        (overlapped, result)
    }

    fn wsa_send_overlapped(
        &self,
        s: SOCKET,
        data: &[u8],
        completion: Completion,
    ) -> (Overlapped, CallResult) {
        with_windows(|api| overlapped::send(api, s, data, completion))
    }

    fn wsa_recv_overlapped(
        &self,
        s: SOCKET,
        capacity: u16,
        completion: Completion,
    ) -> (Overlapped, CallResult) {
        with_windows(|api| overlapped::recv(api, s, capacity, completion))
    }

    fn accept_ex(
        &self,
        listener: SOCKET,
        accept: SOCKET,
        receive_len: u16,
    ) -> (Accepting, CallResult) {
        with_windows(|api| extensions::accept_ex(api, listener, accept, receive_len))
    }

    fn accept_ex_sockaddrs(
        &self,
        s: SOCKET,
        accepting: Accepting,
        received: u32,
    ) -> CallResult<Accepted> {
        with_windows(|api| extensions::accept_ex_sockaddrs(api, s, accepting, received))
    }

    fn connect_ex(&self, s: SOCKET, to: SocketAddr, data: &[u8]) -> (Overlapped, CallResult) {
        with_windows(|api| extensions::connect_ex(api, s, to, data))
    }

    fn disconnect_ex(&self, s: SOCKET, flags: u32) -> (Overlapped, CallResult) {
        with_windows(|api| extensions::disconnect_ex(api, s, flags))
    }

    fn cancel_io_ex(&self, s: SOCKET, overlapped: Option<Overlapped>) -> CallResult {
        with_windows(|api| completion::cancel_io_ex(api, s, overlapped))
    }

    fn skip_completion_on_success(&self, s: SOCKET) -> CallResult {
        with_windows(|api| completion::skip_on_success(api, s))
    }

    fn overlapped_result(&self, s: SOCKET, overlapped: Overlapped, wait: bool) -> CallResult<u32> {
        with_windows(|api| overlapped::get_result(api, s, overlapped, wait))
    }

    fn get_addr_info(
        &self,
        node: Option<&str>,
        service: Option<&str>,
        hints: Option<AddrInfoHints>,
    ) -> CallResult<AddrInfoList> {
        with_windows(|api| resolution::get_addr_info(api, node, service, hints))
    }

    fn get_name_info(
        &self,
        addr: SocketAddr,
        host_len: Option<u32>,
        service_len: Option<u32>,
        flags: i32,
    ) -> CallResult<(Option<String>, Option<String>)> {
        with_windows(|api| resolution::get_name_info(api, addr, host_len, service_len, flags))
    }

    fn host_name(&self, len: i32) -> CallResult<String> {
        with_windows(|api| resolution::host_name(api, len))
    }

    fn inet_pton(&self, family: i32, text: Option<&str>) -> Parsed {
        with_windows(|api| resolution::inet_pton(api, family, text))
    }

    fn inet_ntop(&self, family: i32, address: &[u8; 16], size: usize) -> CallResult<String> {
        with_windows(|api| resolution::inet_ntop(api, family, address, size))
    }

    fn inet_addr(&self, text: &str) -> u32 {
        with_windows(|api| resolution::inet_addr(api, text))
    }

    fn string_to_address(
        &self,
        text: &str,
        family: i32,
        len: i32,
    ) -> (CallResult<SocketAddr>, i32) {
        with_windows(|api| resolution::string_to_address(api, text, family, len))
    }

    fn address_to_string(&self, addr: SocketAddr, size: u32) -> (CallResult<String>, u32) {
        with_windows(|api| resolution::address_to_string(api, addr, size))
    }

    fn connect_by_name(
        &self,
        s: SOCKET,
        node: Option<&str>,
        service: Option<&str>,
    ) -> CallResult<SocketAddr> {
        with_windows(|api| resolution::connect_by_name(api, s, node, service))
    }

    fn routines_run(&self) -> u32 {
        overlapped::routines_run()
    }

    fn last_routine_error(&self) -> Option<u32> {
        overlapped::last_routine_error()
    }

    fn take_not_implemented(&self) -> Option<String> {
        wine::take_not_implemented()
    }

    /// None: Windows completes `WSASetSocketPeerTargetName` and `WSAIoctl` with the
    /// peer-name codes at once, and nothing makes them pend, so the conformance cases about
    /// pending operations are not applicable here.
    fn deferral(&self) -> Option<&dyn Deferral> {
        None
    }

    fn set_receive_timeout(&self, s: SOCKET, milliseconds: u32) -> CallResult {
        with_windows(|api| flow::set_receive_timeout(api, s, milliseconds))
    }

    fn socket_error(&self, s: SOCKET) -> CallResult<i32> {
        with_windows(|api| flow::socket_error(api, s))
    }
}
