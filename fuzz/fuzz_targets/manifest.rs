//! Arbitrary text as a `flyteplug.toml`: a manifest or an error naming a line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = flyteplug::manifest::Manifest::parse(std::path::Path::new("flyteplug.toml"), text);
});
