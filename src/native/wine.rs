//! Whether this process runs under Wine, and which Wine: `wine_get_version`, which Wine's
//! `ntdll.dll` exports and Windows's does not, found with `GetModuleHandleW` and
//! `GetProcAddress`; and which stub a call under Wine ended in ([`on_stub`]).
//!
//! [GetProcAddress](https://learn.microsoft.com/en-us/windows/win32/api/libloaderapi/nf-libloaderapi-getprocaddress);
//! Wine's [Developer FAQ](https://gitlab.winehq.org/wine/wine/-/wikis/Developer-FAQ#how-can-i-detect-wine)
//! names `wine_get_version` as the way a program detects Wine.
use std::ffi::{c_char, CStr};
use std::sync::OnceLock;

use windows_sys::core::{s, w};

use crate::backend::EXCEPTION_WINE_STUB;
use windows_sys::Win32::System::Diagnostics::Debug::{
    AddVectoredExceptionHandler, EXCEPTION_CONTINUE_SEARCH, EXCEPTION_POINTERS,
};
use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};

/// The version of the Wine this process runs under (`"8.0"`), or `None` on Windows.
pub(crate) fn version() -> Option<&'static str> {
    static VERSION: OnceLock<Option<String>> = OnceLock::new();
    VERSION.get_or_init(query).as_deref()
}

/// Asks `ntdll.dll` for `wine_get_version` and calls it.
fn query() -> Option<String> {
    // SAFETY: a NUL-terminated UTF-16 literal; ntdll.dll is loaded in every process, and
    // the handle is not freed (GetModuleHandleW takes no reference).
    let ntdll = unsafe { GetModuleHandleW(w!("ntdll.dll")) };
    if ntdll.is_null() {
        return None;
    }
    // SAFETY: a live module handle and a NUL-terminated ANSI literal.
    let found = unsafe { GetProcAddress(ntdll, s!("wine_get_version")) }?;
    // SAFETY: Wine declares it `const char * CDECL wine_get_version(void)`; on x86-64 the
    // C and system calling conventions are one, and the pointer came from GetProcAddress.
    let get_version: unsafe extern "C" fn() -> *const c_char =
        unsafe { std::mem::transmute::<unsafe extern "system" fn() -> isize, _>(found) };
    // SAFETY: takes nothing; returns a static NUL-terminated string (or NULL, checked).
    let text = unsafe { get_version() };
    if text.is_null() {
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated, static for the life of the process.
    Some(
        unsafe { CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// What [`on_stub`] calls with the stub's name (`fwpuclnt.dll.WSAQuerySocketSecurity`).
static ON_STUB: OnceLock<fn(&str)> = OnceLock::new();

/// Under Wine, makes a call to a stub function call `report` with the function's name
/// first, from a vectored exception handler, before the process ends as it would have
/// (`report` may end it itself). `report` must not panic. Only the first `report` given
/// is kept.
///
/// [AddVectoredExceptionHandler](https://learn.microsoft.com/en-us/windows/win32/api/errhandlingapi/nf-errhandlingapi-addvectoredexceptionhandler).
pub(crate) fn on_stub(report: fn(&str)) {
    if version().is_none() || ON_STUB.set(report).is_err() {
        return;
    }
    // SAFETY: `stub_handler` has the handler signature and stays valid for the process.
    unsafe { AddVectoredExceptionHandler(1, Some(stub_handler)) };
}

/// The vectored exception handler of [`on_stub`]: for `EXCEPTION_WINE_STUB`, the names of
/// the module and function to [`ON_STUB`]; every exception goes on to the next handler.
unsafe extern "system" fn stub_handler(info: *mut EXCEPTION_POINTERS) -> i32 {
    // SAFETY: the system passes a valid EXCEPTION_POINTERS whose record is valid for the
    // handler's run; Wine's stub record holds two pointers to static C strings.
    let named = unsafe {
        let record = info.as_ref().and_then(|info| info.ExceptionRecord.as_ref());
        match record {
            Some(record)
                if record.ExceptionCode as u32 == EXCEPTION_WINE_STUB
                    && record.NumberParameters >= 2 =>
            {
                let [module, function] = [0, 1].map(|i| {
                    let text = record.ExceptionInformation[i] as *const c_char;
                    (!text.is_null()).then(|| CStr::from_ptr(text).to_string_lossy())
                });
                module.zip(function).map(|(m, f)| format!("{m}.{f}"))
            }
            _ => None,
        }
    };
    if let (Some(name), Some(report)) = (named, ON_STUB.get()) {
        report(&name);
    }
    EXCEPTION_CONTINUE_SEARCH
}
