//! Arbitrary bytes as the custom JSON of the kitchen-sink plugin's generated Rust decoder:
//! a value or an error, never a panic. A decoded value must encode again.
#![no_main]

use flyteplugins_kitchen_sink::DecodeOptions;
use flyteplugins_kitchen_sink::KitchenSink;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for strict in [false, true] {
        let options = DecodeOptions {
            strict,
            ..Default::default()
        };
        if let Ok(decoded) = KitchenSink::from_custom_str_with(text, &options) {
            decoded
                .value
                .to_custom_string()
                .expect("a decoded value encodes");
        }
    }
});
