//! Errors from the operating system in Japanese, the original kept in
//! parentheses (it is what a search or the administrator recognises):
//! `ファイルがありません (No such file or directory (os error 2))`.

use std::io::{self, ErrorKind};

/// What the kind of an OS error means, in Japanese.
fn meaning(kind: ErrorKind, code: Option<i32>) -> Option<&'static str> {
    // Kinds the standard library has no stable name for, by errno.
    match code {
        Some(libc::ENOSPC) => return Some("ディスクの空きがありません"),
        Some(libc::EROFS) => return Some("読み取り専用のファイルシステムです"),
        Some(libc::EISDIR) => return Some("フォルダです（ファイルを指定してください）"),
        Some(libc::ENOTDIR) => return Some("途中にフォルダでないものがあります"),
        Some(libc::EDQUOT) => return Some("ディスクの割り当て（quota）を超えました"),
        Some(libc::ENAMETOOLONG) => return Some("名前が長すぎます"),
        Some(libc::ELOOP) => return Some("シンボリックリンクが循環しています"),
        Some(libc::EXDEV) => return Some("別のファイルシステムへは移せません"),
        Some(libc::EBUSY) => return Some("使用中です"),
        Some(libc::EIO) => return Some("入出力エラーです（ディスクか接続の問題）"),
        _ => {}
    }
    Some(match kind {
        ErrorKind::NotFound => "ファイルがありません",
        ErrorKind::PermissionDenied => "権限がありません",
        ErrorKind::AlreadyExists => "すでにあります",
        ErrorKind::WouldBlock => "いまは処理できません（後でもう一度）",
        ErrorKind::InvalidInput => "指定が正しくありません",
        ErrorKind::InvalidData => "データが正しくありません",
        ErrorKind::TimedOut => "時間切れです",
        ErrorKind::WriteZero => "書き込めませんでした",
        ErrorKind::Interrupted => "中断されました",
        ErrorKind::Unsupported => "この環境では使えません",
        ErrorKind::UnexpectedEof => "途中で終わっています",
        ErrorKind::OutOfMemory => "メモリが足りません",
        ErrorKind::BrokenPipe => "出力先が閉じられました",
        ErrorKind::ConnectionRefused => "接続を拒否されました",
        ErrorKind::ConnectionReset => "接続が切れました",
        ErrorKind::ConnectionAborted => "接続が中断されました",
        ErrorKind::NotConnected => "接続されていません",
        ErrorKind::AddrInUse => "アドレスが使用中です",
        ErrorKind::AddrNotAvailable => "アドレスが使えません",
        _ => return None,
    })
}

/// `e` for the user: the Japanese meaning, then the original in
/// parentheses; the original alone when the kind has no translation.
pub fn ja(e: &io::Error) -> String {
    match meaning(e.kind(), e.raw_os_error()) {
        Some(m) => format!("{m} ({e})"),
        None => e.to_string(),
    }
}

/// A whole error chain as one message (`anyhow`'s `{:#}`), each OS error
/// in it said in Japanese.
pub fn chain_ja(e: &anyhow::Error) -> String {
    let mut msg = format!("{e:#}");
    for cause in e.chain() {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            let raw = io.to_string();
            if !msg.contains(&format!("({raw})")) {
                msg = msg.replace(&raw, &ja(io));
            }
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_are_said_in_japanese_with_the_original() {
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(
            ja(&e),
            "ファイルがありません (No such file or directory (os error 2))"
        );
        let e = io::Error::from_raw_os_error(libc::EACCES);
        assert!(ja(&e).starts_with("権限がありません ("), "{}", ja(&e));
        let e = io::Error::from_raw_os_error(libc::ENOSPC);
        assert!(ja(&e).starts_with("ディスクの空きがありません ("));
        let e = io::Error::other("custom");
        assert_eq!(ja(&e), "custom");
    }

    #[test]
    fn a_chain_is_translated_once() {
        let io = io::Error::from_raw_os_error(libc::ENOENT);
        let e = anyhow::Error::new(io).context("x.json に書き込めません");
        let msg = chain_ja(&e);
        assert_eq!(
            msg,
            "x.json に書き込めません: ファイルがありません (No such file or directory (os error 2))"
        );
    }
}
