//! Arbitrary bytes as one document file: decode, front matter, markdown.
//! The body lives in `pactum::fuzzing`, shared with the regression test.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pactum::fuzzing::front_matter_markdown(data));
