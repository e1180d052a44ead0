//! One data file, as bytes: if it is UTF-8, it is loaded as `fuzz.toml` with
//! `dossier::load::load_sources`. The loader must never panic; when it refuses the file,
//! every error must point at a line and column inside the text.
#![no_main]

use dossier_fuzz::{check_load_error, data_dir, may_read_outside, tally};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if may_read_outside(text) {
        return;
    }
    let sources = vec![(PathBuf::from("fuzz.toml"), text.to_string())];
    match dossier::load::load_sources(data_dir(), &sources) {
        Ok((graph, summary)) => {
            tally("data_file", true);
            assert_eq!(summary.files, 1);
            assert_eq!(summary.entities, graph.entity_count());
            assert_eq!(summary.relations, graph.relation_count());
            assert_eq!(summary.documents, graph.document_count());
        }
        Err(errors) => {
            tally("data_file", false);
            assert!(!errors.0.is_empty(), "Err with no errors");
            for e in &errors.0 {
                check_load_error(&sources, e);
            }
            // The report a person reads must render too.
            let _ = errors.to_string();
        }
    }
});
