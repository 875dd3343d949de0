//! The index file's layout, and writing it (to a temporary file, fsynced,
//! then renamed over the old one).
//!
//! Little-endian throughout. A fixed header of [`HEADER`] bytes, then eight
//! sections, each at a 64-byte boundary so the mapped arrays are aligned:
//!
//! | section  | contents |
//! |----------|----------|
//! | codec    | the character of each code (u32 each) |
//! | speakers | count (u32), then each folded title: length (u32), UTF-8 |
//! | starts   | u32 per entry, and one more |
//! | docs     | the [`Doc`] records as in memory (`repr(C)`, 32 bytes) |
//! | ranks    | u8 per entry |
//! | arena    | the folded, coded text |
//! | words    | the distinct readings the arena's word numbers stand for: count (u32), each one's end (u32), the coded readings, see [`super::word_numbers`] |
//! | rows     | u32 per entry: the entry numbers by (table, row id, number), see [`super::persist_rows`] |
//!
//! Header (offsets in bytes): magic 0, format version 8, flags 12 (bit 0:
//! readings), change-log number 16, database device 24, inode 32, schema
//! 40, database digest 48, builder fingerprint 80, entries 112, byte ranks
//! 120 (256 bytes), the eight sections 376 (offset u64, length u64, CRC32
//! u32, 4 zero bytes each), the writer's mark in the change log 568 (number
//! i64, value i64), the header's own CRC32 at 584 over bytes 0..584.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::mem::{align_of, offset_of, size_of};
use std::path::Path;

use super::index::{Doc, Index};
use super::persist::{DbIdentity, FORMAT_VERSION, MAGIC};

pub const HEADER: usize = 1024;
pub const SECTIONS: usize = 8;
pub const SECTION_NAMES: [&str; SECTIONS] = [
    "codec", "speakers", "starts", "docs", "ranks", "arena", "words", "rows",
];
pub const CODEC: usize = 0;
pub const SPEAKERS: usize = 1;
pub const STARTS: usize = 2;
pub const DOCS: usize = 3;
pub const RANKS: usize = 4;
pub const ARENA: usize = 5;
pub const WORDS: usize = 6;
/// Last in the file too.
pub const ROWS: usize = 7;
pub const DOC_SIZE: usize = 32;
const ALIGN: u64 = 64;
pub const AT_SECTIONS: usize = 376;
/// The writer's mark in the change log: its number, then its value.
pub const AT_MARK: usize = AT_SECTIONS + SECTIONS * 24;
pub const AT_HEADER_CRC: usize = AT_MARK + 16;

const _: () = assert!(size_of::<Doc>() == DOC_SIZE && align_of::<Doc>() <= 8);
const _: () = assert!(
    cfg!(target_endian = "little"),
    "the index file is little-endian"
);

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub version: u32,
    pub readings: bool,
    pub seq: i64,
    pub db: DbIdentity,
    pub builder: [u8; 32],
    pub entries: u64,
    pub byte_rank: [u8; 256],
    /// (offset, length, CRC32) of each section.
    pub sections: [(u64, u64, u32); SECTIONS],
}

impl Header {
    pub fn encode(&self) -> Vec<u8> {
        let mut h = vec![0u8; HEADER];
        let mut put = |at: usize, b: &[u8]| h[at..at + b.len()].copy_from_slice(b);
        put(0, MAGIC);
        put(8, &self.version.to_le_bytes());
        put(12, &u32::from(self.readings).to_le_bytes());
        put(16, &self.seq.to_le_bytes());
        put(24, &self.db.dev.to_le_bytes());
        put(32, &self.db.ino.to_le_bytes());
        put(40, &self.db.schema.to_le_bytes());
        put(48, &self.db.digest);
        put(80, &self.builder);
        put(112, &self.entries.to_le_bytes());
        put(120, &self.byte_rank);
        for (i, (off, len, crc)) in self.sections.iter().enumerate() {
            let at = AT_SECTIONS + i * 24;
            put(at, &off.to_le_bytes());
            put(at + 8, &len.to_le_bytes());
            put(at + 16, &crc.to_le_bytes());
        }
        put(AT_MARK, &self.db.mark.0.to_le_bytes());
        put(AT_MARK + 8, &self.db.mark.1.to_le_bytes());
        let crc = crc32fast::hash(&h[..AT_HEADER_CRC]);
        h[AT_HEADER_CRC..AT_HEADER_CRC + 4].copy_from_slice(&crc.to_le_bytes());
        h
    }
}

/// Counts and checksums what passes through.
struct Counting<W: Write> {
    out: W,
    at: u64,
    crc: crc32fast::Hasher,
}

impl<W: Write> Counting<W> {
    fn put(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.out.write_all(b)?;
        self.crc.update(b);
        self.at += b.len() as u64;
        Ok(())
    }

    /// Zero bytes up to the next section boundary (outside every CRC).
    fn align(&mut self) -> std::io::Result<()> {
        let pad = (ALIGN - self.at % ALIGN) % ALIGN;
        self.out.write_all(&vec![0u8; pad as usize])?;
        self.at += pad;
        Ok(())
    }

    fn section(
        &mut self,
        write: impl FnOnce(&mut Self) -> std::io::Result<()>,
    ) -> std::io::Result<(u64, u64, u32)> {
        self.align()?;
        let start = self.at;
        self.crc = crc32fast::Hasher::new();
        write(self)?;
        let crc = std::mem::take(&mut self.crc).finalize();
        Ok((start, self.at - start, crc))
    }
}

/// One record's bytes, as [`Doc`] lies in memory (padding zeroed).
pub fn doc_bytes(d: &Doc) -> [u8; DOC_SIZE] {
    let mut b = [0u8; DOC_SIZE];
    let mut put = |at: usize, v: &[u8]| b[at..at + v.len()].copy_from_slice(v);
    put(offset_of!(Doc, id), &d.id.to_le_bytes());
    put(offset_of!(Doc, parent), &d.parent.to_le_bytes());
    put(offset_of!(Doc, day), &d.day.to_le_bytes());
    put(offset_of!(Doc, fiscal_year), &d.fiscal_year.to_le_bytes());
    put(offset_of!(Doc, meeting_no), &d.meeting_no.to_le_bytes());
    put(offset_of!(Doc, speaker), &d.speaker.to_le_bytes());
    put(offset_of!(Doc, kind), &[d.kind as u8]);
    b
}

/// Write `index` (including the change log up to `seq`) as a file at
/// `path` (which must not exist; the caller renames it into place).
pub fn write_new(path: &Path, index: &Index, seq: i64, db: DbIdentity) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let mut w = Counting {
        out: BufWriter::with_capacity(1 << 20, file),
        at: 0,
        crc: crc32fast::Hasher::new(),
    };
    w.put(&[0u8; HEADER])?;
    let mut sections = [(0, 0, 0); SECTIONS];
    sections[CODEC] = w.section(|w| {
        let chars = index.codec.chars();
        let bytes: Vec<u8> = chars
            .iter()
            .flat_map(|&c| u32::from(c).to_le_bytes())
            .collect();
        w.put(&bytes)
    })?;
    sections[SPEAKERS] = w.section(|w| {
        w.put(&(index.speakers.len() as u32).to_le_bytes())?;
        for s in &index.speakers {
            w.put(&(s.len() as u32).to_le_bytes())?;
            w.put(s.as_bytes())?;
        }
        Ok(())
    })?;
    sections[STARTS] = w.section(|w| {
        for chunk in index.starts.chunks(1 << 14) {
            let bytes: Vec<u8> = chunk.iter().flat_map(|s| s.to_le_bytes()).collect();
            w.put(&bytes)?;
        }
        Ok(())
    })?;
    sections[DOCS] = w.section(|w| {
        for chunk in index.docs.chunks(1 << 12) {
            let bytes: Vec<u8> = chunk.iter().flat_map(doc_bytes).collect();
            w.put(&bytes)?;
        }
        Ok(())
    })?;
    sections[RANKS] = w.section(|w| w.put(&index.ranks))?;
    sections[ARENA] = w.section(|w| w.put(&index.arena))?;
    sections[WORDS] = w.section(|w| w.put(&index.words().to_bytes()))?;
    sections[ROWS] = w.section(|w| {
        let computed;
        let rows: &[u32] = if index.has_row_lookup() {
            &index.rows
        } else {
            computed = super::persist_rows::row_order(&index.docs);
            &computed
        };
        for chunk in rows.chunks(1 << 14) {
            let bytes: Vec<u8> = chunk.iter().flat_map(|s| s.to_le_bytes()).collect();
            w.put(&bytes)?;
        }
        Ok(())
    })?;
    let header = Header {
        version: FORMAT_VERSION,
        readings: index.readings,
        seq,
        db,
        builder: super::persist::builder_fingerprint(index.readings),
        entries: index.len() as u64,
        byte_rank: index.byte_rank,
        sections,
    };
    let mut file = w.out.into_inner().map_err(|e| e.into_error())?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&header.encode())?;
    file.sync_all()
}

/// Remove `<target>.tmp.<digits>` files beside `target`. Only the lock
/// holder may call this (see [`publish`]).
fn remove_stale_temporaries(target: &Path) {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut prefix = name.to_os_string();
    prefix.push(".tmp.");
    let prefix = prefix.to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let stale = file
            .strip_prefix(&prefix)
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if stale {
            tracing::info!(file = %entry.path().display(), "検索索引の書きかけのファイルを消しました");
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Write `index` to `<db>.search-index`: a temporary file beside it,
/// given the database's group and mode, fsynced, renamed over the old
/// file, and the folder fsynced. The caller holds the lock.
pub fn publish(db: &Path, index: &Index, seq: i64, id: DbIdentity) -> std::io::Result<()> {
    let target = super::persist::path_for(db);
    let mut tmp = target.as_os_str().to_owned();
    tmp.push(format!(".tmp.{}", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp);
    // Temporary files left by writers that were killed mid-write (any pid:
    // every writer holds the lock we hold, so none of them is in use).
    remove_stale_temporaries(&target);
    let written = write_new(&tmp, index, seq, id).and_then(|_| {
        crate::db::files::share_like(db, &tmp);
        std::fs::rename(&tmp, &target)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if let Ok(dir) = File::open(crate::db::files::dir_of(&target)) {
        let _ = dir.sync_all();
    }
    Ok(())
}
