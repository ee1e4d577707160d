//! `getprotobyname` and `getprotobynumber`: the protocol database
//! (`model/sockets/protocol_db.rs`), answered in the one `PROTOENT` each thread owns.
//!
//! "Only one copy of this structure is allocated per thread": each answer replaces the
//! thread's previous one, whose pointers then dangle, as on Windows. The structure and its
//! strings are separate heap blocks made with `Box::into_raw`, so the pointers handed out
//! stay valid (and Miri-clean) until the next call on the thread, or its end.
use std::cell::RefCell;
use std::ptr;

use windows_sys::core::PCSTR;
use windows_sys::Win32::Networking::WinSock::PROTOENT;

use crate::error::Result;
use crate::model::current::with_current;
use crate::model::protocol_db::{self, ProtocolRecord, LONGEST_NAME};
use crate::rules;
use crate::sys::last_error::record;

/// The thread's `PROTOENT` and the blocks it points to.
struct Storage {
    entry: *mut PROTOENT,
    name: *mut [u8],
    alias: *mut [u8],
    aliases: *mut [*mut i8; 2],
}

impl Storage {
    /// The blocks for `record`: its name and alias NUL-terminated, the alias list ending
    /// with NULL.
    fn new(record: ProtocolRecord) -> Self {
        let c_string = |text: &str| {
            let mut bytes = text.as_bytes().to_vec();
            bytes.push(0);
            Box::into_raw(bytes.into_boxed_slice())
        };
        let name = c_string(record.name);
        let alias = c_string(record.alias);
        let aliases = Box::into_raw(Box::new([alias.cast::<i8>(), ptr::null_mut()]));
        let entry = Box::into_raw(Box::new(PROTOENT {
            p_name: name.cast::<u8>(),
            p_aliases: aliases.cast::<*mut i8>(),
            p_proto: record.number,
        }));
        Self {
            entry,
            name,
            alias,
            aliases,
        }
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        // SAFETY: each block came from `Box::into_raw` in `new` and is freed once, here.
        unsafe {
            drop(Box::from_raw(self.entry));
            drop(Box::from_raw(self.aliases));
            drop(Box::from_raw(self.alias));
            drop(Box::from_raw(self.name));
        }
    }
}

thread_local! {
    /// The thread's answer, until the next one.
    static ANSWER: RefCell<Option<Storage>> = const { RefCell::new(None) };
}

/// Stores `record` as the thread's answer and returns its `PROTOENT`.
fn answer(record: ProtocolRecord) -> *mut PROTOENT {
    let storage = Storage::new(record);
    let entry = storage.entry;
    ANSWER.with(|answer| *answer.borrow_mut() = Some(storage));
    entry
}

/// The pointer convention of both calls: the entry, or NULL with the last error set.
fn entry_result(result: Result<ProtocolRecord>) -> *mut PROTOENT {
    match result {
        Ok(record) => answer(record),
        Err(error) => {
            record(error);
            ptr::null_mut()
        }
    }
}

/// Reads the C string `name` up to its NUL, or up to one byte more than the longest name
/// the database knows (a longer one cannot match).
///
/// # Safety
/// `name` must be non-NULL and point to a NUL-terminated string.
unsafe fn name_prefix(name: PCSTR) -> Vec<u8> {
    // SAFETY: forwarded from the caller.
    unsafe { c_prefix(name, LONGEST_NAME) }
}

/// Reads the C string `text` up to its NUL, or up to one byte more than `longest` (a
/// longer string cannot match anything): never more than `longest + 1` bytes.
///
/// # Safety
/// `text` must be non-NULL and point to a NUL-terminated string.
pub(in crate::sys) unsafe fn c_prefix(text: PCSTR, longest: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(longest + 1);
    while bytes.len() <= longest {
        // SAFETY: the string is readable up to and including its NUL, which has not been
        // reached yet.
        let byte = unsafe { text.add(bytes.len()).read() };
        if byte == 0 {
            break;
        }
        bytes.push(byte);
    }
    bytes
}

/// [`getprotobyname`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getprotobyname):
/// the protocol whose name or alias is `name` (ASCII case ignored), in the thread's one
/// `PROTOENT` ([`crate::choices::PROTOCOL_DATABASE`]). Returns NULL with
/// `WSANOTINITIALISED`, `WSAEFAULT` (`name` is NULL), or `WSANO_DATA` (no such protocol).
///
/// # Safety
/// `name` must be NULL or a NUL-terminated string. The result is valid until the thread's
/// next `getprotobyname` or `getprotobynumber`, and must not be written to.
pub unsafe extern "system" fn getprotobyname(name: PCSTR) -> *mut PROTOENT {
    entry_result(with_current(|table| {
        table.require_startup()?;
        rules::pointer_is_present(name.is_null())?;
        // SAFETY: forwarded from the caller.
        let prefix = unsafe { name_prefix(name) };
        rules::catalog::protocol_is_in_the_database(protocol_db::by_name(&prefix))
    }))
}

/// [`getprotobynumber`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getprotobynumber):
/// the protocol numbered `number`, in the thread's one `PROTOENT`. Returns NULL with
/// `WSANOTINITIALISED` or `WSANO_DATA` (no such protocol).
///
/// # Safety
/// None needed to call it; the result is valid as for [`getprotobyname`].
pub unsafe extern "system" fn getprotobynumber(number: i32) -> *mut PROTOENT {
    entry_result(with_current(|table| {
        table.require_startup()?;
        rules::catalog::protocol_is_in_the_database(protocol_db::by_number(number))
    }))
}
