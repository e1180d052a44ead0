//! What to import: the formats and the sources, as the command line names them.

use crate::load::LoadError;
use std::fmt;
use std::path::{Path, PathBuf};

/// A format dossier imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// CSV tables: `documents.csv`, `nodes.csv`, `relations.csv`.
    Csv,
    /// FollowTheMoney entities, one JSON object a line.
    Ftm,
    /// `head<TAB>relation<TAB>tail` lines.
    Triples,
}

impl ImportFormat {
    /// Parses `csv`, `ftm` (or `ftm-json`, `jsonl`) or `triples` (or `tsv`), in any case.
    pub fn parse(text: &str) -> Result<ImportFormat, String> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Ok(ImportFormat::Csv),
            "ftm" | "ftm-json" | "followthemoney" | "jsonl" => Ok(ImportFormat::Ftm),
            "triples" | "tsv" => Ok(ImportFormat::Triples),
            _ => Err(format!(
                "unknown import format `{text}` (expected csv, ftm or triples)"
            )),
        }
    }

    /// The format a path suggests: a directory is CSV tables, `.tsv` or `.txt` triples,
    /// `.json`, `.jsonl` or `.ndjson` FtM lines.
    pub fn guess(path: &Path) -> Option<ImportFormat> {
        if path.is_dir() {
            return Some(ImportFormat::Csv);
        }
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "tsv" | "txt" => Some(ImportFormat::Triples),
            "json" | "jsonl" | "ndjson" => Some(ImportFormat::Ftm),
            _ => None,
        }
    }
}

impl fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImportFormat::Csv => "csv",
            ImportFormat::Ftm => "ftm",
            ImportFormat::Triples => "triples",
        })
    }
}

/// One dataset to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportSource {
    /// CSV tables by role; any may be absent.
    Csv {
        /// `id,title,publisher,published,url`.
        documents: Option<PathBuf>,
        /// `id,kind,name,aliases,description,roles,start,end,place`.
        nodes: Option<PathBuf>,
        /// `from,to,kind,date,quote,source,label,id,until,role,claim,description`.
        relations: Option<PathBuf>,
    },
    /// A FollowTheMoney JSON lines file.
    Ftm(PathBuf),
    /// A triples file.
    Triples(PathBuf),
}

impl ImportSource {
    /// The source at `path` in `format` (guessed from the path when `None`). CSV takes a
    /// directory holding `documents.csv`, `nodes.csv` and `relations.csv`, each optional (at
    /// least one).
    pub fn at(path: &Path, format: Option<ImportFormat>) -> Result<ImportSource, LoadError> {
        let fail = |message: String| LoadError {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            field: "file".into(),
            message,
        };
        let format = match format.or_else(|| ImportFormat::guess(path)) {
            Some(f) => f,
            None if !path.exists() => return Err(fail("no such file or directory".into())),
            None => {
                return Err(fail(
                    "cannot tell the format from the name: give --format csv, ftm or triples"
                        .into(),
                ))
            }
        };
        match format {
            ImportFormat::Csv => {
                if !path.is_dir() {
                    return Err(fail(
                        "a CSV import is a directory holding documents.csv, nodes.csv and relations.csv, each optional (or give the files with --nodes, --relations, --documents)".into(),
                    ));
                }
                let file = |name: &str| Some(path.join(name)).filter(|p| p.is_file());
                let source = ImportSource::Csv {
                    documents: file("documents.csv"),
                    nodes: file("nodes.csv"),
                    relations: file("relations.csv"),
                };
                if source.paths().is_empty() {
                    return Err(fail(
                        "this directory has none of documents.csv, nodes.csv, relations.csv".into(),
                    ));
                }
                Ok(source)
            }
            ImportFormat::Ftm => Ok(ImportSource::Ftm(path.to_path_buf())),
            ImportFormat::Triples => Ok(ImportSource::Triples(path.to_path_buf())),
        }
    }

    /// The source's format.
    pub fn format(&self) -> ImportFormat {
        match self {
            ImportSource::Csv { .. } => ImportFormat::Csv,
            ImportSource::Ftm(_) => ImportFormat::Ftm,
            ImportSource::Triples(_) => ImportFormat::Triples,
        }
    }

    /// The files read.
    pub fn paths(&self) -> Vec<&Path> {
        match self {
            ImportSource::Csv {
                documents,
                nodes,
                relations,
            } => [documents, nodes, relations]
                .into_iter()
                .flatten()
                .map(PathBuf::as_path)
                .collect(),
            ImportSource::Ftm(p) | ImportSource::Triples(p) => vec![p],
        }
    }
}
