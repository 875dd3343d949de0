//! Who is at the keyboard: the OS user of the process's real uid.

/// The real uid and its login name (from the password database); the name
/// falls back to `uid:N` when the uid has no entry.
pub fn current() -> (u32, String) {
    // SAFETY: getuid cannot fail and has no preconditions.
    let uid = unsafe { libc::getuid() };
    (uid, name_of(uid).unwrap_or_else(|| format!("uid:{uid}")))
}

pub fn name_of(uid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: all pointers are valid for the duration of the call and the
    // buffer length is passed; getpwuid_r writes only within them.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: pw_name points into `buf`, NUL-terminated by getpwuid_r.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    name.to_str().ok().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    #[test]
    fn current_user_has_a_name() {
        let (_, name) = super::current();
        assert!(!name.is_empty());
    }
}
