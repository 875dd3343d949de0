//! The path prompt's help: `~` expanded, Tab completion of file names.
//! Only folders are listed (`read_dir`); no file is opened.

use std::path::PathBuf;

/// "~" and "~/x" as the home folder; other paths as typed.
pub fn expand(typed: &str) -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match (typed.strip_prefix('~'), home) {
        (Some(""), Some(h)) => h,
        (Some(rest), Some(h)) if rest.starts_with('/') => h.join(&rest[1..]),
        _ => PathBuf::from(typed),
    }
}

/// Complete `typed`: the new text (a folder gets its "/") and, when several
/// names match, the names (at most `max`).
pub fn complete(typed: &str, max: usize) -> (String, Vec<String>) {
    let (dir_part, prefix) = match typed.rfind('/') {
        Some(i) => typed.split_at(i + 1),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand(dir_part)
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (typed.to_string(), Vec::new());
    };
    let mut names: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let hidden = name.starts_with('.') && !prefix.starts_with('.');
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            (name.starts_with(prefix) && !hidden).then_some((name, is_dir))
        })
        .collect();
    names.sort();
    match names.as_slice() {
        [] => (typed.to_string(), Vec::new()),
        [(name, is_dir)] => {
            let slash = if *is_dir { "/" } else { "" };
            (format!("{dir_part}{name}{slash}"), Vec::new())
        }
        many => {
            let common = many.iter().skip(1).fold(many[0].0.clone(), |acc, (n, _)| {
                acc.chars()
                    .zip(n.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a)
                    .collect()
            });
            let shown = many
                .iter()
                .take(max)
                .map(|(n, d)| if *d { format!("{n}/") } else { n.clone() })
                .collect();
            (format!("{dir_part}{common}"), shown)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_a_unique_name_and_the_common_part_of_several() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path().display().to_string();
        for f in ["minutes_2019.txt", "minutes_2020.txt", "policy.html"] {
            std::fs::write(dir.path().join(f), "x").expect("write");
        }
        std::fs::create_dir(dir.path().join("old")).expect("dir");
        assert_eq!(
            complete(&format!("{d}/po"), 8).0,
            format!("{d}/policy.html")
        );
        assert_eq!(complete(&format!("{d}/ol"), 8).0, format!("{d}/old/"));
        let (text, shown) = complete(&format!("{d}/mi"), 8);
        assert_eq!(text, format!("{d}/minutes_20"));
        assert_eq!(shown, ["minutes_2019.txt", "minutes_2020.txt"]);
        assert_eq!(complete(&format!("{d}/zz"), 8).0, format!("{d}/zz"));
    }

    #[test]
    fn tilde_is_the_home_folder() {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        if let Some(h) = home {
            assert_eq!(expand("~/a.txt"), h.join("a.txt"));
            assert_eq!(expand("~"), h);
        }
        assert_eq!(expand("/tmp/x"), PathBuf::from("/tmp/x"));
        assert_eq!(expand("~user/x"), PathBuf::from("~user/x"));
    }
}
