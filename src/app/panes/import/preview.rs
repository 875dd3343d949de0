//! Reading a file for the preview, on the database thread: the same reader
//! and the same report as `kusei import --dry-run` (`Parsed::headline`,
//! `Parsed::report`, the warnings), and for a file cut off before its end
//! what `--partial` would import.

use std::path::Path;

use super::state::{Outcome, Preview, Tone};
use crate::import::{self, policy::Options, Parsed};

/// What `path` holds, never written anywhere. `db`: the database file,
/// which (with its -wal/-shm) is never opened as a file here.
pub fn read(path: &Path, db: &Path) -> Preview {
    let file = path.display().to_string();
    if crate::db::files::is_database_file(db, path) {
        let e = format!(
            "{file}: データベース {} そのもの（か -wal/-shm）です。読み込むには別のファイルを指定してください",
            db.display()
        );
        return failed(file, e);
    }
    let whole = match import::parse_file(path) {
        Ok(p) => {
            let mut lines = report(&file, &p);
            lines.push((
                Tone::Heading,
                "Enter で読み込みます（まだ何も書き込んでいません）".into(),
            ));
            return Preview {
                file,
                lines,
                outcome: Outcome::Ready(Box::new(p.dataset)),
            };
        }
        Err(e) => e,
    };
    // Refused: taken with --partial, it was cut off before its end.
    match import::parse_file_with(path, Options { partial: true }) {
        Ok(p) => {
            let shown = whole
                .to_string()
                .replace("。そこまでを読み込むには kusei import --partial", "");
            let mut lines = vec![
                (Tone::Error, format!("エラー: {shown}")),
                (
                    Tone::Heading,
                    "p で、最後まで揃っている所までを読み込めます（その内容）:".into(),
                ),
            ];
            lines.extend(report(&file, &p));
            Preview {
                file,
                lines,
                outcome: Outcome::Cut(Box::new(p.dataset)),
            }
        }
        Err(_) => failed(file, whole.to_string()),
    }
}

fn failed(file: String, error: String) -> Preview {
    Preview {
        file,
        lines: vec![
            (Tone::Error, format!("エラー: {error}")),
            (
                Tone::Text,
                "このファイルは読み込めません。何も書き込んでいません".into(),
            ),
        ],
        outcome: Outcome::Failed,
    }
}

/// The headline, the report and the warnings, as the command prints them.
fn report(file: &str, p: &Parsed) -> Vec<(Tone, String)> {
    let mut lines = vec![(Tone::Heading, p.headline(file))];
    lines.extend(p.report.iter().map(|l| (Tone::Text, l.clone())));
    if !p.warnings.is_empty() {
        lines.push((Tone::Heading, format!("注意 {} 件:", p.warnings.len())));
        lines.extend(p.warnings.iter().map(|w| (Tone::Warning, format!("  {w}"))));
    }
    lines
}
